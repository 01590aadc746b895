// FileParser: turns the lines of one file into AgentEvents. It detects each line's format (or
// uses the one forced by --format), joins continuation lines (pretty-printed fields, tracebacks,
// wrapped extras) to the record they belong to, and keeps every line it cannot read as a raw event.
// A record is held until the next line that does not continue it arrives, or the source says the
// file is drained (watching: after a quiet period, logs/tail.ts), so a multi-line record is always
// complete when it is classified.

import type { AgentEvent, FormatId } from '../../shared/events.js';
import { classify, classifyMarker, evidenceOf, lineEvent, MESSAGE_OF_INTEREST } from '../classify.js';
import { stripAnsi, type ChunkSpan } from '../logs/lines.js';
import type { RawLine } from '../logs/types.js';
import { BulkReader, type BulkHooks } from './bulk.js';
import { findEnvelope, jsonEnvelope, unwrapWith, type EnvelopeId, type Unwrapped } from './envelope.js';
import { parseJsonLine, quickJsonLine } from './json.js';
import type { ChunkReader } from './prefetch.js';
import { contextFromFields, DayClock, withDefined, type LogRecord } from './record.js';
import {
  headerToRecord,
  isBlankTimeHeader,
  isContinuation,
  isTracebackStart,
  joinConsoleLines,
  parsePrettyFields,
  localTimeOf,
  parseTextHeader,
  trailingJson,
  type TextFormat,
} from './text.js';
import { ZoneShift } from './zone.js';

const MAX_MORE_LINES = 400;
/** The formats of the bulk reader's records, by number (see BulkReader.counts). */
const BULK_FORMATS: readonly (FormatId | undefined)[] = [
  undefined,
  'pino-json',
  'python-text',
  'python-json',
  'pino-pretty',
];
const MAX_MORE_CHARS = 256 * 1024;
/** How long a line CRI wrote in parts is let grow (the runtime's own parts are 16 KiB). */
const MAX_PARTIAL_CHARS = 1024 * 1024;
/** How many lines in an envelope wait for one with a known record inside before read as they are. */
const MAX_PENDING = 64;
interface PendingLine {
  line: RawLine;
  id: EnvelopeId;
  inner: Unwrapped;
}
/** The line a record is parsed from only to see whether it is one. */
const PROBE: RawLine = { file: '', line: 0, offset: 0, text: '' };

export interface FileParserOptions {
  /** Force one format for every line (`--format`); lines that do not fit it become raw events. */
  format?: FormatId;
  /** Date for formats that print only the time of day (epoch ms of any moment that day). */
  baseTime?: number;
  /**
   * Reading to the end (`analyze`): take runs of chatter and turn markers of known jobs straight
   * from the bytes of a chunk (`scan`), with these hooks into attribution and the pipeline.
   */
  bulk?: BulkHooks<unknown>;
  /**
   * Watching: the wall clock when the lines pushed now are read as they are written (undefined for
   * a backlog). Local times without a zone are then read in the agent's zone, learnt from them
   * (zone.ts); `onZone` hears when that zone's shift from this machine's changes.
   */
  live?: () => number | undefined;
  onZone?: (shiftMs: number) => void;
}

/**
 * Where a parser's events go. `readAt`: watching, when a record that was held for its continuation
 * lines was read as it was written (its event is emitted later, when the record is complete).
 */
export type EmitEvent = (ev: AgentEvent, readAt?: number) => void;

export class FileParser {
  private held: LogRecord | undefined;
  /** When the held record was read as it was written (watching), else undefined. */
  private heldAt: number | undefined;
  private heldFormat: TextFormat | 'json' | 'raw' = 'raw';
  private inTraceback = false;
  private moreChars = 0;
  private lastTime = Number.NaN;
  private readonly clock: DayClock;
  private readonly zone = new ZoneShift();
  /** The extras of the held console record, while they are being wrapped. */
  private readonly extras = new OpenJson();
  /** How many lines matched each format: what `analyze` reports as the file's format. */
  readonly formatCounts: Map<FormatId, number>;
  /**
   * What a collector wraps this file's lines in (envelope.ts): undefined until a line shows one,
   * and then for good. Its lines are read by the full path, out of it.
   */
  envelope: EnvelopeId | undefined;
  /** A CRI line whose entries so far said it goes on (`P`): its first line, and its text so far. */
  private partial: { line: RawLine; text: string } | undefined;
  /** Lines in an envelope read before one showed a known record inside (see `push`). */
  private pending: PendingLine[] = [];
  /**
   * In an envelope, each stream's lines (a compose service's, a journald process's…) are read by a
   * parser of their own: another stream's line between a record's header and its fields does not
   * cut the record. They share this one's format counts.
   */
  private streams: Map<string, FileParser> | undefined;

  /** What is added to this file's local times: its agent's zone against this machine's (watch). */
  get zoneShiftMs(): number {
    if (this.streams)
      for (const st of this.streams.values()) if (st.zone.shiftMs !== 0) return st.zone.shiftMs;
    return this.zone.shiftMs;
  }
  set zoneShiftMs(ms: number) {
    this.zone.shiftMs = ms;
    if (this.streams) for (const st of this.streams.values()) st.zone.shiftMs = ms;
  }

  /** Completes the JSON records held (complete as written), and no other: see Pipeline.caughtUp. */
  completeJson(emit: EmitEvent): boolean {
    let any = false;
    if (this.held !== undefined && this.heldFormat === 'json') {
      this.flushHeld(emit);
      any = true;
    }
    if (this.streams) for (const st of this.streams.values()) any = st.completeJson(emit) || any;
    return any;
  }

  /** Watching: when the record still waiting for its continuation lines was read, if it was read live. */
  heldReadAt(): number | undefined {
    let at = this.held ? this.heldAt : undefined;
    if (this.streams)
      for (const st of this.streams.values()) {
        const t = st.heldReadAt();
        if (t !== undefined && (at === undefined || t < at)) at = t;
      }
    return at;
  }

  /** Where the record still waiting for its continuation lines begins (a checkpoint must not pass it). */
  heldStart(): { offset: number; line: number } | undefined {
    let first: { offset: number; line: number } | undefined;
    for (const l of [this.held?.line, this.partial?.line, this.pending[0]?.line])
      if (l && l.offset !== undefined && (first === undefined || l.offset < first.offset))
        first = { offset: l.offset, line: l.line - 1 };
    if (this.streams)
      for (const st of this.streams.values()) {
        const h = st.heldStart();
        if (h !== undefined && (first === undefined || h.offset < first.offset)) first = h;
      }
    return first;
  }

  /**
   * A line out of the envelope, to its stream's parser. A record with no time of its own takes the
   * last time read in the file, whichever stream it was of (as one parser of the file gives it).
   */
  private toStream(key: string, line: RawLine, text: string, partial: boolean, emit: EmitEvent): void {
    const st = this.stream(key);
    st.lastTime = this.lastTime;
    st.pushUnwrapped(line, text, partial, emit);
    this.lastTime = st.lastTime;
  }

  /** The parser of one stream of this enveloped file (see `streams`). */
  private stream(key: string): FileParser {
    this.streams ??= new Map();
    let st = this.streams.get(key);
    if (st === undefined) {
      st = new FileParser(this.file, { ...this.opts, bulk: undefined }, this.formatCounts);
      st.zone.shiftMs = this.zoneShiftMs;
      this.streams.set(key, st);
    }
    return st;
  }

  constructor(
    readonly file: string,
    private readonly opts: FileParserOptions = {},
    /** Given: this parser reads one stream of an enveloped file, into these counts. */
    streamOf?: Map<FormatId, number>,
  ) {
    this.formatCounts = streamOf ?? new Map();
    this.clock = new DayClock(opts.baseTime ?? Date.now());
    const f = opts.format;
    const formats = {
      pino: f === undefined || f === 'pino-json',
      py: f === undefined || f === 'python-text',
      pyjson: f === undefined || f === 'python-json',
      pretty: f === undefined || f === 'pino-pretty',
    };
    this.bulkReader =
      opts.bulk && (formats.pino || formats.py || formats.pyjson || formats.pretty)
        ? new BulkReader(
            file,
            opts.bulk,
            formats,
            () => this.flush(this.bulkEmit),
            (dayMs) => this.clock.atDayMs(dayMs),
            {
              lastTime: () => this.lastTime,
              emit: (ev) => this.bulkEmit(ev),
            },
          )
        : undefined;
  }

  private readonly bulkReader: BulkReader<unknown> | undefined;
  private bulkEmit: (ev: AgentEvent) => void = () => undefined;

  /**
   * Takes whole lines of `buf[from, to)` that the bulk reader can (see bulk.ts), for as long as it
   * can; returns where it stopped. Every line before `from` must have been pushed already.
   */
  scan(emit: (ev: AgentEvent) => void, ...span: ChunkSpan): { pos: number; taken: number } {
    const from = span[2];
    const b = this.bulkReader;
    // With a forced format, a line after a traceback is part of it: the full path decides. A file in
    // an envelope is read out of it, line by line.
    if (
      b === undefined ||
      this.envelope !== undefined ||
      (this.held !== undefined && this.inTraceback && this.opts.format !== undefined)
    )
      return { pos: from, taken: 0 };
    this.bulkEmit = emit;
    const pos = b.scan(...span);
    if (b.taken > 0) {
      // In the order the formats first appeared, as counting line by line would.
      for (const f of b.order) this.count(BULK_FORMATS[f] as FormatId, b.counts[f]);
      this.lastTime = b.lastTime;
    }
    return { pos, taken: b.taken };
  }

  /**
   * The event the full path makes of the record `lines` alone — no record is held before it, and
   * the line after it begins another — when it is not one the quick JSON path reads (what the
   * prefetch worker prepares: see bulk.ts, `Prepared`); undefined unless they are one record of
   * agents-js or livekit-agents JSON, dev text or pino-pretty. Its time is NaN when its line has
   * none (the reader's last time is its own to give it), and `dayMs` is its time of day when its
   * header has only that (the reader's day clock dates it); its evidence names no file, line or
   * offset. Only for a parser of no forced format that reads nothing else.
   */
  eventOf(lines: RawLine[]): { ev: AgentEvent; dayMs: number | undefined } | undefined {
    const head = lines[0];
    if (this.opts.format !== undefined || head === undefined || head.text.length === 0) return undefined;
    const text = head.text;
    const c0 = text.charCodeAt(0);
    let dayMs: number | undefined;
    if (c0 === 123) {
      if (lines.length !== 1 || quickJsonLine(head, text)) return undefined;
    } else if (c0 === 91) {
      // `[HH:MM:ss…]`: a time of day, dated by the day clock (a date or epoch time is the time).
      const c2 = text.charCodeAt(2);
      if (c2 === 58 || (c2 >= 48 && c2 <= 57 && text.charCodeAt(3) === 58)) dayMs = Number.NaN;
    } else if (!(c0 >= 48 && c0 <= 57 && text.charCodeAt(4) === 45) || lines.length !== 1) return undefined;
    this.held = undefined;
    this.inTraceback = false;
    this.moreChars = 0;
    this.lastTime = Number.NaN;
    this.clock.forget();
    let out: AgentEvent | undefined;
    let n = 0;
    const emit = (ev: AgentEvent): void => {
      out = ev;
      n++;
    };
    for (const l of lines) this.pushRecordLine(l, emit);
    this.flushHeld(emit);
    this.formatCounts.clear();
    if (n !== 1 || out === undefined) return undefined;
    const f = out.format;
    if (f === 'pino-pretty') {
      if (c0 !== 91) return undefined;
      if (dayMs !== undefined) dayMs = out.time - this.clock.midnight;
    } else if (f !== 'pino-json' && f !== 'python-json' && f !== 'python-text') return undefined;
    return { ev: out, dayMs };
  }

  /** Did the bulk reader take a DEBUG (or finer) line? (The full path's lines are events.) */
  get sawDebug(): boolean {
    return this.bulkReader?.sawDebug === true;
  }

  /** The file was read to its end: the bulk reader lets go of what it kept for reading on. */
  release(): void {
    this.bulkReader?.release();
  }

  /** Reading the file to its end: its chunks read and classified ahead (see BulkReader.readAhead). */
  readAhead(fd: number, pos: number, chunk: number, maxLine: number): ChunkReader | undefined {
    return this.bulkReader?.readAhead(fd, pos, chunk, maxLine);
  }

  push(line: RawLine, emit: EmitEvent): void {
    const env = this.envelope;
    if (env !== undefined) {
      const inner = unwrapWith(env, line.text);
      if (inner) this.toStream(inner.key, line, inner.text, inner.partial, emit);
      else this.pushRecordLine(line, emit);
      return;
    }
    // Not in one yet: a line in an envelope whose inside is a known record decides it. Lines in
    // one whose inside is not (yet) wait for that line, a few at most, so that they are read
    // out of the envelope too, and in order.
    const text = line.text;
    const c0 = text.charCodeAt(0);
    const found = c0 <= 32 || (c0 === 123 && !jsonEnvelope(text)) ? undefined : findEnvelope(text);
    if (found === undefined) {
      this.releasePending(emit);
      this.pushRecordLine(line, emit);
      return;
    }
    const pending = this.pending;
    // A line in parts (CRI, docker's json-file) is known by the whole of it.
    let inside = found.inner.text;
    for (let k = pending.length - 1; k >= 0; k--) {
      const q = pending[k] as PendingLine;
      if (q.id !== found.id || !q.inner.partial || q.inner.key !== found.inner.key) break;
      inside = q.inner.text + inside;
    }
    if (!found.inner.partial && this.knownInside(stripAnsi(inside))) {
      this.envelope = found.id;
      this.pending = [];
      // What was read before, out of any envelope, comes first.
      this.flushHeld(emit);
      for (const q of pending)
        if (q.id === found.id) this.toStream(q.inner.key, q.line, q.inner.text, q.inner.partial, emit);
        else this.pushRecordLine(q.line, emit);
      this.toStream(found.inner.key, line, found.inner.text, false, emit);
      return;
    }
    pending.push({ line, id: found.id, inner: found.inner });
    if (pending.length > MAX_PENDING) this.releasePending(emit);
  }

  /** Lines held while the envelope was not known: read as they are (none decided it). */
  private releasePending(emit: EmitEvent): void {
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    for (const q of pending) this.pushRecordLine(q.line, emit);
  }

  /** Is `text` (out of an envelope) the start of a record of a format this parser reads? */
  private knownInside(text: string): boolean {
    const f = this.opts.format;
    if (text.charCodeAt(0) === 123)
      return (
        (f === undefined || f === 'pino-json' || f === 'python-json') &&
        parseJsonLine(PROBE, text) !== undefined
      );
    if (f === 'raw' || f === 'pino-json' || f === 'python-json') return false;
    const h = parseTextHeader(text, new DayClock(0), true);
    return h !== undefined && (f === undefined || h.format === f);
  }

  /** A line's own text, out of its envelope; a CRI entry that goes on waits for the rest. */
  private pushUnwrapped(line: RawLine, text: string, partial: boolean, emit: EmitEvent): void {
    const p = this.partial;
    if (partial) {
      if (p === undefined) this.partial = { line, text };
      else if (p.text.length < MAX_PARTIAL_CHARS) p.text += text;
      return;
    }
    this.partial = undefined;
    // (Escape sequences are taken out of the whole: one may be cut between two parts, and a JSON
    // envelope's text was not the tailer's to clean.)
    const whole = stripAnsi(p !== undefined ? p.text + text : text);
    const at = p !== undefined ? p.line : line;
    // journald keeps a message of several lines as one entry: they are read as the lines they are.
    if (whole.includes('\n'))
      for (const piece of whole.split('\n'))
        this.pushRecordLine({ ...at, text: piece.replace(/\r$/, '') }, emit);
    // (A line's CR is not part of it: see RawLine.)
    else this.pushRecordLine({ ...at, text: whole.endsWith('\r') ? whole.slice(0, -1) : whole }, emit);
  }

  /** One line of records (out of any envelope): a record of its own, or part of the one held. */
  private pushRecordLine(line: RawLine, emit: EmitEvent): void {
    const text = line.text;
    if (this.held && this.continues(text)) {
      if (this.heldFormat === 'python-console') this.extras.feed(text);
      if (this.held.more === undefined) this.held.more = [];
      if (this.held.more.length < MAX_MORE_LINES && this.moreChars < MAX_MORE_CHARS) {
        this.held.more.push(text);
        this.moreChars += text.length;
      }
      return;
    }
    this.flushHeld(emit);
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0)) return;
    // Most lines of a JSON log are chatter no rule reads: take them without a full parse.
    if (
      text.charCodeAt(0) === 123 &&
      (this.opts.format === undefined ||
        this.opts.format === 'pino-json' ||
        this.opts.format === 'python-json')
    ) {
      const quick = quickJsonLine(line, text);
      if (quick) {
        if (this.opts.format) quick.format = this.opts.format;
        this.count(quick.format);
        if (Number.isNaN(quick.time)) quick.time = this.lastTime;
        else this.lastTime = quick.time;
        emit(quick.marker ? classifyMarker(quick) : lineEvent(quick, 'log'));
        return;
      }
    }
    const rec = this.parseHeader(line);
    if (rec) {
      this.hold(
        rec,
        rec.format === 'pino-json' || rec.format === 'python-json' ? 'json' : (rec.format as TextFormat),
      );
      return;
    }
    const raw: LogRecord = { format: 'raw', time: this.lastTime, message: text, fields: {}, ctx: {}, line };
    if (isTracebackStart(text)) {
      raw.level = 'error';
      this.hold(raw, 'raw');
      this.inTraceback = true;
      return;
    }
    this.count('raw');
    // Text of no known layout may still be a framework message (a crash printed to stderr).
    emit(MESSAGE_OF_INTEREST.test(text) ? classify(raw) : classifyRaw(raw));
  }

  /**
   * Emits the held record, if any (and what waits for an envelope to be known, or for the rest of
   * its line): call when the source is drained or at end of input.
   */
  flush(emit: EmitEvent): void {
    this.releasePending(emit);
    const p = this.partial;
    if (p !== undefined) {
      this.partial = undefined;
      this.pushRecordLine({ ...p.line, text: stripAnsi(p.text) }, emit);
    }
    this.flushHeld(emit);
    if (this.streams) for (const st of this.streams.values()) st.flush(emit);
  }

  private flushHeld(emit: EmitEvent): void {
    const r = this.held;
    if (!r) return;
    const at = this.heldAt;
    this.held = undefined;
    this.inTraceback = false;
    this.moreChars = 0;
    let joined: ReturnType<typeof joinConsoleLines>;
    if (r.extrasText !== undefined) {
      if (!r.more) {
        emit(r.marker ? classifyMarker(r) : lineEvent(r, 'log'), at);
        return;
      }
      // Continuation lines after all: read the extras properly.
      const t = trailingJson(r.extrasText);
      if (t) {
        r.fields = t.value;
        r.ctx = withDefined(contextFromFields(t.value), r.ctx);
      }
    }
    if (r.format === 'raw') {
      emit(classifyRaw(r), at);
      return;
    }
    if (r.more && r.format === 'pino-pretty') {
      const fields = parsePrettyFields(r.more);
      r.fields = { ...fields, ...r.fields };
      const ctx = contextFromFields(fields);
      r.ctx = withDefined(ctx, r.ctx);
    } else if (r.more && r.format === 'python-console' && (joined = joinConsoleLines(r.message, r.more))) {
      r.message = joined.message;
      if (joined.extras && Object.keys(r.fields).length === 0) {
        r.fields = joined.extras;
        r.ctx = withDefined(contextFromFields(joined.extras), r.ctx);
      }
    } else if (
      r.more &&
      (r.format === 'python-text' || r.format === 'python-console') &&
      Object.keys(r.fields).length === 0
    ) {
      // A multi-line message carries its extras at the end of its last line (before exc_info).
      for (const l of r.more) {
        const t = trailingJson(l);
        if (t) {
          r.fields = t.value;
          r.ctx = withDefined(contextFromFields(t.value), r.ctx);
          break;
        }
      }
    }
    emit(classify(r), at);
  }

  private hold(rec: LogRecord, kind: TextFormat | 'json' | 'raw'): void {
    this.count(rec.format);
    if (Number.isNaN(rec.time)) rec.time = this.lastTime;
    else this.lastTime = rec.time;
    this.held = rec;
    this.heldAt = this.opts.live?.();
    this.heldFormat = kind;
    this.inTraceback = false;
    this.extras.reset();
  }

  private count(f: FormatId, n = 1): void {
    this.formatCounts.set(f, (this.formatCounts.get(f) ?? 0) + n);
  }

  private continues(text: string): boolean {
    const held = this.held;
    if (!held) return false;
    if (this.heldFormat === 'json' || this.heldFormat === 'raw') {
      // JSON records are one line; only a traceback printed after an error line joins it.
      if (isTracebackStart(text)) {
        if (this.inTraceback || held.level === 'error' || held.level === 'fatal' || held.level === 'warn') {
          this.inTraceback = true;
          return true;
        }
        return false;
      }
      return this.inTraceback && isContinuation('python-text', text);
    }
    if (this.opts.format !== undefined || !this.looksLikeHeader(text)) {
      if (isTracebackStart(text)) this.inTraceback = true;
      return (
        isContinuation(this.heldFormat, text) ||
        (this.inTraceback && text.length > 0) ||
        (this.heldFormat === 'python-console' && this.extras.open)
      );
    }
    return false;
  }

  private looksLikeHeader(text: string): boolean {
    const c0 = text.charCodeAt(0);
    if (c0 === 32 && this.heldFormat === 'python-console') return isBlankTimeHeader(text);
    return c0 === 123 || c0 === 91 || c0 === 13 || (c0 >= 48 && c0 <= 57);
  }

  private parseHeader(line: RawLine): LogRecord | undefined {
    const text = line.text;
    const forced = this.opts.format;
    const c0 = text.charCodeAt(0);
    if (forced === undefined || forced === 'pino-json' || forced === 'python-json') {
      if (c0 === 123 /* { */) {
        const r = parseJsonLine(line, text);
        if (r) {
          if (forced) r.format = forced;
          return r;
        }
      }
      if (forced) return undefined;
    }
    if (forced === 'raw') return undefined;
    const h = parseTextHeader(text, this.clock, true);
    if (!h || (forced !== undefined && h.format !== forced)) return undefined;
    const live = this.opts.live;
    if (live) {
      const local = localTimeOf(h, text);
      if (local !== undefined) {
        const r = this.zone.adjust(h.time, local === 'dated', live());
        h.time = r.time;
        if (r.changed) this.opts.onZone?.(this.zone.shiftMs);
      }
    }
    return headerToRecord(h, line);
  }
}

/**
 * Where the extras of a console record stand: rich prints extras that do not fit on a line of
 * their own, and hard-wraps them from column 0 (at a space when it can, so the pieces are of any
 * length). Their lines go on until the JSON object closes: followed through its strings and
 * brackets, line by line.
 */
class OpenJson {
  open = false;
  private started = false;
  private depth = 0;
  private inString = false;
  private escaped = false;

  reset(): void {
    this.open = this.started = this.inString = this.escaped = false;
    this.depth = 0;
  }

  /** A continuation line of the held console record. */
  feed(text: string): void {
    let i = 0;
    if (!this.started) {
      if (!/^ +\{"/.test(text)) return;
      this.started = true;
      i = text.indexOf('{');
    } else if (!this.open) return;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
      } else if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if ((c === 125 || c === 93) && --this.depth === 0) {
        this.open = false;
        return;
      }
    }
    this.open = this.depth > 0;
  }
}

function classifyRaw(r: LogRecord): AgentEvent {
  const ev: AgentEvent = {
    kind: 'log',
    time: r.time,
    ctx: r.ctx,
    format: 'raw',
    message: r.message,
    evidence: evidenceOf(r),
  };
  if (r.level) ev.level = r.level;
  return ev;
}
