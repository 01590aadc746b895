// LineSplitter: turns the byte chunks of one file into RawLines — the hot path of `analyze`.
// Newlines are found with Buffer.indexOf (memchr); each line is decoded once (invalid UTF-8 becomes
// U+FFFD), its CR and ANSI escape sequences removed. A line longer than the cap is cut with a
// visible marker and the rest of it is skipped without being buffered, so memory stays bounded.

import type { RawLine } from './types.js';

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/**
 * What became of `cut` lines longer than the cap, `raw` of them read by no format: `1 line over
 * 1 MiB was cut and kept as raw` (what `analyze` and `watch` say of a file once).
 */
export function cutLinesText(cut: number, raw: number, cap = DEFAULT_MAX_LINE_BYTES): string {
  const size = cap % 1048576 === 0 ? `${cap / 1048576} MiB` : `${cap.toLocaleString('en-US')} bytes`;
  const lines =
    cut === 1 ? `1 line over ${size} was cut` : `${cut.toLocaleString('en-US')} lines over ${size} were cut`;
  if (raw >= cut) return `${lines} and kept as raw`;
  const head = ` to ${cut === 1 ? 'its' : 'their'} first ${size}`;
  return raw === 0 ? lines + head : `${lines}${head} (${raw.toLocaleString('en-US')} kept as raw)`;
}

// CSI (ESC [ … final), OSC (ESC ] … BEL or ST) and two-byte escapes; the C1 CSI (U+009B) too.
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  const esc = text.indexOf('\x1b');
  if (esc < 0) return text.includes('\x9b') ? text.replace(ANSI, '') : text;
  // Colour codes on every line of a dev log: a hand-written scan beats the regex by a wide margin.
  let out = '';
  let last = 0;
  const len = text.length;
  for (let i = esc; i >= 0; i = text.indexOf('\x1b', last)) {
    out += text.slice(last, i);
    let j = i + 1;
    const c = text.charCodeAt(j);
    if (c === 91 /* [ */) {
      j++;
      while (j < len && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x3f) j++;
      while (j < len && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
      if (j < len && text.charCodeAt(j) >= 0x40 && text.charCodeAt(j) <= 0x7e) j++;
    } else if (c === 93 /* ] */) {
      j++;
      while (j < len && text.charCodeAt(j) !== 7 && text.charCodeAt(j) !== 27) j++;
      if (text.charCodeAt(j) === 7) j++;
      else if (text.charCodeAt(j) === 27 && text.charCodeAt(j + 1) === 92) j += 2;
    } else if (c >= 0x40 && c <= 0x5f) j++;
    last = j;
  }
  out += text.slice(last);
  return out.includes('\x9b') ? out.replace(ANSI, '') : out;
}

/**
 * A line whose text is decoded only when read (reading a log to its end, `analyze`: the lines the
 * bulk reader stops at). The bytes are valid only while the chunk they came from is being handled
 * (the reader reuses its buffer), so a consumer reads `text` at once or not at all — FileParser does.
 */
export class LazyLine implements RawLine {
  private decoded: string | undefined;
  constructor(
    readonly file: string,
    readonly line: number,
    readonly offset: number,
    /** The chunk and the line's bytes in it (CR excluded). */
    readonly buf: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}
  get text(): string {
    if (this.decoded === undefined) this.decoded = stripAnsi(this.buf.toString('utf8', this.start, this.end));
    return this.decoded;
  }
}

/**
 * Takes runs of whole lines straight from a chunk's bytes (analyze's bulk reader, which lives with
 * the parser): the splitter offers it each stretch of whole lines and emits as RawLines only the
 * lines it stops at.
 */
export interface ChunkScanner {
  /** Returns where it stopped, the start of a line. */
  scan(...span: ChunkSpan): number;
  /** How many lines the last `scan` took. */
  taken: number;
  /**
   * Reading a file of `size` bytes to its end from `pos` in chunks of `chunkBytes`: chunks read
   * ahead (on another thread), in order, for the reader to use instead of reading them itself;
   * undefined to read them itself.
   */
  readAhead?(
    fd: number,
    pos: number,
    chunkBytes: number,
    maxLine: number,
    size: number,
  ): ChunkSource | undefined;
}

/** Chunks of a file read ahead (see ChunkScanner.readAhead). */
export interface ChunkSource {
  /**
   * The next chunk (valid until the next call; empty at the end of the file), or null when the
   * reader must read the rest itself from where the last chunk ended. Throws a read error.
   */
  next(): Buffer | null;
  close(): void;
}

/**
 * Whole lines offered to a scanner: `buf[from, to)` of chunk number `chunk` (the buffer is reused:
 * a new number for each chunk); the first is line `line + 1` at byte `offset` of its file; lines
 * longer than `maxLine` are not to be taken.
 */
export type ChunkSpan = [
  buf: Buffer,
  chunk: number,
  from: number,
  to: number,
  line: number,
  offset: number,
  maxLine: number,
];

export class LineSplitter {
  private carry: Buffer | undefined;
  private chunks = 0;
  /** Bytes of the current over-long line seen so far (0 when not skipping). */
  private skipping = 0;
  private _offset: number;
  private _line: number;
  private readonly max: number;
  /** Emit LazyLines for lines whole in a chunk (the consumer handles each chunk before the next). */
  private readonly lazy: boolean;

  constructor(
    readonly file: string,
    opts: { maxLineBytes?: number; offset?: number; line?: number; lazy?: boolean } = {},
  ) {
    this.max = Math.max(16, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    this.lazy = opts.lazy ?? false;
    this._offset = opts.offset ?? 0;
    this._line = opts.line ?? 0;
  }

  /** Lines longer than this are cut. */
  get maxLine(): number {
    return this.max;
  }
  /** Bytes consumed up to the end of the last complete line. */
  get offset(): number {
    return this._offset;
  }
  /** Complete lines consumed. */
  get line(): number {
    return this._line;
  }
  hasPartial(): boolean {
    return this.carry !== undefined || this.skipping > 0;
  }

  /**
   * Splits `chunk` into lines. With a scanner (lazy mode only), whole lines are offered to it
   * first; `before` runs before each offer, so that the lines emitted so far can be handled first.
   */
  push(chunk: Buffer, out: (line: RawLine) => void, bulk?: { scanner: ChunkScanner; before(): void }): void {
    let pos = 0;
    const len = chunk.length;
    const id = ++this.chunks;
    const offer = this.lazy ? bulk : undefined;
    while (pos < len) {
      if (offer !== undefined && this.carry === undefined && this.skipping === 0) {
        offer.before();
        const p = offer.scanner.scan(chunk, id, pos, len, this._line, this._offset, this.max);
        const n = offer.scanner.taken;
        if (n > 0) {
          this._line += n;
          this._offset += p - pos;
          pos = p;
          if (pos >= len) return;
        }
      }
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) {
        this.hold(chunk, pos, len);
        return;
      }
      if (this.carry === undefined && this.skipping === 0) {
        const lineLen = nl - pos;
        if (lineLen <= this.max && this.lazy) {
          const end = nl > pos && chunk[nl - 1] === 13 ? nl - 1 : nl;
          out(new LazyLine(this.file, ++this._line, this._offset, chunk, pos, end));
          this._offset += lineLen + 1;
        } else if (lineLen <= this.max) this.emit(chunk, pos, nl, lineLen + 1, out);
        else this.emitCut(chunk.subarray(pos, pos + this.max), lineLen, lineLen + 1, out);
      } else {
        this.hold(chunk, pos, nl);
        this.finishHeld(1, out);
      }
      pos = nl + 1;
    }
  }

  /** End of input: emit the partial last line, if any. */
  flush(out: (line: RawLine) => void): void {
    if (this.hasPartial()) this.finishHeld(0, out);
  }

  private hold(chunk: Buffer, from: number, to: number): void {
    const n = to - from;
    if (this.skipping > 0) {
      this.skipping += n;
      return;
    }
    const have = this.carry?.length ?? 0;
    if (have + n > this.max) {
      // Keep only the first `max` bytes; count the rest.
      const keep = this.max - have;
      this.carry = this.carry
        ? Buffer.concat([this.carry, chunk.subarray(from, from + keep)])
        : Buffer.from(chunk.subarray(from, from + keep));
      this.skipping = have + n;
      return;
    }
    const part = chunk.subarray(from, to);
    this.carry = this.carry ? Buffer.concat([this.carry, part]) : Buffer.from(part);
  }

  private finishHeld(newline: number, out: (line: RawLine) => void): void {
    const buf = this.carry ?? Buffer.alloc(0);
    const total = this.skipping > 0 ? this.skipping : buf.length;
    this.carry = undefined;
    this.skipping = 0;
    if (total > this.max) this.emitCut(buf, total, total + newline, out);
    else this.emit(buf, 0, buf.length, total + newline, out);
  }

  private emit(
    buf: Buffer,
    start: number,
    end: number,
    consumed: number,
    out: (line: RawLine) => void,
  ): void {
    let e = end;
    if (e > start && buf[e - 1] === 13) e--;
    const text = stripAnsi(buf.toString('utf8', start, e));
    out({ file: this.file, line: ++this._line, offset: this._offset, text });
    this._offset += consumed;
  }

  private emitCut(head: Buffer, totalBytes: number, consumed: number, out: (line: RawLine) => void): void {
    // Cut on a UTF-8 boundary: drop a last character whose bytes do not all fit.
    let end = Math.min(head.length, this.max);
    let lead = end - 1;
    while (lead > 0 && lead > end - 4 && ((head[lead] as number) & 0xc0) === 0x80) lead--;
    const b = (head[lead] as number) ?? 0;
    const need = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (lead >= 0 && lead + need > end) end = lead;
    let text = stripAnsi(head.toString('utf8', 0, end));
    text += ` …[deadair: line cut at ${this.max} of ${totalBytes} bytes]`;
    out({ file: this.file, line: ++this._line, offset: this._offset, text, truncated: true });
    this._offset += consumed;
  }
}
