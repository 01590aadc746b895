import { AgentSession } from '@livekit/protocol';
import { describe, expect, it } from 'vitest';
import { SessionTracker } from '../tracker.js';
import { RoomMapper, sessionError } from './mapper.js';
import type { Observation } from '../../shared/observation.js';

const agent = { identity: 'agent-AJ_x1y2z3', kind: 4, attributes: { 'lk.agent.state': 'listening' } };
const user = { identity: 'caller', kind: 0, attributes: {} };

/** An `lk.agent.session` message from the agent, as the page reports it. */
function fromFeed(time: number, event: AgentSession.AgentSessionEvent['event']): Observation {
  return {
    room: 'dev',
    time,
    type: 'agent_session',
    from: { identity: agent.identity },
    data: sessionBytes(event),
  };
}

function sessionBytes(event: AgentSession.AgentSessionEvent['event']): string {
  const msg = new AgentSession.AgentSessionMessage({
    message: { case: 'event', value: new AgentSession.AgentSessionEvent({ event }) },
  });
  return Buffer.from(msg.toBinary()).toString('base64');
}

describe('RoomMapper', () => {
  it('reports who is there on connecting, and what changed across a reconnection', () => {
    const m = new RoomMapper('dev');
    const first = m.map({ room: 'dev', time: 1, type: 'connected', participants: [agent, user] });
    expect(first.map((e) => e.kind)).toEqual([
      'observer_connection',
      'participant_joined',
      'agent_state',
      'participant_joined',
    ]);
    expect(m.users().map((u) => u.identity)).toEqual(['caller']);
    expect(m.map({ room: 'dev', time: 2, type: 'reconnecting' })).toHaveLength(1);
    expect(m.map({ room: 'dev', time: 2, type: 'reconnecting' })).toHaveLength(0);
    expect(m.connected).toBe(false);
    // A full rejoin replays everyone as left: not believed while away.
    expect(m.map({ room: 'dev', time: 2, type: 'participant_left', peer: agent })).toEqual([]);
    // The user left while the observer was away: reported when it is back.
    const back = m.map({ room: 'dev', time: 3, type: 'reconnected', participants: [agent] });
    expect(back.map((e) => [e.kind, e.kind === 'participant_left' ? e.participant : ''])).toEqual([
      ['observer_connection', ''],
      ['participant_left', 'caller'],
    ]);
  });

  it('reports a state change once, and an agent transcript once per segment', () => {
    const m = new RoomMapper('dev');
    m.map({ room: 'dev', time: 1, type: 'connected', participants: [agent, user] });
    const thinking = { ...agent, attributes: { 'lk.agent.state': 'thinking' } };
    expect(m.map({ room: 'dev', time: 2, type: 'attributes', peer: thinking })).toHaveLength(1);
    expect(m.map({ room: 'dev', time: 3, type: 'attributes', peer: thinking })).toHaveLength(0);
    const said = (streamId: string, segment: string): Observation => ({
      room: 'dev',
      time: 4,
      type: 'transcription',
      from: { identity: agent.identity },
      streamId,
      attributes: { 'lk.segment_id': segment },
      text: 'Hello',
    });
    expect(m.map(said('s1', 'SG_1')).map((e) => e.kind)).toEqual(['agent_speech']);
    expect(m.map(said('s2', 'SG_1'))).toEqual([]);
    const userFinal = m.map({
      room: 'dev',
      time: 5,
      type: 'transcription',
      from: { identity: 'caller' },
      streamId: 's3',
      attributes: { 'lk.segment_id': 'SG_2', 'lk.transcription_final': 'true' },
      text: 'Where is my order?',
    });
    expect(userFinal).toMatchObject([{ kind: 'user_turn_end', transcript: 'Where is my order?' }]);
  });

  it('decodes the lk.agent.session feed: state changes, final transcripts, typed errors', () => {
    const m = new RoomMapper('dev');
    m.map({ room: 'dev', time: 1, type: 'connected', participants: [agent, user] });
    const state = m.map(
      fromFeed(2, {
        case: 'agentStateChanged',
        value: new AgentSession.AgentSessionEvent_AgentStateChanged({
          oldState: AgentSession.AgentState.AS_LISTENING,
          newState: AgentSession.AgentState.AS_THINKING,
        }),
      }),
    );
    expect(state).toMatchObject([{ kind: 'agent_state', state: 'thinking', ctx: { jobId: 'AJ_x1y2z3' } }]);
    const error = m.map(
      fromFeed(3, {
        case: 'error',
        value: new AgentSession.AgentSessionEvent_Error({
          message:
            "type='llm_error' timestamp=1764000000.5 label='livekit.agents.inference.LLM' error=APIStatusError(message=\"Error code: 429 - {'type': 'inference_quota_exceeded', 'error': 'LLM token credit quota exceeded, category: MaxGatewayCredits', 'quota_type': 'llm', 'category': 'MaxGatewayCredits'}\", status_code=429, request_id=None, body=None, retryable=False) recoverable=False",
        }),
      }),
    );
    expect(error).toMatchObject([
      {
        kind: 'error',
        error: {
          component: 'llm',
          status: 429,
          quota: { type: 'llm', category: 'MaxGatewayCredits', terminal: true },
        },
        evidence: { room: 'dev' },
      },
    ]);
    const userStopped = m.map(
      fromFeed(3, {
        case: 'userStateChanged',
        value: new AgentSession.AgentSessionEvent_UserStateChanged({
          oldState: AgentSession.UserState.US_SPEAKING,
          newState: AgentSession.UserState.US_LISTENING,
        }),
      }),
    );
    expect(userStopped).toMatchObject([{ kind: 'user_turn_end', ctx: { participant: 'caller' } }]);
    const replied = m.map(
      fromFeed(3, {
        case: 'conversationItemAdded',
        value: new AgentSession.AgentSessionEvent_ConversationItemAdded({
          item: new AgentSession.ChatContext_ChatItem({
            item: {
              case: 'message',
              value: new AgentSession.ChatMessage({
                role: AgentSession.ChatRole.ASSISTANT,
                content: [
                  new AgentSession.ChatMessage_ChatContent({ payload: { case: 'text', value: 'Hi!' } }),
                ],
                metrics: new AgentSession.MetricsReport({ e2eLatency: 1.234 }),
              }),
            },
          }),
        }),
      }),
    );
    expect(replied).toMatchObject([
      { kind: 'agent_speech', evidence: { text: 'agent replied (1.23 s after the user stopped): Hi!' } },
    ]);
    // Garbage on the topic is ignored, never thrown.
    expect(
      m.map({
        room: 'dev',
        time: 4,
        type: 'agent_session',
        from: { identity: agent.identity },
        data: '////',
      }),
    ).toEqual([]);
  });

  it('reads an agents-js session error (the plugin label only) as an error of that component', () => {
    const ev = sessionError('dev', agent, 'inference.TTS', 5);
    expect(ev).toMatchObject({ kind: 'error', error: { component: 'tts' } });
  });

  it('feeds the tracker: a user turn the agent never answers is agent_silent', () => {
    const m = new RoomMapper('dev');
    const t = new SessionTracker({ silenceMs: 8000 });
    const feed = (o: Observation) => m.map(o).forEach((e) => t.ingest(e));
    feed({ room: 'dev', time: 1000, type: 'connected', participants: [agent, user] });
    feed({ room: 'dev', time: 2000, type: 'speakers', speakers: [user] });
    feed({ room: 'dev', time: 4000, type: 'speakers', speakers: [] });
    expect(t.tick(11_999)).toEqual([]);
    const fired = t.tick(12_000);
    expect(fired[0]?.created.map((f) => f.cause)).toEqual(['agent_silent']);
    expect(fired[0]?.created[0]?.job).toBe('AJ_x1y2z3');
  });
});
