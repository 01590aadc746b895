// The thin fold: an event of a session, by kind, to the detectors that read it. The steps the bulk
// reader takes without building an event (a reply begun, speech, a user's turn end, a metrics
// record) are exported, and `foldEvent` calls the very same ones: what an event of those kinds
// does is written once, whichever path read its line. A new event kind is a case here (and, if the
// bulk reader is to take it, one more exported step).

import type { AgentEvent, TurnMetrics } from '../../shared/events.js';
import type { Evidence } from '../../shared/types.js';
import { Attribution } from '../attribution.js';
import { DeadlineHeap } from '../heap.js';
import { addLatency } from '../latency.js';
import { VIA_ITEM, VIA_MARKER, VIA_METRICS, type Session } from '../session.js';
import { sessionClosed } from './close.js';
import { limitsOf, type FoldContext, type TrackerOptions } from './context.js';
import { recoverGroups } from './dead-turns.js';
import type { Change } from './finding.js';
import { Presence } from './presence.js';
import { processEnded } from './process.js';
import { providerError } from './provider-errors.js';
import { answered, awaitAnswer } from './silence.js';
import { thinkingState } from './thinking.js';

/** The tracker's parts, fresh: what the tracker folds with, and what a detector's test builds. */
export function foldContext(opts: TrackerOptions = {}): FoldContext {
  return {
    limits: limitsOf(opts),
    timers: new DeadlineHeap<Session>(),
    attribution: new Attribution(),
    presence: new Presence(),
  };
}

/** A reply begun (`agent_turn`) or speech (`agent_speech`), seen as a marker line or a conversation item. */
export function foldMarker(
  s: Session,
  kind: 'agent_turn' | 'agent_speech',
  time: number,
  via: 'marker' | 'item' | undefined,
  change: Change,
): void {
  s.started = true;
  s.startWaitSince = undefined;
  if (kind === 'agent_turn') replyBegun(s, VIA_MARKER);
  else if (via === 'item' && textOnly(s)) return;
  else spoke(s, time, change, via === 'item' ? VIA_ITEM : VIA_MARKER);
}

/**
 * An assistant conversation item is the reply's text, added when its generation ends: livekit-agents
 * 1.7 adds it even when the TTS failed for good and nothing was heard (agent_activity.py stores the
 * text forwarded to the transcript, with or without audio). After the turn's TTS failure it is no speech.
 */
function textOnly(s: Session): boolean {
  const p = s.pending;
  return p !== undefined && p.dead && p.error?.component === 'tts';
}

/** The user finished a turn (which says nothing of whether the agent's session started). */
export function foldUserTurn(ctx: FoldContext, s: Session, time: number, evidence: Evidence): void {
  // A turn committed as the session closes (agents-js flushes one when the user leaves) is no turn
  // anyone waits on.
  if (s.closingAt !== undefined) return;
  awaitAnswer(ctx, s, time, evidence);
}

/** A metrics record: its latencies, and the turn evidence it is. */
export function foldMetrics(
  ctx: FoldContext,
  s: Session,
  time: number,
  m: TurnMetrics,
  evidence: Evidence,
  change: Change,
): void {
  s.started = true;
  s.startWaitSince = undefined;
  s.latency = addLatency(s.latency, time, m);
  switch (m.type) {
    case 'eou':
      awaitAnswer(ctx, s, time, evidence);
      break;
    case 'llm':
    case 'realtime':
      replyBegun(s, VIA_METRICS);
      break;
    case 'tts':
      // Synthesised audio is what the user hears; a TTS that produced none answered nothing.
      if (m.audioMs === undefined || m.audioMs > 0) spoke(s, time, change, VIA_METRICS);
      break;
    default:
      break;
  }
}

/** Any event but chatter, attributed to `s`. */
export function foldEvent(ctx: FoldContext, s: Session, ev: AgentEvent, change: Change): void {
  switch (ev.kind) {
    case 'agent_turn':
    case 'agent_speech':
      foldMarker(s, ev.kind, ev.time, ev.kind === 'agent_speech' ? ev.via : undefined, change);
      break;
    case 'user_turn_end':
      foldUserTurn(ctx, s, ev.time, ev.evidence);
      break;
    case 'metrics':
      foldMetrics(ctx, s, ev.time, ev.metrics, ev.evidence, change);
      break;
    case 'agent_state':
      showsLife(s);
      if (ev.state === 'speaking') answered(s, ev.time, change);
      else thinkingState(ctx, s, ev.state, ev.time, ev.evidence);
      break;
    case 'session_start':
      showsLife(s);
      break;
    case 'error':
      showsLife(s);
      providerError(ctx, s, ev.time, ev.evidence, ev.error, change);
      break;
    case 'session_close':
      sessionClosed(ctx, s, ev, change);
      break;
    case 'process_exit':
      processEnded(ctx, s, ev.time, ev.evidence, ev.crashed, ev.code, ev.reason, change);
      break;
    case 'process_unresponsive':
      processEnded(ctx, s, ev.time, ev.evidence, true, undefined, 'unresponsive', change);
      break;
    case 'participant_joined':
    case 'participant_left':
    case 'observer_connection':
      ctx.presence.roomEvent(ctx, s, ev, change);
      break;
    default:
      break;
  }
}

/** The session has shown life (a state, a turn, speech, an error): its agent did start it. */
function showsLife(s: Session): void {
  s.started = true;
  s.startWaitSince = undefined;
}

/** The agent began a reply (a speech handle, or the LLM metrics of one). */
function replyBegun(s: Session, via: number): void {
  if (s.pending) s.pending.replyBegun = true;
  if (via === VIA_MARKER) s.speechHandles = true;
  if (s.begunVia !== via && s.begunVia !== 0) return; // this reply was counted from another record
  s.begunVia = via;
  s.agentTurns++;
  s.unanswered++;
}

/** The agent spoke at `time`: its speech played out, its audio was synthesised, or its reply added. */
function spoke(s: Session, time: number, change: Change, via: number): void {
  if (s.spokeVia === via || s.spokeVia === 0) {
    s.spokeVia = via;
    s.spoken++;
  }
  s.unanswered = 0;
  answered(s, time, change);
  recoverGroups(s);
}
