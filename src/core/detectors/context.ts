// What every detector is given: the tracker's limits, its timer queue, attribution (to end a
// session's claim on its files, or to say attribution changed) and the rooms the observer sees —
// real parts, so a detector's test builds the same context the tracker does (fold.ts, `foldContext`).
// Time is always passed in (an event's time, or `now` on a tick): no detector reads a clock.

import type { Attribution } from '../attribution.js';
import type { DeadlineHeap } from '../heap.js';
import type { Session } from '../session.js';
import type { Presence } from './presence.js';

export interface TrackerOptions {
  /** Attempts a stream makes before a turn is lost (the frameworks' default: 1 + 3 retries). */
  maxAttempts?: number;
  /** agent_silent: a finished user turn with no answer for this long (default 8 s). */
  silenceMs?: number;
  /** stuck_thinking: `thinking` for this long is a warning, twice as long critical (default 15 s). */
  thinkingMs?: number;
  /** process_died: no output at all for this long while a user turn waits (default 60 s). */
  hangMs?: number;
  /** rate_limited becomes critical when it lasts this long without the agent speaking (default 2 min). */
  rateLimitCriticalMs?: number;
  /** never_joined: a user waits in a room this long with no agent (default 20 s). */
  neverJoinedMs?: number;
}

export type Limits = Required<TrackerOptions>;

export function limitsOf(opts: TrackerOptions): Limits {
  return {
    maxAttempts: opts.maxAttempts ?? 4,
    silenceMs: opts.silenceMs ?? 8000,
    thinkingMs: opts.thinkingMs ?? 15_000,
    hangMs: opts.hangMs ?? 60_000,
    rateLimitCriticalMs: opts.rateLimitCriticalMs ?? 120_000,
    neverJoinedMs: opts.neverJoinedMs ?? 20_000,
  };
}

export interface FoldContext {
  readonly limits: Limits;
  /**
   * Sessions by the earliest moment one of their timers could fire, so a tick looks only at the
   * sessions that are due, not at every session (a long log has thousands).
   */
  readonly timers: DeadlineHeap<Session>;
  readonly attribution: Attribution;
  readonly presence: Presence;
}

/**
 * One of the session's timers was set for `at`: queue the session unless it is due sooner. Every
 * change that can bring a deadline nearer calls this; a deadline that moved later is requeued when
 * met (see `Due`).
 */
export function arm(ctx: FoldContext, s: Session, at: number): void {
  // Queued by when it is due on the clock that ticks: its lines' time, as late as they arrived.
  const due = at + s.lag;
  if (s.dueAt !== undefined && s.dueAt <= due) return;
  s.dueAt = due;
  ctx.timers.push(due, s);
}

/** A tick's view of one session's timers: which are due at `now`, and the soonest that is not. */
export class Due {
  now = 0;
  next = Number.POSITIVE_INFINITY;

  reset(now: number): void {
    this.now = now;
    this.next = Number.POSITIVE_INFINITY;
  }

  /** Is a timer set for `at` due? If not, the next look is no later than `at`. */
  at(at: number): boolean {
    if (this.now >= at) return true;
    if (at < this.next) this.next = at;
    return false;
  }
}
