// Which session a line belongs to. A job id wins; otherwise pid / thread / room → job as learnt from
// earlier lines; otherwise the one live job of that file; when several jobs could own a line it is
// counted as ambiguous on each rather than guessed. A job or process that closed its session and
// starts another gets the next one (`<job>#2`), and a watcher that runs for weeks forgets the
// sessions that ended long ago (`prune`).

import type { AgentEvent } from '../shared/events.js';
import { newSession, own, spanTo, type Session } from './session.js';

/** How long after an announced close the session's own last lines may still come. */
const CLOSING_MS = 5000;

/** Keys of retired sessions remembered, for the next generation of a job seen again. */
const RETIRED_MAX = 100_000;

export class Attribution {
  /** The current session of each job / process / file key. */
  readonly sessions = new Map<string, Session>();
  /** Sessions a job or process closed before it started another: reported, never folded into again. */
  readonly superseded: Session[] = [];
  private readonly jobByPid = new Map<number, string>();
  private readonly jobByTid = new Map<number, string>();
  private readonly jobByRoomSid = new Map<string, string>();
  private readonly jobByRoomName = new Map<string, string>();
  /** agents-js jobs a worker's `received job request` named, with that worker's pid (-1: none). */
  private readonly requestedBy = new Map<string, number>();
  /** Live job sessions per file, for lines that name nothing. */
  private readonly liveJobsByFile = new Map<string, Set<string>>();
  /** Keys of sessions pruned, with their last generation: a job seen again gets the next one. */
  private readonly retired = new Map<string, number>();
  /** Lines no session could be given to (worker chatter, garbage): counted, not kept. */
  unattributed = 0;

  /**
   * What an owner approved by `bulkOwner` rests on: bumped when a session's last file changes, a
   * session is dropped (merged into its job) or is followed by the next one of its job, a room name
   * comes to name another job, or a room timer creates a session. A close is checked per line
   * instead (BulkHooks.open). Everything else `bulkOwner` checks can only become true, never false.
   */
  epoch = 0;

  /**
   * Chatter of a job already known from this process and file (most lines of a busy log): its
   * session, when nothing new can be learnt from the line and only the span moves; else undefined.
   */
  known(ev: AgentEvent): Session | undefined {
    const ctx = ev.ctx;
    if (ev.kind !== 'log' || ctx.jobId === undefined) return undefined;
    const known = this.sessions.get(ctx.jobId);
    if (
      known !== undefined &&
      ctx.roomName === undefined &&
      ctx.tid === undefined &&
      (ctx.pid === undefined || known.pids.has(ctx.pid)) &&
      (ctx.roomSid === undefined || ctx.roomSid === known.roomSid) &&
      ev.evidence.file === known.lastFile
    )
      return known;
    return undefined;
  }

  /** The session `ev` belongs to (created if need be), learning what the line teaches; or none. */
  attribute(ev: AgentEvent): Session | undefined {
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
      const claimed = meaningful && live !== undefined ? this.claim(ev, ctx.pid, live) : undefined;
      if (claimed) {
        const s = this.next(this.jobSession(claimed, file), ev, file);
        this.learn(s, ev);
        return s;
      }
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

  /**
   * The session a line of `job` belongs to when attributing it would change nothing — the job is
   * known, from this file, with this pid, room SID and room name — else undefined. Exactly the
   * conditions under which `known`, or `attribute` + `touch`, only moves the session's span: what
   * lets the bulk reader take such lines without an event each.
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

  /** A line of `s`: its span reaches the line, and its file is the session's last. */
  touch(s: Session, ev: AgentEvent): void {
    spanTo(s, ev.time);
    const file = ev.evidence.file;
    if (file && file !== s.lastFile) {
      s.files.add(file);
      // An owner approved for the file it was in is no longer one (none was before it had one).
      if (s.lastFile !== undefined) this.epoch++;
      s.lastFile = file;
    }
  }

  /** The session is no longer live: lines of its files that name nothing are not its. */
  untrack(s: Session): void {
    for (const f of s.files) this.liveJobsByFile.get(f)?.delete(s.key);
  }

  /** The session of room `name` for a room-side finding: its job's, or one for the room itself. */
  roomSession(name: string): Session {
    const jobId = this.jobByRoomName.get(name);
    return (jobId && this.sessions.get(jobId)) || this.procSession(name, name, undefined);
  }

  /** The session of this id (a job's later sessions are `<job>#2` …), or undefined. */
  find(id: string): Session | undefined {
    const key = id.replace(/#\d+$/, '');
    const s = this.sessions.get(key);
    if (s?.id === id) return s;
    return this.superseded.find((x) => x.id === id);
  }

  /**
   * Forgets the sessions whose last line came before `cutoff` and that wait for nothing (no
   * deadline), and returns them: those that ended, and those gone quiet without a close (a worker
   * killed, a log rotated away). A job that logs again afterwards starts its next session
   * (`<job>#n`), never the one forgotten.
   */
  prune(cutoff: number): Session[] {
    const out: Session[] = [];
    const done = (s: Session) => s.dueAt === undefined && s.end < cutoff;
    for (let i = 0; i < this.superseded.length; i++) {
      const s = this.superseded[i] as Session;
      if (!done(s)) continue;
      out.push(s);
      this.superseded.splice(i--, 1);
    }
    for (const [key, s] of this.sessions) {
      if (!done(s)) continue;
      out.push(s);
      this.sessions.delete(key);
      this.requestedBy.delete(key);
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
      if (this.retired.size <= RETIRED_MAX) break;
      this.retired.delete(k);
    }
    if (out.length > 0) this.epoch++;
    return out;
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
    // Closing, not yet closed: the turn it commits as it closes (agents-js logs one) is its own.
    if (s.closingAt !== undefined && k !== 'session_start' && ev.time - s.closingAt <= CLOSING_MS) return s;
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
    if (file) this.live(file, n.key);
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
      if (!s.closed && !s.exited) this.live(file, job);
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
      if (file && !s.closed && !s.exited) this.live(file, id);
    }
    return s;
  }

  /**
   * The job a process that names none is running, when its log leaves only one: agents-js up to 1.8
   * binds `jobID` to its job process's own lines alone (ipc/job_proc_lazy_main.js:
   * `logger.child({ jobID })`, never passed to the framework's logger), so at INFO the session's
   * lines carry the process's `pid` and nothing else, while the worker's `received job request`
   * names the job. A process whose first reply, turn or error comes while exactly one job requested
   * in this file has no process yet (and is not the worker that logged the request) runs that job;
   * with several such jobs it is left to itself rather than guessed.
   */
  private claim(ev: AgentEvent, pid: number, live: ReadonlySet<string>): string | undefined {
    if (ev.kind === 'process_exit' || (ev.format !== 'pino-json' && ev.format !== 'pino-pretty')) return;
    let only: string | undefined;
    for (const job of live) {
      const requested = this.requestedBy.get(job);
      const s = this.sessions.get(job);
      if (requested === undefined || requested === pid || s === undefined || s.pids.size > 0) continue;
      if (only !== undefined) return undefined;
      only = job;
    }
    return only;
  }

  /** Session `key` is live in `file`: lines there that name nothing may be its. */
  private live(file: string, key: string): void {
    let set = this.liveJobsByFile.get(file);
    if (!set) this.liveJobsByFile.set(file, (set = new Set()));
    set.add(key);
  }

  /** Remember what this line teaches about which job owns which pid / thread / room. */
  private learn(s: Session, ev: AgentEvent): void {
    const ctx = ev.ctx;
    const job = s.key;
    // The worker that took the job (agents-js: its `pid`); not the job's own process.
    if (ev.kind === 'job_request' && ev.format.startsWith('pino')) this.requestedBy.set(job, ctx.pid ?? -1);
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
      const was = this.jobByRoomName.get(ctx.roomName);
      if (was !== job) {
        this.jobByRoomName.set(ctx.roomName, job);
        // The room now names another job: what was approved for the one it named is no more. A
        // name learnt for the first time approved nothing (approval needs it to name the job).
        if (was !== undefined) this.epoch++;
      }
    }
  }

  /** A process's lines from before it named its job join the job's session. */
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
    if (from.speechHandles) into.speechHandles = true;
    this.sessions.delete(from.key);
    this.epoch++;
  }
}

function procId(pid: number, file: string): string {
  return `pid-${pid}@${baseName(file)}`;
}

function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(i + 1) : file;
}

const minTime = (a: number, b: number) => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b));
const maxTime = (a: number, b: number) => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b));
