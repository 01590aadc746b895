// What the tracker knows of one session (one agent job, or a process / file when a log names no
// job), how a new one starts, and the summary it reports. Plain data: attribution, the fold and
// the detectors all read and write it, so its shape is fixed here, once.

import type { ProviderError } from '../shared/events.js';
import type { CauseId, Component, Evidence, Finding, SessionSummary, TurnLatency } from '../shared/types.js';
import { verdictOf, orderFindings } from './causes.js';
import { latencyOf } from './latency.js';
import { SmallSet } from './small-set.js';

/** One stream's failed attempts at a turn (agents-js and Python retry a stream before giving up). */
export interface RetryGroup {
  component: Component;
  open: boolean;
  maxAttempt: number;
}

export interface PendingTurn {
  /** When the user's turn ended. */
  time: number;
  evidence: Evidence;
  /** The same turn's end as the other source saw it (the room for a log line, or the log). */
  alsoSeen?: Evidence;
  /** The agent began a reply (a speech handle) — it may still fail. */
  replyBegun: boolean;
  /** An error happened after the turn ended: the first such error, and its evidence. */
  failed: boolean;
  error?: ProviderError;
  errorEvidence?: Evidence;
  /** This turn was already counted as dead (its stream ran out of attempts). */
  dead: boolean;
  silentRaised: boolean;
  hangRaised: boolean;
}

export interface Session {
  id: string;
  /**
   * What names it in `sessions`: its job id, or its process / file. `id` adds `#2`, `#3` … for the
   * sessions a job or process ran after its first one closed.
   */
  key: string;
  generation: number;
  /**
   * How late its latest line was read (watching: the wall clock then, less the line's time; 0
   * otherwise). Its deadlines count from when its lines arrived: a line read late (a delayed stream,
   * a clock that is off, old lines appended) cannot be answered before the lines after it arrive.
   */
  lag: number;
  /**
   * Reading history from several files (analyze): the file whose clock its deadlines wait for, when
   * they passed on the log's clock but not yet on its own file's (see SessionTracker.tick).
   */
  parkedIn: string | undefined;
  /** The deadline this session is queued for in the timer heap, if any. */
  dueAt?: number;
  /** Its number in the timer heap (given there when it is first queued). */
  heapSlot?: number;
  job?: string;
  room?: string;
  roomSid?: string;
  pids: SmallSet<number>;
  files: SmallSet<string>;
  start: number;
  end: number;
  agentTurns: number;
  userTurns: number;
  spoken: number;
  errors: number;
  deadTurns: number;
  /** Replies begun since the agent last spoke. */
  unanswered: number;
  groups: Map<Component, RetryGroup> | ReadonlyMap<Component, RetryGroup>;
  closeReason?: string;
  closed: boolean;
  /** When the framework announced the close, until its final "closed" line (close.ts). */
  closingAt?: number;
  exited: boolean;
  ambiguous: number;
  findings: Map<CauseId, Finding> | ReadonlyMap<CauseId, Finding>;
  /** The first root failure: what later consequences point at. */
  root?: CauseId;
  /** ", most likely because of …" for `becauseOf` (the root it was said for). */
  because: string;
  becauseOf: CauseId | undefined;
  lastLabel?: string;
  /** The stream (llm, stt, tts, realtime) whose error was the latest: the one a close names no component for. */
  lastComponent?: Component;
  lastFile?: string;
  /** A user turn waiting for the agent to answer. */
  pending?: PendingTurn;
  /**
   * The last turn answered, nothing holding it any more: the next turn's wait is kept in it (a log
   * of a million turns makes a million waits, each of which outlives many others).
   */
  spare?: PendingTurn;
  /** The agent entered `thinking` (agent state) at this time and has not left it. */
  thinkingSince?: number;
  /** The agent joined its room at this time and has not started its session yet (no state, no turn). */
  startWaitSince?: number;
  startWaitEvidence?: Evidence;
  /** The session has shown life: a state, a turn, speech. */
  started?: boolean;
  thinkingEvidence?: Evidence;
  /** First retryable quota error since the agent last spoke. */
  rateLimitedSince?: number;
  /** A silence the agent's speech ends (agent_silent, stuck_thinking, rate_limited) may be open. */
  silenced: boolean;
  /** `groups` may hold a retry group. */
  grouped: boolean;
  /**
   * How the reply to the latest user turn was counted as begun / spoken (0 not yet, VIA_MARKER,
   * VIA_METRICS, VIA_ITEM): one reply seen both as a marker and as a metrics record or a
   * conversation item is counted once.
   */
  begunVia: number;
  spokeVia: number;
  /** Some user turn end was seen (silence after a user turn can be judged from this log). */
  userEvidence: boolean;
  /**
   * A reply was begun by a speech-handle line (agents-js's `Creating speech handle`): that log
   * writes each reply's playout too, at the same level, so a reply it shows no playout of was not heard.
   */
  speechHandles: boolean;
  /** Per-reply latencies from metrics records. */
  latency: TurnLatency[] | undefined;
}

export const VIA_MARKER = 1;
export const VIA_METRICS = 2;
export const VIA_ITEM = 3;

/** The maps sessions share while they have no finding / no retry group: never written to. */
export const NO_FINDINGS: ReadonlyMap<CauseId, Finding> = new Map();
export const NO_GROUPS: ReadonlyMap<Component, RetryGroup> = new Map();

export function newSession(id: string, key: string): Session {
  // Every field from the start, those a turn marker touches first: sessions share one shape (their
  // fields read as fast as can be) and a marker touches as little memory as it can.
  return {
    id,
    key,
    generation: 1,
    start: Number.NaN,
    end: Number.NaN,
    lastFile: undefined,
    started: undefined,
    startWaitSince: undefined,
    agentTurns: 0,
    userTurns: 0,
    unanswered: 0,
    spoken: 0,
    pending: undefined,
    spare: undefined,
    dueAt: undefined,
    heapSlot: undefined,
    lag: 0,
    parkedIn: undefined,
    thinkingSince: undefined,
    rateLimitedSince: undefined,
    silenced: false,
    grouped: false,
    begunVia: 0,
    spokeVia: 0,
    userEvidence: false,
    speechHandles: false,
    latency: undefined,
    closed: false,
    exited: false,
    errors: 0,
    deadTurns: 0,
    ambiguous: 0,
    job: undefined,
    room: undefined,
    roomSid: undefined,
    closeReason: undefined,
    closingAt: undefined,
    root: undefined,
    because: '',
    becauseOf: undefined,
    lastLabel: undefined,
    lastComponent: undefined,
    startWaitEvidence: undefined,
    thinkingEvidence: undefined,
    pids: new SmallSet(),
    files: new SmallSet(),
    // Most sessions never fail: they share one empty map until their first (see own()).
    groups: NO_GROUPS,
    findings: NO_FINDINGS,
  };
}

/** The session, with a findings map of its own. */
export function own(s: Session): Session & { findings: Map<CauseId, Finding> } {
  if (s.findings === NO_FINDINGS) s.findings = new Map();
  return s as Session & { findings: Map<CauseId, Finding> };
}

/** A line of the session at `t`: its span reaches it (a line without a time moves nothing). */
export function spanTo(s: Session, t: number): void {
  if (t === t) {
    if (!(t >= s.start)) s.start = t;
    if (!(t <= s.end)) s.end = t;
  }
}

/** What a session reports: its counts, verdict and findings, root cause first. */
export function sessionSummary(s: Session): SessionSummary {
  const causes = orderFindings([...s.findings.values()]);
  const sum: SessionSummary = {
    id: s.id,
    pids: [...s.pids],
    files: [...s.files],
    start: s.start,
    end: s.end,
    turns: { agent: s.agentTurns, user: s.userTurns, spoken: s.spoken },
    errors: s.errors,
    deadTurns: s.deadTurns,
    verdict: verdictOf(causes),
    causes,
    live: !s.closed && !s.exited,
  };
  if (s.room) sum.room = s.room;
  if (s.roomSid) sum.roomSid = s.roomSid;
  if (s.job) sum.job = s.job;
  if (s.closeReason) sum.closeReason = s.closeReason;
  if (s.ambiguous) sum.ambiguous = s.ambiguous;
  if (s.latency) sum.latency = latencyOf(s.latency);
  if (s.spoken > 0 || s.speechHandles) sum.playoutLogged = true;
  const p = s.pending;
  if (p && !p.silentRaised && !p.hangRaised && !s.closed && !s.exited && s.closingAt === undefined)
    sum.waiting = { since: p.time, file: p.evidence.file, line: p.evidence.line };
  return sum;
}
