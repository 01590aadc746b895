// Silence after a user's turn. A turn's end opens a wait (`awaitAnswer`); the agent's speech closes
// it and every silence with it (`answered`). On a tick, a wait with no reply begun — or whose reply
// failed — for `silenceMs` is agent_silent; one with no output at all for `hangMs` is process_died
// (the worker looks hung).

import type { Evidence } from '../../shared/types.js';
import { remedyOf } from '../causes.js';
import type { PendingTurn, Session } from '../session.js';
import { clock, likelyCause, seconds } from '../wording.js';
import { arm, type Due, type FoldContext } from './context.js';
import { raise, type Change } from './finding.js';

/** How far apart the log and the room may report the end of the same user turn. */
export const SAME_TURN_MS = 3000;

/** Silences that end when the agent speaks. */
const RECOVER_ON_SPEECH = ['agent_silent', 'stuck_thinking', 'rate_limited'] as const;

/** Where a piece of evidence comes from: a log file, or a room the observer watched. */
export function sourceOf(e: Evidence): 'log' | 'room' {
  return e.file !== undefined && e.file !== '' ? 'log' : 'room';
}

/** The user finished speaking at `time`: the agent's answer is awaited. */
export function awaitAnswer(ctx: FoldContext, s: Session, time: number, evidence: Evidence): void {
  // The log and the room both report the end of one turn, a moment apart: one turn, two pieces
  // of evidence, the deadline from the first.
  const p = s.pending;
  if (
    p &&
    !p.silentRaised &&
    !p.replyBegun &&
    p.alsoSeen === undefined &&
    sourceOf(p.evidence) !== sourceOf(evidence) &&
    Math.abs(time - p.time) <= SAME_TURN_MS
  ) {
    p.alsoSeen = evidence;
    return;
  }
  // One turn's end written by several records of one source (Python: `user turn committed`, its
  // EOU metrics, the user's conversation item): one turn, the deadline from the first. All of them
  // come before its reply is attempted, so a record after that reply failed is the next turn (a 401
  // is not retried: Python's next user item follows the last one's error within a second).
  if (
    p &&
    !p.silentRaised &&
    !p.replyBegun &&
    !p.failed &&
    time >= p.time &&
    time - p.time <= SAME_TURN_MS &&
    sourceOf(p.evidence) === sourceOf(evidence)
  )
    return;
  s.userTurns++;
  s.userEvidence = true;
  s.begunVia = 0;
  s.spokeVia = 0;
  // The wait this turn replaces, or the last one answered (nothing else holds either), or a new
  // one: every field set, in one order.
  const q = p ?? s.spare ?? ({} as PendingTurn);
  s.spare = undefined;
  q.time = time;
  q.evidence = evidence;
  q.alsoSeen = undefined;
  q.replyBegun = false;
  q.failed = false;
  q.error = undefined;
  q.errorEvidence = undefined;
  q.dead = false;
  q.silentRaised = false;
  q.hangRaised = false;
  s.pending = q;
  arm(ctx, s, time + Math.min(ctx.limits.silenceMs, ctx.limits.hangMs));
}

/** The agent spoke at `time`: nothing is awaited, and the silences it was in are over. */
export function answered(s: Session, time: number, change: Change): void {
  if (s.pending !== undefined) s.spare = s.pending;
  s.pending = undefined;
  s.thinkingSince = undefined;
  s.rateLimitedSince = undefined;
  // Nothing is awaited now but the agent's start (presence.ts): without it the session has no
  // deadline, and the one it queued is stale, dropped when it surfaces (most turns are answered
  // before their deadline; each would be looked at on a tick for nothing).
  if (s.startWaitSince === undefined) s.dueAt = undefined;
  if (!s.silenced) return;
  s.silenced = false;
  for (const cause of RECOVER_ON_SPEECH) {
    const f = s.findings.get(cause);
    if (f && f.recovered === undefined) {
      f.recovered = time;
      (change.recovered ??= []).push(f);
    }
  }
}

/** agent_silent and the hung worker, for a tick at `due.now`. */
export function silenceTimers(ctx: FoldContext, s: Session, due: Due, change: Change): void {
  const { silenceMs, hangMs } = ctx.limits;
  const p = s.pending;
  // A begun reply may be a long answer playing — unless the agent is still thinking (its state, as
  // the room or a log shows it): then nothing plays, and the user waits in silence (an LLM hang).
  const unanswered = p !== undefined && (!p.replyBegun || p.failed || s.thinkingSince !== undefined);
  if (p && !p.silentRaised && unanswered && due.at(p.time + silenceMs)) {
    p.silentRaised = true;
    const f = raise(s, 'agent_silent', 'critical', 'session', p.time + silenceMs, p.evidence, change);
    f.since ??= p.time;
    if (p.alsoSeen && !f.evidence.includes(p.alsoSeen)) f.evidence.push(p.alsoSeen);
    f.summary = `The user finished speaking at ${clock(p.time)} and the agent never answered${likelyCause(s)}.`;
    if (f.recovered !== undefined) f.recovered = undefined;
  }
  const hungAt = p ? Math.max(s.end, p.time) + hangMs : Number.NaN;
  if (p && !p.hangRaised && due.at(hungAt)) {
    p.hangRaised = true;
    // At its deadline, as a silence is: a tick comes a moment later live, and much later after a
    // backlog (a log read with --from-start whose last session ended with a user waiting).
    const f = raise(s, 'process_died', 'critical', 'process', hungAt, p.evidence, change);
    if (f.count === 1) f.since = p.time;
    f.summary = `The agent wrote nothing for ${seconds(hangMs)} s while the user waited for an answer (since ${clock(p.time)}): the worker looks hung.`;
    // No exit, no traceback: what the crash's remedy points at is not in this evidence.
    f.remedy = remedyOf({ ...f, hung: true });
  }
}
