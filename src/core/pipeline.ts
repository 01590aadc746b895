// The one composition both shells start: lines → FileParser (per file) → AgentEvents →
// SessionTracker (sessions + detectors) → findings. Sources and sinks are plugged in by the caller.

import type { AgentEvent, FormatId } from '../shared/events.js';
import type { Finding, SessionSummary } from '../shared/types.js';
import type { EnvelopeId } from './formats/envelope.js';
import { FileParser } from './formats/parser.js';
import { clockTo, type BulkHooks, type LogClock } from './formats/bulk.js';
import { FileEvidence } from './formats/file-evidence.js';
import { PREFETCH_MIN_BYTES } from './formats/prefetch.js';
import type { ChunkScanner } from './logs/lines.js';
import type { RawLine } from './logs/types.js';
import { SessionTracker, type Change, type Session, type TrackerOptions } from './tracker.js';

export interface PipelineOptions {
  /** Force a format for every file (`--format`). */
  format?: FormatId;
  /** The date to give time-of-day-only lines of a file (default: now). */
  baseTime?: (file: string) => number;
  onEvent?: (ev: AgentEvent) => void;
  /** After an event was folded: the session it went to (undefined when no session took it). */
  onFolded?: (ev: AgentEvent, session: string | undefined) => void;
  /** A finding appeared (`created`), its severity rose (`escalated`), or its silence ended (`recovered`). */
  onFinding?: (f: Finding, how: 'created' | 'escalated' | 'recovered') => void;
  tracker?: TrackerOptions;
  /**
   * Reading to the end, read and classify a file's chunks ahead on a worker thread: in files of
   * at least PREFETCH_MIN_BYTES (`auto`, the default), always, or never.
   */
  prefetch?: 'auto' | 'always' | 'never';
  /**
   * Watching: the wall clock when `file`'s lines pushed now are read as they are written, else
   * undefined (a backlog, standard input). Its local times are then read in its agent's zone, learnt
   * from such lines (formats/zone.ts); `onZone` hears when that zone's shift changes.
   */
  live?: (file: string) => number | undefined;
  onZone?: (file: string, shiftMs: number) => void;
  /**
   * Watching: the wall clock. The log's own clock then never ticks past it: a log stamped ahead
   * (a skewed clock, a date guessed wrong) must not make every other session's deadlines pass.
   */
  wallClock?: () => number;
  /**
   * A line longer than the cap was cut (logs/lines.ts); `raw`: no format read it (it is kept as
   * raw). `watch` says so once per file.
   */
  onCut?: (line: RawLine, raw: boolean) => void;
}

export interface FileStats {
  file: string;
  lines: number;
  /** Lines per format: the most frequent is the file's format. */
  formats: Partial<Record<FormatId, number>>;
  /** Lines longer than the cap, cut (logs/lines.ts), and how many of them were kept as raw. */
  cut: number;
  cutRaw: number;
  /** What a collector put in front of its lines (formats/envelope.ts), when it had one. */
  envelope?: EnvelopeId;
}

export class Pipeline {
  readonly tracker: SessionTracker;
  private readonly parsers = new Map<string, FileParser>();
  private readonly lineCounts = new Map<string, number>();
  /** Per file: lines cut at the cap, and those of them no format read. */
  private readonly cutCounts = new Map<string, { cut: number; raw: number }>();
  events = 0;
  lines = 0;
  /** The log's clock: its latest time, and when it last ticked (the bulk reader moves it too). */
  private readonly logClock: LogClock = {
    maxTime: Number.NEGATIVE_INFINITY,
    lastTick: Number.NEGATIVE_INFINITY,
    ahead: Number.NaN,
  };
  /** Files a DEBUG (or finer) line was read from by the full path. */
  private readonly debugFiles = new Set<string>();
  /**
   * Reading history (no wall clock): each file's clock, the latest time read from it, by which its
   * sessions' deadlines pass (SessionTracker.fileClock).
   */
  private readonly fileClocks = new Map<string, number>();
  private readonly perFile: boolean;

  /** `file`'s lines reached `t` (reading history). */
  private fileTime(file: string, t: number): void {
    const was = this.fileClocks.get(file);
    if (was === undefined || t > was) {
      this.fileClocks.set(file, t);
      // One file's clock is the log's: the tracker looks them up from the second file on.
      if (was === undefined && this.fileClocks.size === 2)
        this.tracker.fileClock = (f) => this.fileClocks.get(f);
      this.tracker.fileAdvanced(file);
    }
  }
  /** A parser's event: read now, or at `readAt` when it was held for its continuation lines. */
  private readonly emit = (ev: AgentEvent, readAt?: number): void => {
    const file = ev.evidence.file;
    this.fold(ev, file ? (readAt ?? this.opts.live?.(file)) : undefined);
  };

  /** An event, read at `arrivedAt` as it was written (watching; see Session.lag), else undefined. */
  private fold(ev: AgentEvent, arrivedAt: number | undefined): void {
    this.events++;
    if ((ev.level === 'debug' || ev.level === 'trace') && ev.evidence.file)
      this.debugFiles.add(ev.evidence.file);
    this.opts.onEvent?.(ev);
    if (this.perFile && ev.evidence.file && ev.time === ev.time) this.fileTime(ev.evidence.file, ev.time);
    this.clock(ev.time);
    const change = this.tracker.ingest(ev, arrivedAt);
    this.opts.onFolded?.(ev, this.tracker.lastSession?.id);
    this.report(change);
  }

  /** What the bulk reader of each file (analyze) does with the lines it takes: what `emit` would. */
  private readonly bulkHooks: BulkHooks<Session> = {
    epoch: () => this.tracker.epoch,
    open: (s) => !s.closed,
    owner: (job, pid, roomSid, roomName, file) => this.tracker.bulkOwner(job, pid, roomSid, roomName, file),
    span: (s, t) => this.tracker.spanTo(s, t),
    counted: (n) => {
      this.events += n;
    },
    clock: this.logClock,
    fileTime: (file, t) => {
      if (this.perFile) this.fileTime(file, t);
    },
    tick: (t) => {
      this.logClock.maxTime = t;
      this.tick(t, true);
    },
    userTurn: (s, t, evidence) => {
      this.events++;
      this.report(this.tracker.ingestUserTurn(s, t, evidence));
    },
    marker: (s, kind, t, via) => {
      this.events++;
      this.report(this.tracker.ingestMarker(s, kind, t, via));
    },
    metrics: (s, t, m, evidence) => {
      this.events++;
      this.report(this.tracker.ingestMetrics(s, t, m, evidence));
    },
  };

  constructor(private readonly opts: PipelineOptions = {}) {
    this.tracker = new SessionTracker(opts.tracker);
    // What changed is only ever reported to a listener.
    this.tracker.changesWanted = opts.onFinding !== undefined;
    this.perFile = !opts.wallClock;
  }

  /** Feed a batch of lines (from one or several files, in order per file). */
  push(lines: readonly RawLine[]): void {
    let parser: FileParser | undefined;
    let file = '';
    let run = 0;
    for (const line of lines) {
      if (line.file !== file) {
        if (run > 0) this.lineCounts.set(file, (this.lineCounts.get(file) ?? 0) + run);
        file = line.file;
        parser = this.parserFor(file);
        run = 0;
      }
      run++;
      if (line.truncated === true) this.pushCut(parser as FileParser, line);
      else (parser as FileParser).push(line, this.emit);
    }
    if (run > 0) this.lineCounts.set(file, (this.lineCounts.get(file) ?? 0) + run);
    this.lines += lines.length;
  }

  /** A line cut at the cap: counted, and whether a format still read its head or it is raw. */
  private pushCut(parser: FileParser, line: RawLine): void {
    // The parser counts a line's format as it takes it (a continuation line counts none).
    const before = parser.formatCounts.get('raw') ?? 0;
    parser.push(line, this.emit);
    const raw = (parser.formatCounts.get('raw') ?? 0) > before;
    const c = this.cutCounts.get(line.file) ?? { cut: 0, raw: 0 };
    c.cut++;
    if (raw) c.raw++;
    this.cutCounts.set(line.file, c);
    this.opts.onCut?.(line, raw);
  }

  /**
   * Reading to the end: a scanner that takes runs of lines of `file` straight from a chunk's bytes
   * (the lines before it must have been pushed), or undefined when every event is wanted.
   */
  scanner(file: string): ChunkScanner | undefined {
    if (this.opts.onEvent) return undefined;
    const parser = this.parserFor(file);
    const mode = this.opts.prefetch ?? 'auto';
    const out: ChunkScanner = {
      taken: 0,
      readAhead:
        mode === 'never'
          ? undefined
          : (fd, pos, chunk, maxLine, size) =>
              mode === 'auto' && size - pos < PREFETCH_MIN_BYTES
                ? undefined
                : parser.readAhead(fd, pos, chunk, maxLine),
      scan: (...span) => {
        const r = parser.scan(this.emit, ...span);
        out.taken = r.taken;
        if (r.taken > 0) {
          this.lines += r.taken;
          this.lineCounts.set(file, (this.lineCounts.get(file) ?? 0) + r.taken);
        }
        return r.pos;
      },
    };
    return out;
  }

  /**
   * Fold an event read back from the journal, as if it had just been parsed; or one the room
   * observer saw at `arrivedAt`.
   */
  ingest(ev: AgentEvent, arrivedAt?: number): void {
    if (arrivedAt !== undefined) this.fold(ev, arrivedAt);
    else this.emit(ev);
  }

  /** What is added to `file`'s local times: its agent's zone against this machine's (see `live`). */
  zoneShift(file: string): number {
    return this.parsers.get(file)?.zoneShiftMs ?? 0;
  }

  /** `file`'s agent's zone, as learnt before a restart. */
  setZoneShift(file: string, ms: number): void {
    this.parserFor(file).zoneShiftMs = ms;
  }

  /** Where a checkpoint of this file may stand: not past a record still held for continuation. */
  heldStart(file: string): { offset: number; line: number } | undefined {
    return this.parsers.get(file)?.heldStart();
  }

  /**
   * Watching: when the earliest record still waiting for its continuation lines was read as it was
   * written (undefined when none is). Had it been complete, it would have been folded then.
   */
  heldSince(): number | undefined {
    let since: number | undefined;
    for (const p of this.parsers.values()) {
      const at = p.heldReadAt();
      if (at !== undefined && (since === undefined || at < since)) since = at;
    }
    return since;
  }

  /**
   * Watching, the file was read to its current end (more may come: drained comes after a quiet
   * period). A held JSON record is complete: a JSON line never takes continuation lines from its
   * writer, and its finding must not wait. True when one was completed.
   */
  caughtUp(file: string): boolean {
    const p = this.parsers.get(file);
    return p !== undefined && p.completeJson(this.emit);
  }

  /** The source has no more bytes of this file for now: complete any held multi-line record. */
  drained(file: string): void {
    const p = this.parsers.get(file);
    p?.flush(this.emit);
    // A file read in bulk has been read to its end (analyze): a directory may hold thousands.
    p?.release();
  }

  /** End of input: complete every held record, and let the log's last moment pass. */
  end(): void {
    for (const p of this.parsers.values()) p.flush(this.emit);
    if (Number.isFinite(this.logClock.maxTime)) this.tick(this.logClock.maxTime, true);
    this.settleEvidence();
  }

  /**
   * Nothing more will be read (analyze, not a watcher that stops): a user turn whose reply failed
   * and that no later reply followed is a dead turn, and fails its session.
   */
  conclude(): void {
    for (const change of this.tracker.finish()) this.report(change);
    this.settleEvidence();
  }

  /**
   * The findings' evidence that the bulk reader left in its files (FileEvidence) is read, each file
   * opened once rather than once a piece as it is shown, and kept as plain evidence.
   */
  private settleEvidence(): void {
    if (!FileEvidence.made) return;
    FileEvidence.settle(this.tracker.keptEvidence());
    this.tracker.mapKeptEvidence(FileEvidence.plain);
  }

  /** Reading history, the log's own clock drives the time-based detectors (once a second of it). */
  private clock(t: number): void {
    const c = this.logClock;
    if (t > c.maxTime || c.ahead === c.ahead) {
      const to = clockTo(c, t);
      if (to === to) {
        c.maxTime = to;
        if (to - c.lastTick >= 1000 && !(to > (this.opts.wallClock?.() ?? to))) this.tick(to, true);
      }
    }
  }

  /**
   * Time passes (the clock in watch): deadlines that passed become findings. `byLog`: the log's own
   * clock ticked (reading history; see SessionTracker.tick).
   */
  tick(now: number, byLog = false): void {
    this.logClock.lastTick = now;
    for (const change of this.tracker.tick(now, byLog)) this.report(change);
  }

  sessions(): SessionSummary[] {
    return this.tracker.summaries();
  }

  /**
   * Was `file` logged at DEBUG (a DEBUG or finer line was read)? Its lack of user turn records then
   * says no turn ended, not that the level hid them.
   */
  atDebug(file: string): boolean {
    return this.debugFiles.has(file) || this.parsers.get(file)?.sawDebug === true;
  }

  files(): FileStats[] {
    return [...this.parsers.values()].map((p) => ({
      file: p.file,
      lines: this.lineCounts.get(p.file) ?? 0,
      formats: Object.fromEntries(p.formatCounts),
      cut: this.cutCounts.get(p.file)?.cut ?? 0,
      cutRaw: this.cutCounts.get(p.file)?.raw ?? 0,
      ...(p.envelope ? { envelope: p.envelope } : {}),
    }));
  }

  private parserFor(file: string): FileParser {
    let p = this.parsers.get(file);
    if (!p) {
      const live = this.opts.live;
      const onZone = this.opts.onZone;
      p = new FileParser(file, {
        format: this.opts.format,
        baseTime: this.opts.baseTime?.(file),
        live: live && (() => live(file)),
        onZone: onZone && ((ms) => onZone(file, ms)),
        // Every event is wanted when someone listens to them; otherwise lines may be taken in bulk.
        bulk: this.opts.onEvent ? undefined : (this.bulkHooks as BulkHooks<unknown>),
      });
      this.parsers.set(file, p);
    }
    return p;
  }

  private report(change: Change): void {
    const cb = this.opts.onFinding;
    if (!cb) return;
    if (change.escalated.length === 0 || change.created.length === 0) {
      for (const f of change.created) cb(f, 'created');
      for (const f of change.escalated) if (!change.created.includes(f)) cb(f, 'escalated');
    } else {
      // One change may make a root critical and create what it led to: an error close escalates the
      // provider error that caused it and creates closed_with_error. The root goes first, so that
      // the alert policy, which keeps a consequence of an alerted root quiet, alerts once, for it.
      const said: [Finding, 'created' | 'escalated'][] = change.created.map((f) => [f, 'created']);
      for (const f of change.escalated) if (!change.created.includes(f)) said.push([f, 'escalated']);
      said.sort(
        (a, b) => Number(a[0].consequenceOf !== undefined) - Number(b[0].consequenceOf !== undefined),
      );
      for (const [f, how] of said) cb(f, how);
    }
    for (const f of change.recovered ?? []) cb(f, 'recovered');
  }
}
