// What a hidden observer sees in a LiveKit room, as AgentEvents — the same events the logs give.
// Plain functions of what livekit-client reports (participants, the agent's `lk.agent.state`
// attribute, active speakers, `lk.transcription` streams, its own connection), so the mapping is
// tested without a browser; the observer bundle calls them from livekit-client's callbacks.

import type { AgentEvent, EventContext } from '../../shared/events.js';

/** livekit-client's ParticipantKind.AGENT. */
export const PARTICIPANT_KIND_AGENT = 4;

/** What the mapping needs of a remote participant. */
export interface SeenParticipant {
  identity: string;
  kind?: number;
  attributes?: Readonly<Record<string, string>>;
}

export function isAgent(p: SeenParticipant): boolean {
  return p.kind === PARTICIPANT_KIND_AGENT || p.attributes?.['lk.agent.state'] !== undefined;
}

/** An agent's default identity is `agent-<job id>`: the job id its logs carry, the join key. */
export function jobIdOf(identity: string): string | undefined {
  const m = /^agent-(AJ_[A-Za-z0-9]+)$/.exec(identity);
  return m?.[1];
}

/** What every room event carries: the room, who (an agent's job id too), when, and the evidence text. */
export function roomBase(room: string, who: SeenParticipant | undefined, time: number, text: string) {
  const ctx: EventContext = { roomName: room };
  if (who) {
    ctx.participant = who.identity;
    const job = isAgent(who) ? jobIdOf(who.identity) : undefined;
    if (job) ctx.jobId = job;
  }
  return { time, ctx, format: 'raw' as const, message: text, evidence: { room, text } };
}

export function participantEvent(
  room: string,
  p: SeenParticipant,
  joined: boolean,
  time: number,
): AgentEvent {
  const agent = isAgent(p);
  const text = `${agent ? 'agent' : 'participant'} ${p.identity} ${joined ? 'joined' : 'left'}`;
  if (!joined)
    return { ...roomBase(room, p, time, text), kind: 'participant_left', participant: p.identity, agent };
  const ev: AgentEvent = {
    ...roomBase(room, p, time, text),
    kind: 'participant_joined',
    participant: p.identity,
    agent,
  };
  const state = p.attributes?.['lk.agent.state'];
  if (agent && state) ev.state = state;
  return ev;
}

/** The agent's `lk.agent.state` changed (initializing, idle, listening, thinking, speaking). */
export function agentStateEvent(
  room: string,
  p: SeenParticipant,
  previous: string | undefined,
  time: number,
): AgentEvent | undefined {
  const state = p.attributes?.['lk.agent.state'];
  if (!state || state === previous) return undefined;
  return {
    ...roomBase(room, p, time, `agent ${p.identity} state ${previous ?? '(none)'} → ${state}`),
    kind: 'agent_state',
    state,
  };
}

/**
 * Active speakers changed: an agent that starts speaking answered; a user who stops speaking
 * finished a turn.
 */
export function speakerEvents(
  room: string,
  before: readonly SeenParticipant[],
  now: readonly SeenParticipant[],
  time: number,
): AgentEvent[] {
  const was = new Set(before.map((p) => p.identity));
  const is = new Set(now.map((p) => p.identity));
  const out: AgentEvent[] = [];
  for (const p of now)
    if (!was.has(p.identity) && isAgent(p))
      out.push({ ...roomBase(room, p, time, `agent ${p.identity} started speaking`), kind: 'agent_speech' });
  for (const p of before)
    if (!is.has(p.identity) && !isAgent(p))
      out.push({ ...roomBase(room, p, time, `${p.identity} stopped speaking`), kind: 'user_turn_end' });
  return out;
}

/**
 * A `lk.transcription` text stream (the sender is who is being transcribed): a user's final
 * transcript ends a turn; the first segment of the agent's speech means it answered.
 */
export function transcriptionEvent(
  room: string,
  sender: SeenParticipant,
  attributes: Readonly<Record<string, string>>,
  text: string,
  firstOfSegment: boolean,
  time: number,
): AgentEvent | undefined {
  const final = attributes['lk.transcription_final'] === 'true';
  if (isAgent(sender)) {
    if (!firstOfSegment) return undefined;
    return { ...roomBase(room, sender, time, `agent said: ${text}`), kind: 'agent_speech' };
  }
  if (!final) return undefined;
  return {
    ...roomBase(room, sender, time, `${sender.identity} said: ${text}`),
    kind: 'user_turn_end',
    transcript: text,
  };
}

/** The observer's own connection changed. */
export function connectionEvent(room: string, state: string, time: number, reason?: string): AgentEvent {
  const ev: AgentEvent = {
    ...roomBase(room, undefined, time, `observer ${state}${reason ? ` (${reason})` : ''}`),
    kind: 'observer_connection',
    state,
  };
  if (reason) ev.reason = reason;
  return ev;
}
