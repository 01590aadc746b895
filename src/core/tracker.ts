// SessionTracker: folds AgentEvents into sessions (one per agent job, or per process / file when a
// log names no job), and runs the log-side detectors on each event. Pure state: no timers, no I/O.
// Attribution follows what the lines say: a job id wins; otherwise pid / thread / room → job as
// learnt from earlier lines; otherwise the one live job of that file; when several jobs could own
// a line, it is counted as ambiguous rather than guessed.

import { DeadlineHeap } from './heap.js';
import type { AgentEvent, ProviderError, TurnMetrics } from '../shared/events.js';
import type {
  CauseId,
  Component,
  Evidence,
  Finding,
  SessionSummary,
  Severity,
  TurnLatency,
} from '../shared/types.js';
import { SmallSet } from './small-set.js';
import { addLatency, latencyOf } from './latency.js';
import {
  causeOfError,
  componentWord,
  defaultSeverity,
  orderFindings,
  remedyOf,
  SILENCE_CAUSES,
  titleOf,
  verdictOf,
} from './causes.js';

interface RetryGroup {
  component: Component;
  open: boolean;
  maxAttempt: number;
}

interface PendingTurn {
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
  /** The deadline this session is queued for in the timer heap, if any. */
  dueAt?: number;
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
  exited: boolean;
  ambiguous: number;
  findings: Map<CauseId, Finding> | ReadonlyMap<CauseId, Finding>;
  /** The first root failure: what later consequences point at. */
  root?: CauseId;
  /** ", most likely because of …" for `becauseOf` (the root it was said for). */
  because: string;
  becauseOf: CauseId | undefined;
  lastLabel?: string;
  lastFile?: string;
  /** A user turn waiting for the agent to answer. */
  pending?: PendingTurn;
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
  /** Per-reply latencies from metrics records. */
  latency: TurnLatency[] | undefined;
}

const VIA_MARKER = 1;
const VIA_METRICS = 2;
const VIA_ITEM = 3;

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

/** What the room observer saw of one room: who is there, and whether it is watching right now. */
interface RoomState {
  name: string;
  users: Set<string>;
  agents: Set<string>;
  /** A user has been in the room with no agent since then. */
  waitingSince?: number;
  waitingEvidence?: Evidence;
  neverJoinedRaised: boolean;
  /** The observer lost its connection at this time (silence is not counted while it is away). */
  downSince?: number;
}

/** What changed when an event was folded in: new findings and findings whose severity rose. */
export interface Change {
  session: string;
  created: Finding[];
  escalated: Finding[];
  /** Silence findings whose session spoke again. */
  recovered?: Finding[];
}

const NO_CHANGE: Change = { session: '', created: [], escalated: [] };
/** Silences that end when the agent speaks. */
const RECOVER_ON_SPEECH = ['agent_silent', 'stuck_thinking', 'rate_limited'] as const;

export class SessionTracker {
  private readonly sessions = new Map<string, Session>();
  private readonly jobByPid = new Map<number, string>();
  private readonly jobByTid = new Map<number, string>();
  private readonly jobByRoomSid = new Map<string, string>();
  private readonly jobByRoomName = new Map<string, string>();
  /** Live job sessions per file, for lines that name nothing. */
  private readonly liveJobsByFile = new Map<string, Set<string>>();
  private readonly maxAttempts: number;
  private readonly silenceMs: number;
  private readonly thinkingMs: number;
  private readonly hangMs: number;
  private readonly rateLimitCriticalMs: number;
  private readonly neverJoinedMs: number;
  private readonly rooms = new Map<string, RoomState>();
  /** Sessions a job or process closed before it started another: reported, never folded into again. */
  private readonly superseded: Session[] = [];
  /**
   * Sessions by the earliest moment one of their timers could fire, so a tick looks only at the
   * sessions that are due, not at every session (a long log has thousands). Every change that can
   * bring a deadline nearer queues the session; a deadline that moved later is requeued when met.
   */
  private readonly timers = new DeadlineHeap<Session>();
  /** Lines no session could be given to (worker chatter, garbage): counted, not kept. */
  unattributed = 0;

  constructor(opts: TrackerOptions = {}) {
    this.maxAttempts = opts.maxAttempts ?? 4;
    this.silenceMs = opts.silenceMs ?? 8000;
    this.thinkingMs = opts.thinkingMs ?? 15_000;
    this.hangMs = opts.hangMs ?? 60_000;
    this.rateLimitCriticalMs = opts.rateLimitCriticalMs ?? 120_000;
    this.neverJoinedMs = opts.neverJoinedMs ?? 20_000;
  }

  /** The session the last event given to `ingest` went to (undefined when none took it). */
  lastSession: Session | undefined;

  ingest(ev: AgentEvent): Change {
    const ctx = ev.ctx;
    this.lastSession = undefined;
    // Chatter of a job already known from this process and file (most lines of a busy log): only
    // the span moves; nothing new can be learnt from it.
    if (ev.kind === 'log' && ctx.jobId !== undefined) {
      const known = this.sessions.get(ctx.jobId);
      if (
        known !== undefined &&
        ctx.roomName === undefined &&
        ctx.tid === undefined &&
        (ctx.pid === undefined || known.pids.has(ctx.pid)) &&
        (ctx.roomSid === undefined || ctx.roomSid === known.roomSid) &&
        ev.evidence.file === known.lastFile
      ) {
        this.touch(known, ev);
        this.lastSession = known;
        return NO_CHANGE;
      }
    }
    const s = this.attribute(ev);
    if (!s) return NO_CHANGE;
    this.lastSession = s;
    this.touch(s, ev);
    if (ev.kind === 'log') return NO_CHANGE;
    return this.fold(s, ev);
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
    if (c.created.length === 0 && c.escalated.length === 0 && c.recovered === undefined) return NO_CHANGE;
    const out: Change = { session: c.session, created: [...c.created], escalated: [...c.escalated] };
    if (c.recovered !== undefined) out.recovered = [...c.recovered];
    return out;
  }

  private fold(s: Session, ev: AgentEvent): Change {
    this.detect(s, ev, this.fresh(s));
    return this.changed();
  }

  summaries(): SessionSummary[] {
    return [...this.eachSummary()];
  }

  /**
   * Every session's summary, earliest first, built one at a time as it is read: a log of a million
   * jobs is reported without a million summaries in memory at once.
   */
  *eachSummary(worstFirst = false): Generator<SessionSummary> {
    const all = [...this.superseded, ...this.sessions.values()];
    if (worstFirst) {
      const rank = new Map(all.map((s) => [s, VERDICT_RANK[verdictOf([...s.findings.values()])]]));
      all.sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number) || byStart(a, b));
    } else all.sort(byStart);
    for (const s of all) yield this.summary(s);
  }

  /** How many sessions end with each verdict. */
  verdictCounts(): Record<SessionSummary['verdict'], number> {
    const counts = { failed: 0, silent: 0, degraded: 0, healthy: 0 };
    for (const list of [this.superseded, this.sessions.values()])
      for (const s of list) counts[verdictOf([...s.findings.values()])]++;
    return counts;
  }

  /** Keys of sessions pruned, with their last generation: a job seen again gets the next one. */
  private readonly retired = new Map<string, number>();

  /**
   * A long-running watcher forgets sessions that ended before `cutoff` and wait for nothing: they
   * are returned (their final summaries) for whoever keeps history, and no longer held here. A job
   * that logs again afterwards starts its next session (`<job>#n`), never the one forgotten.
   */
  prune(cutoff: number): SessionSummary[] {
    const out: SessionSummary[] = [];
    const done = (s: Session) => (s.closed || s.exited) && s.dueAt === undefined && s.end < cutoff;
    for (let i = 0; i < this.superseded.length; i++) {
      const s = this.superseded[i] as Session;
      if (!done(s)) continue;
      out.push(this.summary(s));
      this.superseded.splice(i--, 1);
    }
    for (const [key, s] of this.sessions) {
      if (!done(s)) continue;
      out.push(this.summary(s));
      this.sessions.delete(key);
      this.untrack(s);
      this.retired.delete(key); // re-inserted last: the map stays in the order keys retire
      this.retired.set(key, s.generation);
      for (const m of [this.jobByPid, this.jobByTid, this.jobByRoomSid, this.jobByRoomName] as Map<
        unknown,
        string
      >[])
        for (const [k, v] of m) if (v === key) m.delete(k);
    }
    // Bounded too: the oldest retired keys are forgotten first.
    for (const k of this.retired.keys()) {
      if (this.retired.size <= 100_000) break;
      this.retired.delete(k);
    }
    if (out.length > 0) this.epoch++;
    return out;
  }

  /** The session of this id (a job's later sessions are `<job>#2` …), or undefined. */
  session(id: string): Session | undefined {
    const key = id.replace(/#\d+$/, '');
    const s = this.sessions.get(key);
    if (s?.id === id) return s;
    return this.superseded.find((x) => x.id === id);
  }

  summary(s: Session): SessionSummary {
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
    return sum;
  }

  get size(): number {
    return this.sessions.size + this.superseded.length;
  }

  /**
   * Log files that gave sessions but no user turn end at all: silence after a user turn cannot be
   * judged from them (the INFO default of a Python worker, agents-js `start` without metrics).
   */
  filesWithoutTurnEvidence(settledMs = 0): string[] {
    const seen = new Set<string>();
    const judged = new Set<string>();
    for (const list of [this.superseded, this.sessions.values()]) {
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
    const out: Change[] = [];
    for (const s of this.sessions.values()) {
      if (s.closed || s.exited || !s.pending?.failed) continue;
      this.unansweredFailure(s, this.fresh(s));
      const change = this.changed();
      if (change !== NO_CHANGE) out.push(change);
    }
    return out;
  }

  // ---- attribution ----------------------------------------------------------------------------

  private attribute(ev: AgentEvent): Session | undefined {
    const ctx = ev.ctx;
    const file = ev.evidence.file ?? ev.evidence.room ?? '';
    let job = ctx.jobId;
    if (!job && ctx.pid !== undefined) job = this.jobByPid.get(ctx.pid);
    if (!job && ctx.tid !== undefined) job = this.jobByTid.get(ctx.tid);
    if (!job && ctx.roomSid) job = this.jobByRoomSid.get(ctx.roomSid);
    if (!job && ctx.roomName) job = this.jobByRoomName.get(ctx.roomName);
    if (job) {
      const s = this.next(this.jobSession(job, file), ev, file);
      this.learn(s, ev);
      return s;
    }
    const meaningful = ev.kind !== 'log';
    // A line naming only its process: the process is the session (agents-js 1.0, in-process runs).
    if (ctx.pid !== undefined) {
      const live = this.liveJobsByFile.get(file);
      if (live && live.size > 0 && !meaningful) return undefined;
      if (!meaningful && !this.sessions.has(procId(ctx.pid, file))) return undefined;
      if (live && live.size > 0 && ev.kind === 'process_exit') return undefined;
      return this.next(this.procSession(procId(ctx.pid, file), file, ctx.pid), ev, file);
    }
    if (!meaningful) {
      this.unattributed++;
      return undefined;
    }
    const live = this.liveJobsByFile.get(file);
    if (live && live.size === 1) {
      const only = this.sessions.get([...live][0] as string);
      if (only) return only;
    }
    if (live && live.size > 1) {
      // Several jobs could own this line: say so rather than guess.
      for (const id of live) {
        const s = this.sessions.get(id);
        if (s) s.ambiguous++;
      }
      return this.procSession(`worker@${baseName(file)}`, file, undefined);
    }
    return this.next(this.procSession(baseName(file), file, undefined), ev, file);
  }

  /** A new session for `key`: its first, or the next after those pruned. */
  private newFor(key: string): Session {
    const gone = this.retired.get(key);
    if (gone === undefined) return newSession(key, key);
    this.retired.delete(key);
    const s = newSession(`${key}#${gone + 1}`, key);
    s.generation = gone + 1;
    return s;
  }

  /**
   * The session `ev` belongs to, given the one its job or process named: a session that closed is
   * followed by another when the same job or process starts one (a session start, a user turn, a
   * reply): a `dev` worker or agents-js in-process runs sessions one after another.
   */
  private next(s: Session, ev: AgentEvent, file: string): Session {
    if (!s.closed || s.exited) return s;
    const k = ev.kind;
    if (
      k !== 'session_start' &&
      k !== 'user_turn_end' &&
      k !== 'agent_turn' &&
      !(k === 'metrics' && (ev.metrics.type === 'eou' || ev.metrics.type === 'llm'))
    )
      return s;
    const n = newSession(`${s.key}#${s.generation + 1}`, s.key);
    n.generation = s.generation + 1;
    n.job = s.job;
    n.room = s.room;
    n.roomSid = s.roomSid;
    for (const pid of s.pids) n.pids.add(pid);
    this.superseded.push(s);
    this.sessions.set(s.key, n);
    this.epoch++; // owners approved for the job now name another session
    if (file) {
      let set = this.liveJobsByFile.get(file);
      if (!set) this.liveJobsByFile.set(file, (set = new Set()));
      set.add(n.key);
    }
    return n;
  }

  private jobSession(job: string, file: string): Session {
    let s = this.sessions.get(job);
    if (!s) {
      s = this.newFor(job);
      s.job = job;
      this.sessions.set(job, s);
    }
    if (file && file !== s.lastFile) {
      s.files.add(file);
      if (!s.closed && !s.exited) {
        let set = this.liveJobsByFile.get(file);
        if (!set) this.liveJobsByFile.set(file, (set = new Set()));
        set.add(job);
      }
    }
    return s;
  }

  private procSession(id: string, file: string, pid: number | undefined): Session {
    let s = this.sessions.get(id);
    if (!s) {
      s = this.newFor(id);
      this.sessions.set(id, s);
    }
    if (file) s.files.add(file);
    if (pid !== undefined) {
      s.pids.add(pid);
      // A process that names no job is itself the session: lines that name nothing may be its.
      if (file && !s.closed && !s.exited) {
        let set = this.liveJobsByFile.get(file);
        if (!set) this.liveJobsByFile.set(file, (set = new Set()));
        set.add(id);
      }
    }
    return s;
  }

  /** Remember what this line teaches about which job owns which pid / thread / room. */
  private learn(s: Session, ev: AgentEvent): void {
    const ctx = ev.ctx;
    const job = s.key;
    if (ctx.pid !== undefined && ev.kind !== 'job_request') {
      if (!s.pids.has(ctx.pid)) {
        s.pids.add(ctx.pid);
        this.jobByPid.set(ctx.pid, job);
        // Lines of this process seen before it named its job now belong to the job.
        const file = ev.evidence.file ?? '';
        const early = this.sessions.get(procId(ctx.pid, file));
        if (early && early !== s) this.merge(early, s);
      }
    }
    if (ctx.tid !== undefined) this.jobByTid.set(ctx.tid, job);
    if (ctx.roomSid && ctx.roomSid !== s.roomSid) {
      s.roomSid ??= ctx.roomSid;
      this.jobByRoomSid.set(ctx.roomSid, job);
      // agents-js binds the SID as `room_id`; Python ≤ 1.5 names the room by SID only.
      if (!s.room && !ctx.roomName && !ctx.roomSid.startsWith('RM_')) s.room = ctx.roomSid;
    }
    if (ctx.roomName) {
      s.room ??= ctx.roomName;
      if (this.jobByRoomName.get(ctx.roomName) !== job) {
        this.jobByRoomName.set(ctx.roomName, job);
        this.epoch++; // the room now names another job
      }
    }
  }

  private merge(from: Session, into: Session): void {
    into.start = minTime(into.start, from.start);
    into.end = maxTime(into.end, from.end);
    into.agentTurns += from.agentTurns;
    into.userTurns += from.userTurns;
    into.spoken += from.spoken;
    into.errors += from.errors;
    into.deadTurns += from.deadTurns;
    for (const f of from.files) into.files.add(f);
    for (const [cause, f] of from.findings) {
      if (!into.findings.has(cause))
        own(into).findings.set(cause, { ...f, id: `${into.id}/${cause}`, session: into.id });
    }
    into.root ??= from.root;
    if (from.silenced) into.silenced = true;
    if (from.userEvidence) into.userEvidence = true;
    this.sessions.delete(from.key);
    this.epoch++;
  }

  // ---- folding and detection -------------------------------------------------------------------

  /**
   * What an owner approved by `bulkOwner` rests on: bumped when a session's last file changes, a
   * session is dropped (merged into its job), closes, or is followed by the next one of its job, a
   * room name comes to name another job, or a room timer creates a session. Everything else `bulkOwner` checks can only become true, never false.
   */
  epoch = 0;

  /**
   * The session a line of `job` belongs to when attributing it would change nothing — the job is
   * known, from this file, with this pid, room SID and room name — else undefined. Exactly the
   * conditions under which `ingest` (its quick branch, or `attribute` + `learn`) only moves the
   * session's span: what lets the bulk reader take such lines without an event each.
   */
  bulkOwner(
    job: string,
    pid: number | undefined,
    roomSid: string | undefined,
    roomName: string | undefined,
    file: string,
  ): Session | undefined {
    const s = this.sessions.get(job);
    // A closed session's lines may start the next one: read them by the full path.
    if (s === undefined || s.lastFile !== file || s.closed) return undefined;
    if (pid !== undefined && !s.pids.has(pid)) return undefined;
    if (roomSid !== undefined && roomSid !== s.roomSid) return undefined;
    if (roomName !== undefined && (s.room === undefined || this.jobByRoomName.get(roomName) !== job))
      return undefined;
    return s;
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
    const c = this.fresh(s);
    s.started = true;
    s.startWaitSince = undefined;
    if (kind === 'agent_turn') this.agentTurn(s, VIA_MARKER);
    else this.agentSpeech(s, time, c, via === 'item' ? VIA_ITEM : VIA_MARKER);
    return this.changed();
  }

  /**
   * A user's turn end at `time` of a session `bulkOwner` approved: what `ingest` does with its
   * event (which nothing else of is read), without building one.
   */
  ingestUserTurn(s: Session, time: number, evidence: Evidence): Change {
    this.spanTo(s, time);
    this.fresh(s);
    this.userTurnEnd(s, time, evidence);
    return this.changed();
  }

  /**
   * A metrics record at `time` of a session `bulkOwner` approved: what `ingest` does with its event
   * (its metrics and evidence are all that is read of it), without building one.
   */
  ingestMetrics(s: Session, time: number, m: TurnMetrics, evidence: Evidence): Change {
    this.spanTo(s, time);
    const c = this.fresh(s);
    s.started = true;
    s.startWaitSince = undefined;
    this.onMetrics(s, time, m, evidence, c);
    return this.changed();
  }

  /** The user finished speaking at `time`: the agent's answer is awaited. */
  private userTurnEnd(s: Session, time: number, evidence: Evidence): void {
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
    // EOU metrics, the user's conversation item): one turn, the deadline from the first.
    if (
      p &&
      !p.silentRaised &&
      !p.replyBegun &&
      time >= p.time &&
      time - p.time <= SAME_TURN_MS &&
      sourceOf(p.evidence) === sourceOf(evidence)
    )
      return;
    s.userTurns++;
    s.userEvidence = true;
    s.begunVia = 0;
    s.spokeVia = 0;
    s.pending = {
      time,
      evidence,
      alsoSeen: undefined,
      replyBegun: false,
      failed: false,
      error: undefined,
      errorEvidence: undefined,
      dead: false,
      silentRaised: false,
      hangRaised: false,
    };
    this.arm(s, time + Math.min(this.silenceMs, this.hangMs));
  }

  /** A chatter line at `t`: the session's span reaches it. */
  spanTo(s: Session, t: number): void {
    if (t === t) {
      if (!(t >= s.start)) s.start = t;
      if (!(t <= s.end)) s.end = t;
    }
  }

  private touch(s: Session, ev: AgentEvent): void {
    this.spanTo(s, ev.time);
    const file = ev.evidence.file;
    if (file && file !== s.lastFile) {
      s.files.add(file);
      // An owner approved for the file it was in is no longer one (none was before it had one).
      if (s.lastFile !== undefined) this.epoch++;
      s.lastFile = file;
    }
  }

  private detect(s: Session, ev: AgentEvent, change: Change): void {
    if (
      ev.kind === 'agent_state' ||
      ev.kind === 'agent_turn' ||
      ev.kind === 'agent_speech' ||
      ev.kind === 'session_start' ||
      ev.kind === 'metrics' ||
      ev.kind === 'error'
    ) {
      s.started = true;
      s.startWaitSince = undefined;
    }
    switch (ev.kind) {
      case 'agent_turn':
        this.agentTurn(s, VIA_MARKER);
        break;
      case 'metrics':
        this.onMetrics(s, ev.time, ev.metrics, ev.evidence, change);
        break;
      case 'agent_state':
        if (ev.state === 'speaking') this.spoke(s, ev.time, change);
        else if (ev.state === 'thinking') {
          if (s.thinkingSince === undefined) {
            s.thinkingSince = ev.time;
            s.thinkingEvidence = ev.evidence;
            this.arm(s, ev.time + this.thinkingMs);
          }
        } else s.thinkingSince = undefined;
        break;
      case 'user_turn_end':
        this.userTurnEnd(s, ev.time, ev.evidence);
        break;
      case 'agent_speech':
        this.agentSpeech(s, ev.time, change, ev.via === 'item' ? VIA_ITEM : VIA_MARKER);
        break;
      case 'error':
        this.onError(s, ev, ev.error, change);
        break;
      case 'session_close':
        this.onClose(s, ev, change);
        break;
      case 'process_exit':
        this.onExit(s, ev, ev.crashed, ev.code, ev.reason, change);
        break;
      case 'process_unresponsive':
        this.onExit(s, ev, true, undefined, 'unresponsive', change);
        break;
      case 'participant_joined':
      case 'participant_left':
      case 'observer_connection':
        this.onRoomEvent(s, ev, change);
        break;
      default:
        break;
    }
  }

  private room(name: string): RoomState {
    let r = this.rooms.get(name);
    if (!r)
      this.rooms.set(name, (r = { name, users: new Set(), agents: new Set(), neverJoinedRaised: false }));
    return r;
  }

  /** Room-side signals: who joined or left, and the observer's own connection. */
  private onRoomEvent(s: Session, ev: AgentEvent, change: Change): void {
    const name = ev.ctx.roomName ?? ev.evidence.room;
    if (!name) return;
    const r = this.room(name);
    if (ev.kind === 'observer_connection') {
      if (ev.state === 'connected' && r.downSince !== undefined) {
        // The time the observer was away does not count toward any silence.
        const gap = ev.time - r.downSince;
        r.downSince = undefined;
        if (r.waitingSince !== undefined) r.waitingSince += gap;
        for (const x of this.sessions.values()) {
          if (x.room !== name) continue;
          // A turn only the room saw: whether it was answered while the observer was away is
          // unknown, so it is no longer pending. One the log saw too still is, from now.
          if (x.pending && sourceOf(x.pending.evidence) === 'room' && x.pending.alsoSeen === undefined)
            x.pending = undefined;
          else if (x.pending) x.pending.time += gap;
          if (x.thinkingSince !== undefined) x.thinkingSince += gap;
          this.arm(x, ev.time); // its timers run again
        }
      } else if (ev.state !== 'connected') r.downSince ??= ev.time;
      return;
    }
    if (ev.kind === 'participant_joined') {
      if (ev.agent) {
        r.agents.add(ev.participant);
        r.waitingSince = undefined;
        // Joined, but is its session running? The agent sets lk.agent.state when it starts.
        if (ev.state !== undefined) s.started = true;
        if (!s.started && s.startWaitSince === undefined) {
          s.startWaitSince = ev.time;
          s.startWaitEvidence = ev.evidence;
          this.arm(s, ev.time + this.neverJoinedMs);
        }
      } else {
        r.users.add(ev.participant);
        if (r.agents.size === 0 && r.waitingSince === undefined) {
          r.waitingSince = ev.time;
          r.waitingEvidence = ev.evidence;
        }
      }
      return;
    }
    if (ev.kind !== 'participant_left') return;
    if (!ev.agent) {
      r.users.delete(ev.participant);
      if (r.users.size === 0) r.waitingSince = undefined;
      return;
    }
    r.agents.delete(ev.participant);
    if (r.users.size > 0 && !s.closed) {
      const f = this.raise(s, 'agent_left', 'critical', 'session', ev.time, ev.evidence, change);
      f.summary = `The agent left the room at ${clock(ev.time)} while ${[...r.users].slice(0, 3).join(', ')} stayed, and no session close was logged${this.likelyCause(s)}.`;
      s.exited = true;
      s.pending = undefined;
      this.untrack(s);
    }
  }

  /** A metrics record: its latencies, and the turn evidence it is. */
  private onMetrics(s: Session, time: number, m: TurnMetrics, evidence: Evidence, change: Change): void {
    s.latency = addLatency(s.latency, time, m);
    switch (m.type) {
      case 'eou':
        this.userTurnEnd(s, time, evidence);
        break;
      case 'llm':
      case 'realtime':
        this.agentTurn(s, VIA_METRICS);
        break;
      case 'tts':
        // Synthesised audio is what the user hears; a TTS that produced none answered nothing.
        if (m.audioMs === undefined || m.audioMs > 0) this.agentSpeech(s, time, change, VIA_METRICS);
        break;
      default:
        break;
    }
  }

  /** The agent began a reply (a speech handle, or the LLM metrics of one). */
  private agentTurn(s: Session, via: number): void {
    if (s.pending) s.pending.replyBegun = true;
    if (s.begunVia !== via && s.begunVia !== 0) return; // this reply was counted from another record
    s.begunVia = via;
    s.agentTurns++;
    s.unanswered++;
  }

  /** The agent spoke at `time`: its speech played out, its audio was synthesised, or its reply added. */
  private agentSpeech(s: Session, time: number, change: Change, via: number): void {
    if (s.spokeVia === via || s.spokeVia === 0) {
      s.spokeVia = via;
      s.spoken++;
    }
    s.unanswered = 0;
    this.spoke(s, time, change);
    // The frameworks reset their error counters when the agent speaks: open failures recovered.
    if (s.grouped) {
      s.grouped = false;
      for (const g of s.groups.values()) {
        if (g.open) {
          g.open = false;
          s.deadTurns = Math.max(0, s.deadTurns - 1);
        }
      }
      s.groups = NO_GROUPS;
    }
  }

  private spoke(s: Session, time: number, change: Change): void {
    s.pending = undefined;
    s.thinkingSince = undefined;
    s.rateLimitedSince = undefined;
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

  /**
   * Time passes: findings that are the absence of something (an answer, an end to thinking, any
   * output) fire when their deadline passes. `now` is the log's time in analyze, the clock in watch.
   */
  tick(now: number): Change[] {
    const changes: Change[] = [];
    for (const r of this.rooms.values()) {
      if (r.downSince !== undefined || r.waitingSince === undefined || r.neverJoinedRaised) continue;
      if (r.agents.size > 0 || r.users.size === 0 || now - r.waitingSince < this.neverJoinedMs) continue;
      r.neverJoinedRaised = true;
      this.epoch++;
      const jobId = this.jobByRoomName.get(r.name);
      const s = (jobId && this.sessions.get(jobId)) || this.procSession(r.name, r.name, undefined);
      const change: Change = { session: s.id, created: [], escalated: [] };
      const f = this.raise(
        s,
        'never_joined',
        'critical',
        'session',
        r.waitingSince + this.neverJoinedMs,
        r.waitingEvidence ?? { room: r.name, text: '' },
        change,
      );
      s.room ??= r.name;
      f.room ??= r.name;
      f.summary = `${[...r.users].slice(0, 3).join(', ')} joined room ${r.name} at ${clock(r.waitingSince)} and no agent came for ${Math.round(this.neverJoinedMs / 1000)} s.`;
      changes.push(change);
    }
    for (let s = this.timers.popDue(now); s; s = this.timers.popDue(now)) {
      s.dueAt = undefined;
      const next = this.timersOf(s, now, this.fresh(s));
      if (next !== undefined) this.arm(s, next);
      const change = this.changed();
      if (change.created.length || change.escalated.length) changes.push(change);
    }
    return changes;
  }

  /** Fire the session's timers that are due at `now`; returns when the next one could fire. */
  private timersOf(s: Session, now: number, change: Change): number | undefined {
    if (s.closed || s.exited) return undefined;
    // The observer is away: its reconnection requeues the session.
    if (s.room !== undefined && this.rooms.size > 0 && this.rooms.get(s.room)?.downSince !== undefined)
      return undefined;
    this.dueNow = now;
    this.dueNext = Number.POSITIVE_INFINITY;
    if (s.startWaitSince !== undefined && this.due(s.startWaitSince + this.neverJoinedMs)) {
      const r = s.room !== undefined ? this.rooms.get(s.room) : undefined;
      if (r && r.users.size > 0 && !s.findings.has('never_joined')) {
        const since = s.startWaitSince;
        s.startWaitSince = undefined;
        const f = this.raise(
          s,
          'never_joined',
          'critical',
          'session',
          since + this.neverJoinedMs,
          s.startWaitEvidence ?? { room: r.name, text: '' },
          change,
        );
        f.summary = `The agent joined room ${r.name} at ${clock(since)} but never started its session: no agent state for ${Math.round(this.neverJoinedMs / 1000)} s while ${[...r.users].slice(0, 3).join(', ')} waited (its entrypoint looks stuck before the session started).`;
      } else if (r && r.users.size === 0) {
        this.due(now + 1000); // nobody is waiting yet: look again in a second
      }
    }
    const p = s.pending;
    if (p && !p.silentRaised && (!p.replyBegun || p.failed) && this.due(p.time + this.silenceMs)) {
      p.silentRaised = true;
      const f = this.raise(
        s,
        'agent_silent',
        'critical',
        'session',
        p.time + this.silenceMs,
        p.evidence,
        change,
      );
      if (p.alsoSeen && !f.evidence.includes(p.alsoSeen)) f.evidence.push(p.alsoSeen);
      f.summary = `The user finished speaking at ${clock(p.time)} and the agent never answered${this.likelyCause(s)}.`;
      if (f.recovered !== undefined) f.recovered = undefined;
    }
    if (p && !p.hangRaised && this.due(Math.max(s.end, p.time) + this.hangMs)) {
      p.hangRaised = true;
      const f = this.raise(s, 'process_died', 'critical', 'process', now, p.evidence, change);
      f.summary = `The agent wrote nothing for ${Math.round(this.hangMs / 1000)} s while the user waited for an answer (since ${clock(p.time)}): the worker looks hung.`;
    }
    if (s.thinkingSince !== undefined) {
      if (!s.findings.has('stuck_thinking') && this.due(s.thinkingSince + this.thinkingMs)) {
        const f = this.raise(
          s,
          'stuck_thinking',
          'warning',
          'llm',
          s.thinkingSince + this.thinkingMs,
          s.thinkingEvidence ?? { text: '' },
          change,
        );
        f.summary = `The agent has been thinking since ${clock(s.thinkingSince)} without answering${this.likelyCause(s)}.`;
      }
      const f = s.findings.get('stuck_thinking');
      if (f && f.severity !== 'critical' && this.due(s.thinkingSince + 2 * this.thinkingMs)) {
        f.severity = 'critical';
        change.escalated.push(f);
      }
    }
    if (s.rateLimitedSince !== undefined) {
      const f = s.findings.get('rate_limited');
      if (f && f.severity !== 'critical' && this.due(s.rateLimitedSince + this.rateLimitCriticalMs)) {
        f.severity = 'critical';
        f.summary = `The ${componentWord(f.component)} has been rate limited for ${Math.round((now - s.rateLimitedSince) / 60_000)} min without the agent speaking.`;
        change.escalated.push(f);
      }
    }
    return Number.isFinite(this.dueNext) ? this.dueNext : undefined;
  }

  /** The timers `timersOf` fires at `dueNow`, and the soonest of those not due yet. */
  private dueNow = 0;
  private dueNext = Number.POSITIVE_INFINITY;

  /** Is a timer set for `at` due? If not, the next look is no later than `at`. */
  private due(at: number): boolean {
    if (this.dueNow >= at) return true;
    if (at < this.dueNext) this.dueNext = at;
    return false;
  }

  /** One of the session's timers was set for `at`: queue the session unless it is due sooner. */
  private arm(s: Session, at: number): void {
    if (s.dueAt !== undefined && s.dueAt <= at) return;
    s.dueAt = at;
    this.timers.push(at, s);
  }

  /** ", most likely because …" when the session has a failure to blame. */
  private likelyCause(s: Session): string {
    // Said on every silence of a failed session: kept with the session, for its root.
    if (s.becauseOf === s.root && (s.root === undefined || s.because !== '')) return s.because;
    const root = s.root ? s.findings.get(s.root) : undefined;
    s.becauseOf = s.root;
    s.because = root ? `, most likely because of ${root.title.toLowerCase()}` : '';
    return s.because;
  }

  private onError(s: Session, ev: AgentEvent, e: ProviderError, change: Change): void {
    s.errors++;
    const p = s.pending;
    if (p) {
      // A reply that began and failed is silence again.
      if (!p.failed) {
        p.failed = true;
        p.error = e;
        p.errorEvidence = ev.evidence;
      }
      this.arm(s, p.time + this.silenceMs);
    }
    if (e.label) s.lastLabel = e.label;
    const cause = causeOfError(e);
    if (cause === 'rate_limited' && !e.quota?.terminal && s.rateLimitedSince === undefined) {
      s.rateLimitedSince = ev.time;
      this.arm(s, ev.time + this.rateLimitCriticalMs);
    }
    const severity: Severity =
      cause === 'provider_error' && e.stage !== 'retry' && !e.recoverable
        ? 'warning'
        : defaultSeverity(cause);
    this.raise(s, cause, severity, e.component, ev.time, ev.evidence, change, e);
    this.countTurn(s, ev, e, change);
  }

  /** Track retry groups: each stream that exhausts its attempts is one turn the user sat through. */
  private countTurn(s: Session, ev: AgentEvent, e: ProviderError, change: Change): void {
    const comp = e.component;
    // Dead turns are the LLM and TTS failures the session tolerates (STT and realtime errors close
    // it at once); the gateway's counters line accompanies a retry line and is not a turn itself.
    if ((comp !== 'llm' && comp !== 'tts') || e.counters) return;
    let g = s.groups.get(comp);
    const startsGroup =
      e.stage === 'retry' && (e.attempt === 1 || (e.attempt === undefined && (!g || !g.open)));
    if (startsGroup || !g) {
      if (g?.open) this.deadTurn(s, ev, e, change); // the previous failure never recovered
      g = { component: comp, open: true, maxAttempt: 0 };
      const groups =
        s.groups === NO_GROUPS ? new Map<Component, RetryGroup>() : (s.groups as Map<Component, RetryGroup>);
      groups.set(comp, g);
      s.groups = groups;
      s.grouped = true;
    }
    if (e.attempt !== undefined) g.maxAttempt = Math.max(g.maxAttempt, e.attempt);
    if (e.stage !== 'retry' || g.maxAttempt >= this.maxAttempts - 1) {
      // Out of attempts: this turn is lost.
      if (g.open && e.stage !== 'retry') {
        g.open = false;
        this.deadTurn(s, ev, e, change);
      }
    }
  }

  private deadTurn(s: Session, ev: AgentEvent, e: ProviderError, change: Change): Finding {
    return this.countDeadTurn(s, ev.time, ev.evidence, e, change);
  }

  private countDeadTurn(
    s: Session,
    time: number,
    evidence: Evidence,
    e: ProviderError,
    change: Change,
  ): Finding {
    s.deadTurns++;
    if (s.pending?.failed) s.pending.dead = true;
    const f = this.raise(s, 'dead_turns', 'warning', e.component, time, evidence, change, e);
    f.count = s.deadTurns;
    f.remedy = remedyOf(f);
    f.summary = `${s.deadTurns} user turn${s.deadTurns === 1 ? '' : 's'} got no answer: the ${componentWord(e.component)} failed each time.`;
    return f;
  }

  /**
   * The session ends (or the log does) with the user's latest turn unanswered because its reply
   * failed: a dead turn the user sat through, and the error that caused it is critical.
   */
  private unansweredFailure(s: Session, change: Change): void {
    const p = s.pending;
    if (!p?.failed || p.error === undefined) return;
    const e = p.error;
    if (!p.dead) this.countDeadTurn(s, p.time, p.errorEvidence ?? p.evidence, e, change);
    const cause = causeOfError(e);
    for (const c of [cause, 'dead_turns'] as const) {
      const f = s.findings.get(c);
      if (f && f.severity !== 'critical') {
        f.severity = 'critical';
        change.escalated.push(f);
      }
    }
  }

  private onClose(s: Session, ev: AgentEvent & { kind: 'session_close' }, change: Change): void {
    if (s.closed && s.closeReason === (ev.reason ?? s.closeReason)) {
      // agents-js logs "closing due to an unrecoverable error" then "AgentSession closed": one close.
      this.untrack(s);
      return;
    }
    s.closed = true;
    s.closeReason = ev.reason ?? s.closeReason;
    this.epoch++; // its lines are no longer the bulk reader's to take (see bulkOwner)
    s.thinkingSince = undefined;
    this.untrack(s);
    if (ev.reason === 'error' || ev.error) this.closedOnError(s, ev, change);
    // Counted after the close's own dead turns, which may be this very turn.
    this.unansweredFailure(s, change);
    s.pending = undefined;
  }

  private closedOnError(s: Session, ev: AgentEvent & { kind: 'session_close' }, change: Change): void {
    const e = ev.error;
    if (e && (e.status !== undefined || e.quota)) {
      // The close line may be the only one carrying the cause (e.g. an STT error that closes at once).
      const cause = causeOfError(e);
      this.raise(s, cause, defaultSeverity(cause), e.component, ev.time, ev.evidence, change, e);
    }
    // Open failing streams end here: their turns are lost too.
    for (const g of s.groups.values()) {
      if (g.open) {
        g.open = false;
        if (e && (e.component === 'llm' || e.component === 'tts')) this.deadTurn(s, ev, e, change);
      }
    }
    // Errors that are not retried (a 401) are counted silently: every reply begun since the agent
    // last spoke, up to the close, was a turn the user sat through in silence.
    if (e && (e.component === 'llm' || e.component === 'tts') && s.unanswered > s.deadTurns) {
      const missing = s.unanswered - s.deadTurns;
      for (let i = 0; i < missing; i++) this.deadTurn(s, ev, e, change);
    }
    // Warnings that ended the session become critical.
    for (const cause of ['rate_limited', 'provider_error', 'dead_turns'] as const) {
      const f = s.findings.get(cause);
      if (f && f.severity !== 'critical') {
        f.severity = 'critical';
        f.lastTime = ev.time;
        change.escalated.push(f);
      }
    }
    this.raise(
      s,
      'closed_with_error',
      'critical',
      e?.component ?? 'session',
      ev.time,
      ev.evidence,
      change,
      e,
    );
  }

  private onExit(
    s: Session,
    ev: AgentEvent,
    crashed: boolean,
    code: number | undefined,
    reason: string | undefined,
    change: Change,
  ): void {
    const wasLive = !s.closed && !s.exited;
    if (wasLive) this.unansweredFailure(s, change);
    s.exited = true;
    this.untrack(s);
    if (!crashed || !wasLive) return;
    const f = this.raise(s, 'process_died', 'critical', 'process', ev.time, ev.evidence, change);
    const why =
      code !== undefined
        ? `exited with code ${code}`
        : reason === 'unresponsive'
          ? 'became unresponsive and was killed'
          : `ended (${reason ?? 'crashed'})`;
    f.summary = `The agent's job process ${why} while the session was live: the user was left talking to no one.`;
  }

  private untrack(s: Session): void {
    for (const f of s.files) this.liveJobsByFile.get(f)?.delete(s.key);
  }

  /** Create or update the session's finding for a cause. */
  private raise(
    s: Session,
    cause: CauseId,
    severity: Severity,
    component: Component,
    time: number,
    evidence: Evidence,
    change: Change,
    e?: ProviderError,
  ): Finding {
    if (cause === 'agent_silent' || cause === 'stuck_thinking' || cause === 'rate_limited') s.silenced = true;
    let f = s.findings.get(cause);
    if (f) {
      f.count++;
      f.recovered = undefined; // it is happening again
      if (!Number.isNaN(time)) f.lastTime = time;
      f.evidence[1] = evidence;
      // Keep the most informative quota: a later line may carry the category an earlier one lacked.
      if (e?.quota && (!f.quota || (!f.quota.category && e.quota.category)))
        f.quota = { ...f.quota, ...e.quota };
      if (f.status === undefined && e?.status !== undefined) f.status = e.status;
      if (rank(severity) < rank(f.severity)) {
        f.severity = severity;
        change.escalated.push(f);
      }
      return f;
    }
    // Every field from the start, in one order: findings are updated on every repeat, and objects
    // of one shape keep those updates fast.
    f = {
      id: `${s.id}/${cause}`,
      session: s.id,
      room: s.room || undefined,
      job: s.job || undefined,
      cause,
      severity,
      component,
      time,
      lastTime: time,
      count: 1,
      title: titleOf(cause, component),
      summary: '',
      remedy: '',
      evidence: [evidence],
      quota: e?.quota || undefined,
      status: e?.status,
      consequenceOf: undefined,
      recovered: undefined,
    };
    // Failures are roots; closes, dead turns and silences are what failures lead to.
    const isRoot = cause !== 'closed_with_error' && cause !== 'dead_turns' && !SILENCE_CAUSES.has(cause);
    if (cause === 'credits_exhausted' && (s.root === 'rate_limited' || s.root === 'untyped_429')) {
      // The gateway answers 429 before it says why: the credits explain the rate limit seen first.
      const first = s.findings.get(s.root);
      if (first) first.consequenceOf = cause;
      for (const other of s.findings.values())
        if (other.consequenceOf === s.root) other.consequenceOf = cause;
      s.root = cause;
    } else if (s.root && s.root !== cause) f.consequenceOf = s.root;
    else if (!s.root && isRoot) s.root = cause;
    f.summary = summaryOf(f, e);
    f.remedy = remedyOf({
      cause,
      component,
      quota: f.quota,
      status: f.status,
      count: 1,
      label: e?.label ?? s.lastLabel,
    });
    own(s).findings.set(cause, f);
    change.created.push(f);
    return f;
  }
}

function summaryOf(f: Finding, e: ProviderError | undefined): string {
  const comp = componentWord(f.component);
  const detail = e?.detail ? `: ${e.detail.replace(/\.+$/, '')}` : '';
  switch (f.cause) {
    case 'credits_exhausted':
      return `The ${comp} request was refused because the credits are used up${f.quota?.category ? ` (${f.quota.category})` : ''}; the agent cannot answer until they are topped up.`;
    case 'rate_limited':
      return `The ${comp} was rate limited${f.quota?.category ? ` (${f.quota.category})` : ''}; turns stall or drop until it recovers.`;
    case 'untyped_429':
      return `The ${comp} rejected the connection with HTTP 429 and no reason; the agent cannot hear or speak.`;
    case 'key_rejected':
      return `The ${comp} rejected the API key${f.status ? ` (HTTP ${f.status})` : ''}; the agent cannot answer.`;
    case 'provider_error':
      return `The ${comp} failed${f.status ? ` with HTTP ${f.status}` : ''}${detail}.`;
    case 'closed_with_error':
      return 'The session closed on an unrecoverable error: the agent stopped answering.';
    case 'dead_turns':
      return `A user turn got no answer: the ${comp} failed.`;
    case 'process_died':
      return 'The agent process died while the session was live.';
    default:
      return titleOf(f.cause, f.component);
  }
}

/** How far apart the log and the room may report the end of the same user turn. */
const SAME_TURN_MS = 3000;

/** Where a piece of evidence comes from: a log file, or a room the observer watched. */
function sourceOf(e: Evidence): 'log' | 'room' {
  return e.file !== undefined && e.file !== '' ? 'log' : 'room';
}

/** Local wall-clock time of day, HH:MM:SS: what the developer compares with their own clock. */
export function clock(t: number): string {
  // Summaries name times again and again (a silence raised on every unanswered turn): the local
  // hour and minute are worked out once a minute. Time zones are whole minutes from UTC and change
  // on a minute, so within one UTC minute only the seconds move (checked, for zones that were not).
  const minute = Math.floor(t / 60_000);
  const sec = Math.floor(t / 1000) - minute * 60;
  if (minute !== clockMinute) {
    const d = new Date(t);
    if (!Number.isFinite(t) || d.getSeconds() !== sec) return hhmmss(d);
    clockMinute = minute;
    clockPrefix = `${two(d.getHours())}:${two(d.getMinutes())}:`;
  }
  return clockPrefix + two(sec);
}

let clockMinute = Number.NaN;
let clockPrefix = '';

function two(n: number): string {
  return n < 10 && n >= 0 ? `0${n}` : String(n);
}

function hhmmss(d: Date): string {
  if (Number.isNaN(d.getTime())) return '--:--:--';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function rank(s: Severity): number {
  return s === 'critical' ? 0 : s === 'warning' ? 1 : 2;
}

function newSession(id: string, key: string): Session {
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
    dueAt: undefined,
    thinkingSince: undefined,
    rateLimitedSince: undefined,
    silenced: false,
    grouped: false,
    begunVia: 0,
    spokeVia: 0,
    userEvidence: false,
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
    root: undefined,
    because: '',
    becauseOf: undefined,
    lastLabel: undefined,
    startWaitEvidence: undefined,
    thinkingEvidence: undefined,
    pids: new SmallSet(),
    files: new SmallSet(),
    // Most sessions never fail: they share one empty map until their first (see own()).
    groups: NO_GROUPS,
    findings: NO_FINDINGS,
  };
}

const byStart = (a: Session, b: Session): number => (a.start || 0) - (b.start || 0);

/** The maps sessions share while they have no finding / no retry group: never written to. */
const NO_FINDINGS: ReadonlyMap<CauseId, Finding> = new Map();
const NO_GROUPS: ReadonlyMap<Component, RetryGroup> = new Map();

/** The session, with a findings map of its own. */
function own(s: Session): Session & { findings: Map<CauseId, Finding> } {
  if (s.findings === NO_FINDINGS) s.findings = new Map();
  return s as Session & { findings: Map<CauseId, Finding> };
}
/** Worst first: the sessions a developer must look at come first. */
const VERDICT_RANK = { failed: 0, silent: 1, degraded: 2, healthy: 3 } as const;

function procId(pid: number, file: string): string {
  return `pid-${pid}@${baseName(file)}`;
}

function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(i + 1) : file;
}

const minTime = (a: number, b: number) => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b));
const maxTime = (a: number, b: number) => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b));

export type { Evidence };
