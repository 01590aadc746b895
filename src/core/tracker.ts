// SessionTracker: folds AgentEvents into sessions and runs the detectors on each event and on each
// tick. Pure state: no timers, no I/O. The one class the rest of the code uses; its parts are
// small modules — attribution.ts (which session a line belongs to), session.ts (what a session
// is), detectors/ (one module per cause or family, over the thin fold in detectors/fold.ts) and
// wording.ts. The bulk reader's entry points (`bulkOwner`, `spanTo`, `ingestMarker`,
// `ingestUserTurn`, `ingestMetrics`) are the hot path of `analyze` and call the fold's own steps.

import type { AgentEvent, TurnMetrics } from '../shared/events.js';
import type { Evidence, Finding, SessionSummary } from '../shared/types.js';
import { verdictOf } from './causes.js';
import type { Attribution } from './attribution.js';
import { arm, Due, type FoldContext, type TrackerOptions } from './detectors/context.js';
import { unansweredFailure } from './detectors/dead-turns.js';
import { NO_CHANGE, type Change } from './detectors/finding.js';
import { foldContext, foldEvent, foldMarker, foldMetrics, foldUserTurn } from './detectors/fold.js';
import { rateLimitTimer } from './detectors/provider-errors.js';
import { silenceTimers } from './detectors/silence.js';
import { thinkingTimers } from './detectors/thinking.js';
import { sessionSummary, spanTo, type Session } from './session.js';

export type { Change } from './detectors/finding.js';
export type { TrackerOptions } from './detectors/context.js';
export type { Session } from './session.js';
export { clock } from './wording.js';
export type { Evidence };

export class SessionTracker {
  private readonly ctx: FoldContext;
  private readonly attribution: Attribution;
  /** The timers `timersOf` fires, and the soonest of those not due yet. */
  private readonly due = new Due();
  /** `finish` was called: nothing more will be read, and no session is live. */
  private finished = false;
  /**
   * Whether anyone reads what changed (`ingest`, `tick` …): when nobody does (analyze without a
   * timeline), the changes are not copied out, and each returns none.
   */
  changesWanted = true;

  constructor(opts: TrackerOptions = {}) {
    this.ctx = foldContext(opts);
    this.attribution = this.ctx.attribution;
  }

  /** The session the last event given to `ingest` went to (undefined when none took it). */
  lastSession: Session | undefined;

  /**
   * Reading history (analyze): each file's clock, the latest time read from it. A session's
   * deadlines then pass by its own file's clock, not by the latest time of every file read: another
   * log's later lines say nothing of this agent (a log of another day, another worker, another run),
   * and a log gives one verdict whatever else is read with it. Undefined: one clock for all (watch).
   */
  fileClock: ((file: string) => number | undefined) | undefined;
  /** Sessions waiting for their file's clock (Session.parkedIn), with their next deadline, by file. */
  private readonly parked = new Map<string, Map<Session, number>>();
  /** Files whose clock moved since the last tick. */
  private readonly advanced = new Set<string>();

  /** `file`'s clock moved on: the sessions waiting for it are looked at again on the next tick. */
  fileAdvanced(file: string): void {
    if (this.parked.has(file)) this.advanced.add(file);
  }

  /** A parked session has a line again (perhaps of another file): its deadlines go back in the queue. */
  private unpark(s: Session): void {
    const next = this.unparked(s);
    if (next !== undefined) arm(this.ctx, s, next);
  }

  /** Due by the log's clock at `next`, not yet by its file's: it waits for a line of its own. */
  private park(s: Session, next: number): void {
    const file = s.lastFile as string;
    let m = this.parked.get(file);
    if (!m) this.parked.set(file, (m = new Map()));
    m.set(s, next);
    s.parkedIn = file;
  }

  /** `ev` (read at `arrivedAt` when watching) went to `s`. */
  private took(s: Session, ev: AgentEvent, arrivedAt: number | undefined): void {
    this.attribution.touch(s, ev);
    this.lastSession = s;
    if (arrivedAt !== undefined && ev.time === ev.time) s.lag = arrivedAt - ev.time;
    if (s.parkedIn !== undefined) this.unpark(s);
  }

  /** Takes a session out of the parked ones; its next deadline. */
  private unparked(s: Session): number | undefined {
    const file = s.parkedIn as string;
    const m = this.parked.get(file);
    const next = m?.get(s);
    m?.delete(s);
    if (m?.size === 0) this.parked.delete(file);
    s.parkedIn = undefined;
    return next;
  }

  /** Lines no session could be given to (worker chatter, garbage): counted, not kept. */
  get unattributed(): number {
    return this.attribution.unattributed;
  }

  /** What an owner approved by `bulkOwner` rests on (see Attribution.epoch). */
  get epoch(): number {
    return this.attribution.epoch;
  }

  /**
   * `arrivedAt`: watching, the wall clock when the event's line was read as it was written (its
   * session's deadlines then count from its arrival: see Session.lag).
   */
  ingest(ev: AgentEvent, arrivedAt?: number): Change {
    this.lastSession = undefined;
    const a = this.attribution;
    const known = a.known(ev);
    if (known !== undefined) {
      this.took(known, ev, arrivedAt);
      return NO_CHANGE;
    }
    const s = a.attribute(ev);
    if (!s) return NO_CHANGE;
    this.took(s, ev, arrivedAt);
    if (ev.kind === 'log') return NO_CHANGE;
    const change = this.fresh(s);
    // A session that ends first lets pass the deadlines it had before its end, by its own time: the
    // log's clock may not have ticked there (a later file read first, a close within the second).
    if (
      s.dueAt !== undefined &&
      s.dueAt - s.lag <= ev.time &&
      (ev.kind === 'session_close' || ev.kind === 'process_exit' || ev.kind === 'process_unresponsive')
    )
      this.timersOf(s, ev.time, change);
    foldEvent(this.ctx, s, ev, change);
    return this.changed();
  }

  /** Where detectors write what changed: copied out only when something did (it seldom does). */
  private readonly scratch: Change = { session: '', created: [], escalated: [] };

  private fresh(s: Session): Change {
    const c = this.scratch;
    c.session = s.id;
    // (Setting an array's length is slow; they are seldom not empty.)
    if (c.created.length !== 0) c.created = [];
    if (c.escalated.length !== 0) c.escalated = [];
    c.recovered = undefined;
    return c;
  }

  /** What `scratch` says changed, as a Change of its own; NO_CHANGE when nothing did. */
  private changed(): Change {
    const c = this.scratch;
    if (
      !this.changesWanted ||
      (c.created.length === 0 && c.escalated.length === 0 && c.recovered === undefined)
    )
      return NO_CHANGE;
    const out: Change = { session: c.session, created: [...c.created], escalated: [...c.escalated] };
    if (c.recovered !== undefined) out.recovered = [...c.recovered];
    return out;
  }

  summaries(): SessionSummary[] {
    return [...this.eachSummary()];
  }

  /**
   * Every session's summary, earliest first, built one at a time as it is read: a log of a million
   * jobs is reported without a million summaries in memory at once.
   */
  *eachSummary(worstFirst = false): Generator<SessionSummary> {
    const all = [...this.attribution.superseded, ...this.attribution.sessions.values()];
    if (worstFirst) {
      const rank = new Map(all.map((s) => [s, VERDICT_RANK[verdictOf([...s.findings.values()])]]));
      all.sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number) || byStart(a, b));
    } else all.sort(byStart);
    for (const s of all) yield this.summary(s);
  }

  /** Every finding of every session, those superseded by a merge too. */
  private *allFindings(): Generator<Finding> {
    for (const list of [this.attribution.superseded, this.attribution.sessions.values()])
      for (const s of list) yield* s.findings.values();
  }

  /** Every piece of evidence the sessions' findings keep (what a report shows of them). */
  *keptEvidence(): Generator<Evidence> {
    for (const f of this.allFindings()) yield* f.evidence;
  }

  /** Each piece of evidence the findings keep, replaced by what `fn` makes of it. */
  mapKeptEvidence(fn: (e: Evidence) => Evidence): void {
    for (const f of this.allFindings())
      for (let i = 0; i < f.evidence.length; i++) f.evidence[i] = fn(f.evidence[i] as Evidence);
  }

  /** How many sessions end with each verdict. */
  verdictCounts(): Record<SessionSummary['verdict'], number> {
    const counts = { failed: 0, silent: 0, degraded: 0, healthy: 0 };
    for (const list of [this.attribution.superseded, this.attribution.sessions.values()])
      for (const s of list) counts[verdictOf([...s.findings.values()])]++;
    return counts;
  }

  /**
   * A long-running watcher forgets sessions that ended before `cutoff` and wait for nothing: they
   * are returned (their final summaries) for whoever keeps history, and no longer held here. A job
   * that logs again afterwards starts its next session (`<job>#n`), never the one forgotten.
   */
  prune(cutoff: number): SessionSummary[] {
    return this.attribution.prune(cutoff).map(sessionSummary);
  }

  /** The session of this id (a job's later sessions are `<job>#2` …), or undefined. */
  session(id: string): Session | undefined {
    return this.attribution.find(id);
  }

  summary(s: Session): SessionSummary {
    const sum = sessionSummary(s);
    // Read to the end (analyze, and its timeline with --ui): nothing follows the session any
    // more, so it is not live even when its log ends with it open (a null closeReason says that).
    if (this.finished) sum.live = false;
    return sum;
  }

  get size(): number {
    return this.attribution.sessions.size + this.attribution.superseded.length;
  }

  /**
   * Log files that gave sessions but no user turn end at all: silence after a user turn cannot be
   * judged from them (the INFO default of a Python worker, agents-js `start` without metrics).
   */
  filesWithoutTurnEvidence(settledMs = 0): string[] {
    const seen = new Set<string>();
    const judged = new Set<string>();
    for (const list of [this.attribution.superseded, this.attribution.sessions.values()]) {
      for (const s of list) {
        if (s.job === undefined && s.pids.size === 0) continue;
        // Live, a session counts once it ended or has run long enough to have had a turn.
        const settled = s.closed || s.exited || s.end - s.start >= settledMs;
        for (const f of s.files) {
          if (s.userEvidence) judged.add(f);
          else if (settled) seen.add(f);
        }
      }
    }
    return [...seen].filter((f) => !judged.has(f));
  }

  /**
   * The end of what will be read (analyze): a user turn whose reply failed and was never followed by
   * another reply is a dead turn the user sat through, and fails its session.
   */
  finish(): Change[] {
    this.finished = true;
    const out: Change[] = [];
    for (const s of this.attribution.sessions.values()) {
      if (s.closed || s.exited || !s.pending?.failed) continue;
      unansweredFailure(s, this.fresh(s));
      const change = this.changed();
      if (change !== NO_CHANGE) out.push(change);
    }
    return out;
  }

  // ---- the bulk reader's entry points (formats/bulk.ts, through the pipeline) -----------------

  /**
   * The session a line of `job` belongs to when attributing it would change nothing, else
   * undefined: what lets the bulk reader take such lines without an event each.
   */
  bulkOwner(
    job: string,
    pid: number | undefined,
    roomSid: string | undefined,
    roomName: string | undefined,
    file: string,
  ): Session | undefined {
    return this.attribution.bulkOwner(job, pid, roomSid, roomName, file);
  }

  /** A chatter line at `t`: the session's span reaches it. */
  spanTo(s: Session, t: number): void {
    spanTo(s, t);
    if (s.parkedIn !== undefined) this.unpark(s);
  }

  /**
   * A turn or speech marker at `time` of a session `bulkOwner` approved: what `ingest` does
   * with its event, without building one (neither kind keeps its evidence, and the approval says
   * its file is the session's last).
   */
  ingestMarker(
    s: Session,
    kind: 'agent_turn' | 'agent_speech',
    time: number,
    via: 'marker' | 'item' = 'marker',
  ): Change {
    this.spanTo(s, time);
    foldMarker(s, kind, time, via, this.fresh(s));
    return this.changed();
  }

  /**
   * A user's turn end at `time` of a session `bulkOwner` approved: what `ingest` does with its
   * event (which nothing else of is read), without building one.
   */
  ingestUserTurn(s: Session, time: number, evidence: Evidence): Change {
    this.spanTo(s, time);
    this.fresh(s);
    foldUserTurn(this.ctx, s, time, evidence);
    return this.changed();
  }

  /**
   * A metrics record at `time` of a session `bulkOwner` approved: what `ingest` does with its event
   * (its metrics and evidence are all that is read of it), without building one.
   */
  ingestMetrics(s: Session, time: number, m: TurnMetrics, evidence: Evidence): Change {
    this.spanTo(s, time);
    foldMetrics(this.ctx, s, time, m, evidence, this.fresh(s));
    return this.changed();
  }

  // ---- time ---------------------------------------------------------------------------------

  /**
   * Time passes: findings that are the absence of something (an answer, an end to thinking, any
   * output) fire when their deadline passes. `now` is the log's time in analyze, the clock in watch.
   * `byLog`: the log's own clock ticked (reading history): each session's deadlines then pass by its
   * own file's clock (see fileClock); a caller that says what time it is passes them all.
   */
  tick(now: number, byLog = false): Change[] {
    const changes: Change[] = [];
    this.ctx.presence.tick(this.ctx, now, changes);
    const timers = this.ctx.timers;
    // (Most ticks park nothing: a Set's clear makes a new table even when it is empty.)
    if (this.parked.size !== 0)
      for (const file of byLog ? this.advanced : this.parked.keys()) {
        const m = this.parked.get(file);
        if (!m) continue;
        this.parked.delete(file);
        for (const [s, next] of m) {
          s.parkedIn = undefined;
          arm(this.ctx, s, next);
        }
      }
    if (this.advanced.size !== 0) this.advanced.clear();
    const clockOf = byLog ? this.fileClock : undefined;
    for (let s = timers.popDue(now); s; s = timers.popDue(now)) {
      s.dueAt = undefined;
      // All its timers are looked at now: a deadline it waited with is among them.
      if (s.parkedIn !== undefined) this.unparked(s);
      // Its timers, at the time its lines had reached when `now` came (see Session.lag), and no
      // later than its own file's clock (see fileClock).
      let at = now - s.lag;
      const own = clockOf && s.lastFile !== undefined ? clockOf(s.lastFile) : undefined;
      const capped = own !== undefined && own < at;
      if (capped) at = own;
      const next = this.timersOf(s, at, this.fresh(s));
      if (next !== undefined) {
        if (capped && next + s.lag <= now) this.park(s, next);
        else arm(this.ctx, s, next);
      }
      const change = this.changed();
      if (change.created.length || change.escalated.length) changes.push(change);
    }
    return changes;
  }

  /** Fire the session's timers that are due at `now`; returns when the next one could fire. */
  private timersOf(s: Session, now: number, change: Change): number | undefined {
    if (s.closed || s.exited) return undefined;
    const ctx = this.ctx;
    // The observer is away: its reconnection requeues the session.
    if (ctx.presence.away(s)) return undefined;
    const due = this.due;
    due.reset(now);
    // One order, always: findings raised on one tick are reported in it.
    ctx.presence.startWaitTimer(ctx, s, due, change);
    silenceTimers(ctx, s, due, change);
    thinkingTimers(ctx, s, due, change);
    rateLimitTimer(ctx, s, due, change);
    return Number.isFinite(due.next) ? due.next : undefined;
  }
}

const byStart = (a: Session, b: Session): number => (a.start || 0) - (b.start || 0);

/** Worst first: the sessions a developer must look at come first. */
const VERDICT_RANK = { failed: 0, silent: 1, degraded: 2, healthy: 3 } as const;
