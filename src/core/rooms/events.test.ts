import { describe, expect, it } from 'vitest';
import {
  agentStateEvent,
  connectionEvent,
  jobIdOf,
  participantEvent,
  speakerEvents,
  transcriptionEvent,
} from './events.js';

const agent = { identity: 'agent-AJ_abc123', kind: 4, attributes: { 'lk.agent.state': 'thinking' } };
const user = { identity: 'caller-7', kind: 0 };

describe('room events as AgentEvents', () => {
  it('joins room and logs through the agent identity (agent-<job id>)', () => {
    expect(jobIdOf('agent-AJ_abc123')).toBe('AJ_abc123');
    expect(jobIdOf('caller-7')).toBeUndefined();
    expect(participantEvent('demo', agent, true, 1)).toMatchObject({
      kind: 'participant_joined',
      agent: true,
      ctx: { roomName: 'demo', jobId: 'AJ_abc123', participant: 'agent-AJ_abc123' },
      evidence: { room: 'demo', text: 'agent agent-AJ_abc123 joined' },
    });
    expect(participantEvent('demo', user, false, 2)).toMatchObject({
      kind: 'participant_left',
      agent: false,
      ctx: { roomName: 'demo' },
    });
  });

  it('reports each change of the agent state once', () => {
    expect(agentStateEvent('demo', agent, 'listening', 3)).toMatchObject({
      kind: 'agent_state',
      state: 'thinking',
    });
    expect(agentStateEvent('demo', agent, 'thinking', 4)).toBeUndefined();
  });

  it('turns speaker changes into an answer and an end of turn', () => {
    const evs = speakerEvents('demo', [user], [agent], 5);
    expect(evs.map((e) => e.kind)).toEqual(['agent_speech', 'user_turn_end']);
    expect(evs[1]?.ctx.participant).toBe('caller-7');
  });

  it('ends a user turn on a final transcript, and marks the agent answering on its first segment', () => {
    expect(
      transcriptionEvent('demo', user, { 'lk.transcription_final': 'false' }, 'hel', true, 6),
    ).toBeUndefined();
    expect(
      transcriptionEvent('demo', user, { 'lk.transcription_final': 'true' }, 'hello there', false, 7),
    ).toMatchObject({ kind: 'user_turn_end', transcript: 'hello there' });
    expect(transcriptionEvent('demo', agent, {}, 'Hi!', true, 8)?.kind).toBe('agent_speech');
    expect(transcriptionEvent('demo', agent, {}, 'Hi! How', false, 9)).toBeUndefined();
  });

  it('keeps untrusted transcript text as text', () => {
    const ev = transcriptionEvent(
      'demo',
      user,
      { 'lk.transcription_final': 'true' },
      '<img src=x onerror=alert(1)>',
      false,
      10,
    );
    expect(ev?.evidence.text).toBe('caller-7 said: <img src=x onerror=alert(1)>');
  });

  it('reports its own connection', () => {
    expect(connectionEvent('demo', 'reconnecting', 11, 'signal lost')).toMatchObject({
      kind: 'observer_connection',
      state: 'reconnecting',
      reason: 'signal lost',
    });
  });
});
