// The bulk reader: the hot path of `analyze`. Most lines of an agent log are chatter and turn
// markers of a job already known, in one of the frameworks' exact layouts — agents-js `start`
// (pino JSON: `{"level":…,"time":…,"pid":…,"hostname":…,"jobID":…,"room_id":…, …,"msg":…}`),
// livekit-agents `dev` text (`YYYY-MM-DD HH:MM:SS,mmm - LEVEL logger - message {extras + job stamp}`)
// livekit-agents `start` JSON (`{"message": …, "level": …, "name": …, extras, job stamp, code.*,
// "timestamp": …}`) or agents-js `dev` output (pino-pretty: `[HH:MM:ss.SSS] LEVEL (pid): message`,
// then `    jobID: …`, `    room_id: …` and one-line fields, a record taken with its lines). Given a chunk of a file, it takes runs of such lines straight from their bytes —
// no line object, no decoded text, no regular expression — and stops at the first line it cannot
// prove it reads exactly as the full path would (FileParser.push → classify →
// SessionTracker.ingest); that line takes the full path.
//
// The bytes are read by a WebAssembly classifier (src/core/wasm/scan.ts, driven by classifier.ts,
// perhaps on another thread: prefetch.ts), which gives a record for each line that may be taken;
// this side decides, record by record, in order. A job (its key: pid, host, job id and room, or the
// Python job stamp) is trusted only once the tracker says attributing its lines would change
// nothing (`bulkOwner`), until attribution changes (the tracker's epoch). A message is taken only
// when no rule reads its fields: chatter just moves its session's span; a reply begun, speech
// played out and a user's turn end fold straight into the tracker (`ingestMarker`,
// `ingestUserTurn`: what `ingest` does with such an event, of which nothing but its time and
// evidence is read), and so do Python's conversation items and metrics records (`ingestMetrics`),
// whose fields the classifier reads when the line is valid JSON; the log's clock moves and ticks as
// `emit` would move it before each line. The first line without a record, or whose job is not
// trusted, ends a run and takes the full path. A line has no record when it holds an escape other
// than colour codes (none at all in JSON) or a C1 control, is a warning or worse, has a message a
// rule reads, names a room (or, in Python JSON, a job, pid or room anywhere but in its job stamp),
// is too long, or is the last line of a chunk in dev text (the next line must be seen, to know it
// continues nothing).

import type { AgentEvent, TurnMetrics } from '../../shared/events.js';
import type { Evidence } from '../../shared/types.js';
import { EVIDENCE_MAX } from '../classify.js';
import { fstatSync } from 'node:fs';
import type { ChunkSpan } from '../logs/lines.js';
import {
  AUX_AUDIO,
  AUX_EOU,
  AUX_ROLE,
  AUX_SID,
  AUX_SID_END,
  AUX_SID_ESC,
  AUX_TRANSCRIPTION,
  AUX_TTFB,
  AUX_TTFT,
  KIND_FIELDS,
  MAX_BULK_LINE,
  REC_END,
  REC_F64,
  REC_FORMAT_MASK,
  REC_HASH,
  REC_MORE,
  REC_I32,
  REC_MSG,
  REC_NEXT,
  REC_OWNER,
  REC_PACKED,
  REC_START,
  REC_STRIPPED,
  REC_TIME,
  define,
  newIdSpace,
  theClassifier,
  type IdSpace,
  type Message,
  type Records,
} from './classifier.js';
import { FileEvidence, type SourceFile } from './file-evidence.js';
import { readAhead, type ChunkReader } from './prefetch.js';

/**
 * The log's clock, kept by the pipeline: its latest time, when it last ticked, and a time more than
 * LEAP_MS ahead of it that one line gave and no second line has confirmed yet (NaN when none).
 */
export interface LogClock {
  maxTime: number;
  lastTick: number;
  ahead: number;
}

/**
 * How far one line may move the log's clock on its own. A line stamped further ahead (a skewed
 * clock, a corrupt time) moves it only when the next line is as far ahead too: one bad timestamp
 * must not make every other session's deadlines pass at once.
 */
export const LEAP_MS = 60_000;

/**
 * The time the clock moves to for a line at `t`, or NaN when it stays (what the full path and the
 * bulk reader both call, so that they move it alike).
 */
export function clockTo(c: LogClock, t: number): number {
  if (!(t > c.maxTime + LEAP_MS) || c.maxTime === Number.NEGATIVE_INFINITY) {
    c.ahead = Number.NaN;
    return t > c.maxTime ? t : Number.NaN;
  }
  const first = c.ahead;
  if (first !== first) {
    c.ahead = t;
    return Number.NaN;
  }
  c.ahead = Number.NaN;
  return first < t ? first : t;
}

/** What the bulk reader needs from the pipeline: attribution, the log's clock, where lines go. */
export interface BulkHooks<S> {
  /** When this changes, an owner approved before may no longer be one. */
  epoch(): number;
  /**
   * Is the session of an owner approved before still open? A closed one's lines may start the
   * next session: they take the full path. (Checked per line rather than by the epoch: a log of
   * many sessions closes one every few seconds, and each close would have every owner approved
   * again.)
   */
  open(s: S): boolean;
  /** The session that owns such a line when attributing it would change nothing, else undefined. */
  owner(
    job: string,
    pid: number | undefined,
    roomSid: string | undefined,
    roomName: string | undefined,
    file: string,
  ): S | undefined;
  /** A chatter line of `s` at `t`: its span reaches it. */
  span(s: S, t: number): void;
  /** `n` chatter lines were read (each an event nobody reads but for its time). */
  counted(n: number): void;
  clock: LogClock;
  /** The lines of `file` read so far reached `t` (before a tick, and at the end of a scan). */
  fileTime(file: string, t: number): void;
  /** Log time reached `t`, a second after the last tick: tick (as emit would before the line). */
  tick(t: number): void;
  /** A user's turn end of `s` at `t`, with its evidence (the clock has already moved to its time). */
  userTurn(s: S, t: number, evidence: Evidence): void;
  /**
   * A reply begun or speech played out by `s` at `t` (no event: neither keeps its evidence): a
   * marker, or an assistant's conversation item.
   */
  marker(s: S, kind: 'agent_turn' | 'agent_speech', t: number, via: 'marker' | 'item'): void;
  /** A metrics record of `s` at `t`: its metrics and evidence (the clock has already moved). */
  metrics(s: S, t: number, m: TurnMetrics, evidence: Evidence): void;
}

/** A chunk's records, and what their ids mean (the definitions of the chunk already applied). */
export interface ChunkRecords extends Records {
  space: IdSpace;
  /**
   * Lines without a record whose event the prefetch worker made (by their start, ascending). Always
   * present, so that every chunk's records have one shape (the bulk loop stays optimized).
   */
  full: Prepared[] | undefined;
}

/**
 * A line of a chunk that the full path would read alone — JSON, or dev text with its date, whose
 * next line begins another record — read on the prefetch worker by the full path's own code
 * (FileParser.eventOf): its event, but for its time when it has none (NaN) and where its evidence
 * is. The bulk reader folds it where it would have stopped, as the full path would.
 */
export interface Prepared {
  start: number;
  /** Where the next record begins. */
  next: number;
  /** Its lines (a pino-pretty record's fields are lines of their own). */
  lines: number;
  ev: AgentEvent;
  /** Its time of day, when its header has only that (the parser's day clock dates it). */
  dayMs: number | undefined;
}

let folded = 0;
/** Lines the worker read by the full path that a bulk reader folded, in this process (for tests). */
export function preparedFolded(): number {
  return folded;
}

/** The bulk reader's format numbers (see BulkReader.counts), by format. */
const FORMAT_NUMBER: Partial<Record<string, number>> = {
  'pino-json': 1,
  'python-text': 2,
  'python-json': 3,
  'pino-pretty': 4,
};

/** The ids of the classifier on this thread. */
const here = newIdSpace();

/**
 * The records of a chunk classified on this thread (one not read ahead by prefetch.ts); null when
 * it cannot be (too large, or no WebAssembly): then its lines take the full path.
 */
export function classifyHere(
  buf: Buffer,
  from: number,
  to: number,
  limit: number,
  formats: number,
): ChunkRecords | null {
  const c = theClassifier();
  if (c === null || to > c.inCap) return null;
  const r = c.classify(buf, from, to, limit, formats);
  define(here, r);
  return {
    space: here,
    count: r.count,
    i32: r.i32,
    f64: r.f64,
    text: r.text,
    textUsed: r.textUsed,
    full: undefined,
  };
}

/** Is the WebAssembly classifier here? (Without it analyze reads every line by the full path.) */
export function bulkAvailable(): boolean {
  return theClassifier() !== null;
}

export class BulkReader<S> {
  /** Lines taken by the last `scan`. */
  taken = 0;
  /**
   * Records taken per format (1 pino JSON, 2 dev text, 3 Python JSON, 4 pino-pretty) by the last
   * `scan`, and the formats in the order they first came in it.
   */
  readonly counts = [0, 0, 0, 0, 0];
  readonly order: number[] = [];
  /** Time of the last line taken (when any was). */
  lastTime = Number.NaN;
  /** A DEBUG (or finer) line was taken. */
  sawDebug = false;
  private chunk = -1;
  /** The last line foldPrepared folded: its time, as it dated it, and its lines. */
  private preparedTime = Number.NaN;
  private preparedLines = 0;
  /** Where foldPrepared looks in the chunk's `full` (the first not folded yet). */
  private preparedAt = 0;
  private recs: ChunkRecords | null = null;
  private cursor = 0;
  /** Per owner id: the session it was approved for, and at which epoch (of `trustSpace`'s generation). */
  private trustS: (S | undefined)[] = [];
  private trustEpoch = new Float64Array(0);
  private trustSpace: IdSpace | undefined;
  private trustGen = -1;
  private readonly flags: number;
  /** Records of chunks read ahead (prefetch.ts): undefined for a chunk it did not read. */
  private prefetched: ((buf: Buffer) => ChunkRecords | null | undefined) | undefined;
  /**
   * The file, when it is a regular file read by its own bytes (read ahead): the evidence of the
   * lines taken is then read from it when it is asked for (FileEvidence), not decoded as they are.
   */
  private source: SourceFile | undefined;

  constructor(
    private readonly file: string,
    private readonly hooks: BulkHooks<S>,
    /** Which layouts to take: `pino-json`, `python-text`, `python-json`, `pino-pretty`. */
    private readonly formats: { pino: boolean; py: boolean; pyjson: boolean; pretty: boolean },
    /** Called before a scan takes its first line (the parser completes a record it holds). */
    private readonly beforeFirst: () => void,
    /** The time of a pino-pretty header at this time of day (the parser's DayClock, as the full path dates it). */
    private readonly dayTime: (dayMs: number) => number,
    /** The parser's last time (a line without one has it), and where its events go (a prepared line's). */
    private readonly parser: { lastTime(): number; emit(ev: AgentEvent): void } = {
      lastTime: () => Number.NaN,
      emit: () => undefined,
    },
  ) {
    this.flags =
      (formats.pino ? 1 : 0) | (formats.py ? 2 : 0) | (formats.pyjson ? 4 : 0) | (formats.pretty ? 8 : 0);
  }

  /**
   * Takes whole lines of `buf[from, to)` (chunk number `chunk` of this file; the first is line
   * `line + 1` at byte `offset`) for as long as it can; returns where it stopped (the start of a
   * line it did not take, or of the partial line at the end). `taken`, `counts` and `lastTime` say
   * what it took.
   */
  scan(...span: ChunkSpan): number {
    const [buf, chunk, from, to, line, offset, maxLine] = span;
    this.taken = 0;
    const counts = this.counts;
    counts[1] = counts[2] = counts[3] = counts[4] = 0;
    this.order.length = 0;
    if (from >= to) return from;
    // A line that starts with `{` or a digit never continues the record before it, so that record
    // is complete: the parser emits it now, as the full path would on this line.
    const c0 = buf[from] as number;
    if (
      c0 === 123
        ? !this.formats.pino && !this.formats.pyjson
        : c0 === 91
          ? !this.formats.pretty
          : !(c0 >= 48 && c0 <= 57) || !this.formats.py
    )
      return from;
    this.beforeFirst();
    if (this.chunk !== chunk) {
      this.chunk = chunk;
      const pre = this.prefetched?.(buf);
      this.recs =
        pre !== undefined ? pre : classifyHere(buf, from, to, Math.min(maxLine, MAX_BULK_LINE), this.flags);
      this.cursor = 0;
      this.preparedAt = 0;
    }
    const r = this.recs;
    if (r === null) return from;
    const space = r.space;
    this.trustIn(space);
    const { i32, f64, count } = r;
    let trustS = this.trustS;
    let trustEpoch = this.trustEpoch;
    let k = this.cursor;
    while (k < count && (i32[k * REC_I32 + REC_START] as number) < from) k++;
    const hooks = this.hooks;
    const clock = hooks.clock;
    let epoch = hooks.epoch();
    let pos = from;
    let taken = 0;
    let chatter = 0;
    let lastTime = this.parser.lastTime();
    let sawDebug = this.sawDebug;
    // The latest time of this file's lines taken here (its clock, told before a tick and at the end).
    let fileMax = Number.NEGATIVE_INFINITY;
    for (; ; k++) {
      const b = k * REC_I32;
      // A line between the last one taken and this record has none: it takes the full path, or
      // is folded here when the worker read it so.
      if (k >= count || i32[b + REC_START] !== pos) {
        // Every statement here runs at the end of each chunk, when there is none too (the time
        // unchanged, no lines): the loop is compiled with all of them, and the first such line,
        // which may come long after, does not send it back to be compiled again.
        const next = this.foldPrepared(r, pos, lastTime, line + taken + 1, offset + (pos - from));
        lastTime = this.preparedTime;
        taken += this.preparedLines;
        // Folding it may have changed attribution.
        epoch = hooks.epoch();
        k--;
        if (next < 0) {
          k++;
          break;
        }
        pos = next;
        continue;
      }
      const id = i32[b + REC_OWNER] as number;
      let s = trustEpoch[id] === epoch ? trustS[id] : undefined;
      if (s === undefined || !hooks.open(s)) {
        if ((s = this.approve(space, id, epoch)) === undefined) break;
        trustS = this.trustS;
        trustEpoch = this.trustEpoch;
      }
      const packed = i32[b + REC_PACKED] as number;
      const format = (packed >> 2) & REC_FORMAT_MASK;
      // Its level (pino's numbers: DEBUG is 20) is in bits 5 to 10: looked at until one is DEBUG.
      if (!sawDebug && ((packed >> 5) & 63) <= 20) sawDebug = true;
      // A pino-pretty header has a time of day: dated as the full path's DayClock dates it.
      const t =
        format === 4
          ? this.dayTime(f64[k * REC_F64 + REC_TIME] as number)
          : (f64[k * REC_F64 + REC_TIME] as number);
      if (t > fileMax) fileMax = t;
      // The clock moves before the line, as `emit` moves it; a tick may change attribution.
      if (t > clock.maxTime || clock.ahead === clock.ahead) {
        const to = clockTo(clock, t);
        if (to !== to) {
          // it stays
        } else if (to - clock.lastTick >= 1000) {
          hooks.fileTime(this.file, fileMax);
          hooks.tick(to);
          const e = hooks.epoch();
          if (e !== epoch) {
            epoch = e;
            if ((s = this.approve(space, id, epoch)) === undefined) break;
          }
        } else clock.maxTime = to;
      }
      const kind = packed & 3;
      // pino-pretty messages are in the Python JSON table (read alike).
      const table = format === 4 ? 3 : format;
      if (kind === 2) {
        const m = (space.messages[table] as (Message | null | undefined)[])[i32[b + REC_MSG] as number];
        if (!m) break;
        if (m.kind === 'agent_turn' || m.kind === 'agent_speech') hooks.marker(s, m.kind, t, 'marker');
        else this.userTurnEnd(s, buf, r, b, t, packed, line + taken + 1, offset + (pos - from));
      } else if (kind === KIND_FIELDS) {
        const m = (space.messages[table] as (Message | null | undefined)[])[i32[b + REC_MSG] as number];
        if (!m) break;
        if (this.withFields(s, m, buf, r, b, t, line + taken + 1, offset + (pos - from))) chatter++;
      } else {
        hooks.span(s, t);
        chatter++;
      }
      // A pino-pretty record spans its fields' lines too.
      taken += 1 + (i32[b + REC_MORE] as number);
      lastTime = t;
      if ((counts[format] as number) === 0) this.firstOf(format);
      counts[format] = (counts[format] as number) + 1;
      pos = i32[b + REC_NEXT] as number;
    }
    this.cursor = k;
    this.taken = taken;
    this.sawDebug = sawDebug;
    if (fileMax > Number.NEGATIVE_INFINITY) hooks.fileTime(this.file, fileMax);
    if (taken > 0) {
      this.lastTime = lastTime;
      hooks.counted(chatter);
    }
    return pos;
  }

  /**
   * The line at `pos` when the worker read it by the full path (`r.full`), folded where the loop
   * reached it (its evidence at `line` and `offset`): where the next record begins (its lines in
   * `preparedLines`, its time in `preparedTime`), or -1 when there is none (the line takes the
   * full path here).
   */
  private foldPrepared(r: ChunkRecords, pos: number, lastTime: number, line: number, offset: number): number {
    this.preparedTime = lastTime;
    this.preparedLines = 0;
    const full = r.full;
    if (full === undefined) return -1;
    // (Lines are folded in order within a chunk: preparedAt starts at 0 with each.)
    let fi = this.preparedAt;
    while (fi < full.length && (full[fi] as Prepared).start < pos) fi++;
    this.preparedAt = fi;
    const p = full[fi];
    if (p === undefined || p.start !== pos) return -1;
    const ev = p.ev;
    const format = FORMAT_NUMBER[ev.format];
    if (format === undefined) return -1;
    this.preparedAt = fi + 1;
    // As FileParser.push / hold date it, and as lineEvent / evidenceOf place its evidence.
    if (p.dayMs !== undefined) ev.time = this.dayTime(p.dayMs);
    if (ev.time !== ev.time) ev.time = lastTime;
    this.preparedTime = ev.time;
    // In the shape evidenceOf makes (the copy the worker posted has another, and the tracker reads
    // every event's evidence).
    ev.evidence = { file: this.file, line, offset, text: ev.evidence.text };
    this.parser.emit(ev);
    folded++;
    if ((this.counts[format] as number) === 0) this.firstOf(format);
    this.counts[format] = (this.counts[format] as number) + 1;
    this.preparedLines = p.lines;
    return p.next;
  }

  /** Owners are trusted per id space (and its generation); room for every id of `space`. */
  private trustIn(space: IdSpace): void {
    if (this.trustSpace !== space || this.trustGen !== space.generation) {
      this.trustSpace = space;
      this.trustGen = space.generation;
      // Dense (ids are approved in any order: reads stay fast), and as large as the ids a file
      // uses: a reader per file, and a directory may hold thousands of one-job files.
      this.trustS = [];
      this.trustEpoch = new Float64Array(0);
    }
    // Every id of this chunk is in range: a read past the end would undo the loop's optimization.
    if (space.owners.length > this.trustEpoch.length) this.trustFor(space.owners.length);
  }

  /** The first record of `format` in this scan. */
  private firstOf(format: number): void {
    this.order.push(format);
  }

  /**
   * Reading the file to its end from `pos`: its chunks read and classified ahead on the worker
   * (prefetch.ts); undefined when that cannot be.
   */
  readAhead(fd: number, pos: number, chunk: number, maxLine: number): ChunkReader | undefined {
    const r = readAhead(fd, pos, chunk, Math.min(maxLine, MAX_BULK_LINE), this.flags);
    if (r) {
      this.prefetched = (buf) => r.records(buf);
      try {
        const st = fstatSync(fd);
        if (st.isFile()) this.source = { path: this.file, dev: st.dev, ino: st.ino };
      } catch {
        // its evidence is decoded as it is read
      }
    }
    return r;
  }

  /**
   * The file was read to its end: what is kept for reading on (the last chunk's records, what was
   * approved) is let go. Reading on after it still works, from scratch.
   */
  release(): void {
    this.chunk = -1;
    this.recs = null;
    this.cursor = 0;
    this.prefetched = undefined;
    this.source = undefined;
    this.trustS = [];
    this.trustEpoch = new Float64Array(0);
    this.trustSpace = undefined;
    this.trustGen = -1;
  }

  /** Room for owner ids below `n` (at least), keeping what is remembered. */
  private trustFor(n: number): void {
    let size = Math.max(64, this.trustEpoch.length);
    while (size < n) size *= 2;
    if (size === this.trustEpoch.length) return;
    const epochs = new Float64Array(size).fill(-1);
    epochs.set(this.trustEpoch);
    this.trustEpoch = epochs;
    for (let i = this.trustS.length; i < size; i++) this.trustS.push(undefined);
  }

  /** Is attributing a line of owner `id` a no-op now? Its session, remembered for this epoch. */
  private approve(space: IdSpace, id: number, epoch: number): S | undefined {
    const o = space.owners[id];
    if (!o) return undefined;
    const s = this.hooks.owner(o.job, o.pid, o.roomSid, o.roomName, this.file);
    if (s !== undefined) {
      if (id >= this.trustEpoch.length) this.trustFor(id + 1);
      this.trustS[id] = s;
      this.trustEpoch[id] = epoch;
    }
    return s;
  }

  /**
   * A Python conversation item or metrics record, folded as `classify` reads it (its fields as the
   * classifier read them: see scan.ts, `fields`); true when it is only chatter (an item of another
   * role).
   */
  private withFields(
    s: S,
    m: Message,
    buf: Buffer,
    r: ChunkRecords,
    b: number,
    t: number,
    line: number,
    offset: number,
  ): boolean {
    const aux = r.text;
    const at = (r.i32[b + REC_PACKED] as number) >>> REC_STRIPPED;
    if (m.kind === 'item') {
      const role = aux.readInt32LE(at + AUX_ROLE);
      if (role === 1) this.hooks.userTurn(s, t, this.evidence(buf, r, b, line, offset));
      else if (role === 2) this.hooks.marker(s, 'agent_speech', t, 'item');
      else {
        this.hooks.span(s, t);
        return true;
      }
      return false;
    }
    const metrics: TurnMetrics = { type: m.metrics ?? 'llm' };
    const sid = aux.readInt32LE(at + AUX_SID);
    if (sid >= 0) {
      const end = aux.readInt32LE(at + AUX_SID_END);
      const raw = buf.toString('utf8', sid, end);
      const id = aux.readInt32LE(at + AUX_SID_ESC) !== 0 ? (JSON.parse(`"${raw}"`) as string) : raw;
      if (id.length > 0) metrics.speechId = id.slice(0, 100);
    }
    // As classify's `ms` reads Python's seconds: in milliseconds, to two decimals; -1 is none (and
    // NaN, no such field, is not >= 0 either). In classify's order.
    let v = aux.readDoubleLE(at + AUX_TTFT) * 1000;
    if (v >= 0) metrics.ttftMs = Math.round(v * 100) / 100;
    v = aux.readDoubleLE(at + AUX_TTFB) * 1000;
    if (v >= 0) metrics.ttfbMs = Math.round(v * 100) / 100;
    v = aux.readDoubleLE(at + AUX_EOU) * 1000;
    if (v >= 0) metrics.eouDelayMs = Math.round(v * 100) / 100;
    v = aux.readDoubleLE(at + AUX_TRANSCRIPTION) * 1000;
    if (v >= 0) metrics.transcriptionDelayMs = Math.round(v * 100) / 100;
    v = aux.readDoubleLE(at + AUX_AUDIO) * 1000;
    if (v >= 0) metrics.audioMs = Math.round(v * 100) / 100;
    // Only an EOU record's evidence is kept (the turn it ends); the others' text is not read, so it
    // is not decoded (the differential test checks that what is reported stays the same).
    const evidence: Evidence =
      metrics.type === 'eou'
        ? this.evidence(buf, r, b, line, offset)
        : { file: this.file, line, offset, text: '' };
    this.hooks.metrics(s, t, metrics, evidence);
    return false;
  }

  /** The evidence of a line taken whole (no colour codes in it), as `lineEvent` keeps it. */
  private evidence(buf: Buffer, r: ChunkRecords, b: number, line: number, offset: number): Evidence {
    if (this.source !== undefined) return this.fromFile(r, b, line, offset);
    let text = buf.toString('utf8', r.i32[b + REC_START] as number, r.i32[b + REC_END] as number);
    if (text.length > EVIDENCE_MAX) text = text.slice(0, EVIDENCE_MAX) + '…';
    return { file: this.file, line, offset, text };
  }

  /** The evidence of the record at `b`, its text read from the file when it is asked for. */
  private fromFile(r: ChunkRecords, b: number, line: number, offset: number): Evidence {
    const i32 = r.i32;
    const length = (i32[b + REC_NEXT] as number) - (i32[b + REC_START] as number) - 1;
    return new FileEvidence(
      this.file,
      line,
      offset,
      this.source as SourceFile,
      length,
      i32[b + REC_HASH] as number,
    );
  }

  /**
   * A user's turn end: its evidence, as the full path's event (`lineEvent`) keeps it; nothing else
   * of that event is read, so none is built.
   */
  private userTurnEnd(
    s: S,
    buf: Buffer,
    r: ChunkRecords,
    b: number,
    t: number,
    packed: number,
    line: number,
    offset: number,
  ): void {
    if (this.source !== undefined) {
      this.hooks.userTurn(s, t, this.fromFile(r, b, line, offset));
      return;
    }
    // pino lines with an escape are never taken; dev text loses its colour codes, as the full
    // path's: the classifier wrote the line without them (a line without any is its own text).
    const end = r.i32[b + REC_END] as number;
    const stripped = packed >>> REC_STRIPPED;
    let text =
      stripped > 0
        ? r.text.toString('utf8', end, end + stripped)
        : buf.toString('utf8', r.i32[b + REC_START] as number, end);
    if (text.length > EVIDENCE_MAX) text = text.slice(0, EVIDENCE_MAX) + '…';
    this.hooks.userTurn(s, t, { file: this.file, line, offset, text });
  }
}
