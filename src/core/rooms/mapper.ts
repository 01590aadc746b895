// Turns what the observer page saw in one room into AgentEvents, the same events the logs give, so
// one tracker runs the detectors over both. Keeps the little state the mapping needs: who is in
// the room, each agent's last state, the active speakers, the transcript segments already seen.

import { AgentSession } from '@livekit/protocol';
import { classify } from '../classify.js';
import type { AgentEvent } from '../../shared/events.js';
import {
  agentStateEvent,
  connectionEvent,
  isAgent,
  jobIdOf,
  participantEvent,
  roomBase,
  speakerEvents,
  transcriptionEvent,
} from './events.js';
import type { Observation, SeenPeer } from '../../shared/observation.js';

const AGENT_STATES = ['initializing', 'idle', 'listening', 'thinking', 'speaking'];

export class RoomMapper {
  private readonly peers = new Map<string, SeenPeer>();
  private readonly states = new Map<string, string>();
  private speakers: SeenPeer[] = [];
  private readonly segments = new Set<string>();
  /** The observer's own connection: up once it connected, down between a drop and its return. */
  connected = false;

  constructor(readonly room: string) {}

  /** Visible participants that are not agents (the observer itself is never among them). */
  users(): SeenPeer[] {
    return [...this.peers.values()].filter((p) => !isAgent(p));
  }

  agents(): SeenPeer[] {
    return [...this.peers.values()].filter(isAgent);
  }

  /** The room's sid, once connected: the `room_id` agents-js logs carry, a second join key. */
  roomSid: string | undefined;

  map(o: Observation): AgentEvent[] {
    if (o.type === 'connected' && o.roomSid) this.roomSid = o.roomSid;
    const out = this.events(o);
    if (this.roomSid) for (const ev of out) ev.ctx.roomSid ??= this.roomSid;
    return out;
  }

  private events(o: Observation): AgentEvent[] {
    const room = this.room;
    const t = o.time;
    switch (o.type) {
      case 'connected':
      case 'reconnected': {
        const out: AgentEvent[] = [connectionEvent(room, 'connected', t)];
        this.connected = true;
        // Compared with what was known before the drop: only real joins and leaves are reported
        // (a full rejoin replays every participant as left, then joined).
        const now = new Map(o.participants.map((p) => [p.identity, p]));
        for (const [id, p] of this.peers) if (!now.has(id)) out.push(...this.left(p, t));
        for (const p of o.participants) out.push(...this.seen(p, t));
        return out;
      }
      case 'participant_joined':
      case 'attributes':
        return this.connected ? this.seen(o.peer, t) : [];
      case 'participant_left':
        return this.connected ? this.left(o.peer, t) : [];
      case 'speakers': {
        const out = speakerEvents(room, this.speakers, o.speakers, t);
        this.speakers = o.speakers;
        return out;
      }
      case 'transcription': {
        const segment = o.attributes['lk.segment_id'] ?? o.streamId;
        const first = !this.segments.has(segment);
        this.segments.add(segment);
        if (this.segments.size > 10_000) this.segments.clear();
        const sender = this.peers.get(o.from.identity) ?? o.from;
        const ev = transcriptionEvent(room, sender, o.attributes, o.text, first, t);
        return ev ? [ev] : [];
      }
      case 'agent_session':
        return this.sessionMessage(o.from, o.data, t);
      case 'reconnecting':
        if (!this.connected) return []; // already away (signal, then media)
        this.connected = false;
        return [connectionEvent(room, 'reconnecting', t)];
      case 'disconnected':
        this.connected = false;
        this.speakers = [];
        return [connectionEvent(room, 'disconnected', t, o.reason)];
      case 'join_failed':
        return [];
    }
  }

  private seen(p: SeenPeer, t: number): AgentEvent[] {
    const out: AgentEvent[] = [];
    if (!this.peers.has(p.identity)) out.push(participantEvent(this.room, p, true, t));
    this.peers.set(p.identity, p);
    if (isAgent(p)) {
      const prev = this.states.get(p.identity);
      const ev = agentStateEvent(this.room, p, prev, t);
      if (ev) out.push(ev);
      const state = p.attributes?.['lk.agent.state'];
      if (state) this.states.set(p.identity, state);
    }
    return out;
  }

  private left(p: SeenPeer, t: number): AgentEvent[] {
    const known = this.peers.get(p.identity);
    if (!known) return [];
    this.peers.delete(p.identity);
    this.states.delete(p.identity);
    this.speakers = this.speakers.filter((s) => s.identity !== p.identity);
    return [participantEvent(this.room, known, false, t)];
  }

  /** An `lk.agent.session` message (Python agents ≥ 1.5 broadcast them): the typed session feed. */
  private sessionMessage(from: SeenPeer, data: string, t: number): AgentEvent[] {
    let msg: AgentSession.AgentSessionMessage;
    try {
      msg = AgentSession.AgentSessionMessage.fromBinary(Buffer.from(data, 'base64'));
    } catch {
      return []; // a newer or foreign message: the attributes and transcripts still tell the story
    }
    if (msg.message.case !== 'event') return [];
    const ev = msg.message.value.event;
    const agent = this.peers.get(from.identity) ?? { ...from, kind: 4 };
    switch (ev.case) {
      case 'agentStateChanged': {
        const state = AGENT_STATES[ev.value.newState];
        if (!state) return [];
        const p = { ...agent, attributes: { ...agent.attributes, 'lk.agent.state': state } };
        const out = agentStateEvent(this.room, p, this.states.get(agent.identity), t);
        this.states.set(agent.identity, state);
        return out ? [out] : [];
      }
      case 'userInputTranscribed': {
        if (!ev.value.isFinal) return [];
        const user = this.users()[0] ?? { identity: 'user' };
        const out = transcriptionEvent(
          this.room,
          user,
          { 'lk.transcription_final': 'true' },
          ev.value.transcript,
          true,
          t,
        );
        return out ? [out] : [];
      }
      case 'userStateChanged': {
        const { oldState, newState } = ev.value;
        if (
          oldState !== AgentSession.UserState.US_SPEAKING ||
          newState !== AgentSession.UserState.US_LISTENING
        )
          return [];
        const user = this.users()[0] ?? { identity: 'user' };
        return [
          {
            ...roomBase(this.room, user, t, `${user.identity} stopped speaking (agent session feed)`),
            kind: 'user_turn_end',
          },
        ];
      }
      case 'conversationItemAdded': {
        // An assistant message is an answer, spoken or a deliberate silent turn: not silence.
        const item = ev.value.item?.item;
        if (item?.case !== 'message' || item.value.role !== AgentSession.ChatRole.ASSISTANT) return [];
        const text = item.value.content
          .map((c) => (c.payload.case === 'text' ? c.payload.value : ''))
          .join(' ')
          .trim();
        const e2e = item.value.metrics?.e2eLatency;
        const latency = e2e !== undefined ? ` (${e2e.toFixed(2)} s after the user stopped)` : '';
        return [
          {
            ...roomBase(this.room, agent, t, `agent replied${latency}: ${text.slice(0, 200)}`),
            kind: 'agent_speech',
          },
        ];
      }
      case 'error':
        return [sessionError(this.room, agent, ev.value.message, t)];
      default:
        return [];
    }
  }
}

/**
 * The session's `error` event: from Python the error model as text (`type='llm_error' …
 * label='…' error=APIStatusError(…) recoverable=False`), from agents-js the plugin label. Read by
 * the same classifier as a log line, so a quota error is typed the same from either side.
 */
export function sessionError(room: string, agent: SeenPeer, message: string, time: number): AgentEvent {
  const type = /\btype='([a-z_]+)'/.exec(message)?.[1];
  const label = /\blabel='([^']*)'/.exec(message)?.[1] ?? (type ? undefined : message.trim());
  const recoverable = /\brecoverable=(True|False|true|false)\b/.exec(message)?.[1];
  const error = /\berror=(.*?)(?:\s+recoverable=\w+)?\s*$/s.exec(message)?.[1] ?? message;
  const fields: Record<string, unknown> = { type: type ?? 'session_error', error };
  if (label) fields.label = label;
  if (recoverable !== undefined) fields.recoverable = /^t/i.test(recoverable);
  const text = `agent ${agent.identity} session error: ${message}`;
  const ev = classify({
    format: 'raw',
    time,
    level: 'error',
    message: `${type ?? 'error'}: ${error}`,
    fields,
    ctx: {},
    line: { file: '', line: 0, offset: 0, text },
  });
  ev.ctx = { roomName: room, participant: agent.identity };
  const job = jobIdOf(agent.identity);
  if (job) ev.ctx.jobId = job;
  ev.evidence = { room, text };
  if (ev.kind === 'error' && fields.recoverable === true) {
    ev.error.stage = 'retry';
    ev.level = 'warn';
  }
  return ev;
}
