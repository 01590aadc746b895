// The bulk reader: the hot path of `analyze`. Most lines of an agent log are chatter and turn
// markers of a job already known, in one of the frameworks' exact layouts — agents-js `start`
// (pino JSON: `{"level":…,"time":…,"pid":…,"hostname":…,"jobID":…,"room_id":…, …,"msg":…}`) or
// livekit-agents `dev` text (`YYYY-MM-DD HH:MM:SS,mmm - LEVEL logger - message {extras + job stamp}`).
// Given a chunk of a file, it takes runs of such lines straight from their bytes — no line object,
// no decoded text, no regular expression — and stops at the first line it cannot prove it reads
// exactly as the full path would (FileParser.push → classify → SessionTracker.ingest); that line
// takes the full path.
//
// The bytes are read by a WebAssembly scanner (src/core/wasm/scan.ts); this side decides. A job
// (its key: pid, host, job id and room, or the dev-text job stamp) is trusted only once the tracker
// says attributing its lines would change nothing (`bulkOwner`), until attribution changes (the
// tracker's epoch). A message is taken only when no rule reads its fields: chatter just moves its
// session's span (the scanner keeps the spans; they are handed over before anything else happens),
// a turn or speech marker becomes the same event the full path builds. Anything else — escapes
// other than colour codes, a C1 control, a level of warning or worse, a message a rule reads, a room
// name the tracker has not learnt, a line too long, the last line of a chunk in dev text (the next
// line must be seen, to know it continues nothing) — stops a run.

import type { AgentEvent, EventContext, FormatId, LogLevel } from '../../shared/events.js';
import { EVIDENCE_MAX, FIELD_MESSAGE, markerKind } from '../classify.js';
import { stripAnsi, type ChunkSpan } from '../logs/lines.js';
import { SCAN_WASM } from '../wasm/binary.generated.js';
import { quickContext, quickPinoMessage } from './json.js';
import { levelOf } from './record.js';
import { localHourStart } from './text.js';

/** What the bulk reader needs from the pipeline: attribution, the log's clock, where lines go. */
export interface BulkHooks<S> {
  /** When this changes, an owner approved before may no longer be one. */
  epoch(): number;
  /** The session that owns such a line when attributing it would change nothing, else undefined. */
  owner(
    job: string,
    pid: number | undefined,
    roomSid: string | undefined,
    roomName: string | undefined,
    file: string,
  ): S | undefined;
  /** Chatter of `s` was read with times from `min` to `max`: its span reaches them. */
  span(s: S, min: number, max: number): void;
  /** `n` chatter lines were read (each an event nobody reads but for its time). */
  counted(n: number): void;
  /** The log's latest time (the scanner moves it on as it reads), and when it last ticked. */
  maxTime(): number;
  setMaxTime(t: number): void;
  lastTick(): number;
  /** Log time reached `t`, a second after the last tick: tick (as emit would before the line). */
  tick(t: number): void;
  /** A turn or speech marker of `s`. */
  event(s: S, ev: AgentEvent): void;
}

type MarkerKind = 'log' | 'agent_turn' | 'agent_speech' | 'user_turn_end';

interface Message {
  kind: MarkerKind;
  message: string;
  logger?: string;
}

interface Owner {
  job: string;
  roomSid: string | undefined;
  roomName: string | undefined;
  /** Dev text: the job stamp's context, shared by its events as the full path shares it. */
  ctx: EventContext | undefined;
  pid: number | undefined;
  /** The session it was approved for, by the reader that is scanning. */
  s: unknown;
}

/** Lines longer than this always take the full path (chatter is short). */
const MAX_BULK_LINE = 16 * 1024;

// What the scanner returns (see scan.ts).
const END = 0;
const STOP = 1;
const NEW_OWNER = 2;
const NEW_MSG = 3;
const CHECK_OWNER = 4;
const MARKER = 5;
const TICK = 6;
const HOUR = 7;

// Offsets in its results (see scan.ts, RES).
const R_TIME = 0;
const R_MAX_TIME = 1;
const R_LAST_TICK = 2;
const R_LAST_TIME = 3;
const R_HOUR_START = 4;
const I_POS = 16;
const I_LINE_END = 17;
const I_NEXT = 18;
const I_OWNER = 19;
const I_MSG = 20;
const I_LEVEL = 21;
const I_FORMAT = 22;
const I_KEY_START = 23;
const I_KEY_END = 24;
const I_A = 26;
const I_B = 27;
const I_C = 28;
const I_D = 29;
const I_PID = 30;
const I_TAKEN = 31;
const I_PINO = 32;
const I_PY = 33;
const I_PY_FIRST = 34;
const I_DIRTY_COUNT = 35;
const B_HOUR_KEY = 160;
const B_NEW_HOUR = 176;

interface ScanExports {
  memory: WebAssembly.Memory;
  IN_CAP: WebAssembly.Global;
  MAX_IDS: WebAssembly.Global;
  scan(from: number, to: number, limit: number, flags: number): number;
  insertOwner(id: number): number;
  insertMessage(format: number, id: number): number;
  reset(): void;
  INPUT: WebAssembly.Global;
  RESULTS: WebAssembly.Global;
  SPANS: WebAssembly.Global;
  TRUST: WebAssembly.Global;
  KINDS: WebAssembly.Global;
  DIRTY_FLAGS: WebAssembly.Global;
}

/** The one scanner of this process, its memory seen through typed arrays, and what its ids mean. */
class Scanner {
  readonly x: ScanExports;
  readonly mem: Uint8Array;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  readonly in: number;
  readonly res: number;
  readonly inCap: number;
  readonly maxIds: number;
  readonly valid: number;
  readonly kinds: number;
  readonly spanMin: Float64Array;
  readonly spanMax: Float64Array;
  readonly dirty: number;
  readonly dirtyList: Int32Array;
  owners: (Owner | null)[] = [];
  messages: [unknown, (Message | null)[], (Message | null)[]] = [undefined, [], []];
  /** The reader whose chunk is in memory and whose sessions the valid owners belong to. */
  reader: unknown;
  chunk = -1;
  epoch = Number.NaN;

  constructor(bytes: Uint8Array<ArrayBuffer>) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    this.x = instance.exports as unknown as ScanExports;
    const buf = this.x.memory.buffer;
    this.mem = new Uint8Array(buf);
    const at = (g: WebAssembly.Global) => g.value as number;
    const res = at(this.x.RESULTS);
    this.res = res;
    this.f64 = new Float64Array(buf, res, 8);
    this.i32 = new Int32Array(buf, res, 64);
    this.in = at(this.x.INPUT);
    this.inCap = at(this.x.IN_CAP);
    this.maxIds = at(this.x.MAX_IDS);
    this.valid = at(this.x.TRUST);
    this.kinds = at(this.x.KINDS);
    this.spanMin = new Float64Array(buf, at(this.x.SPANS), this.maxIds);
    this.spanMax = new Float64Array(buf, at(this.x.SPANS) + this.maxIds * 8, this.maxIds);
    this.dirty = at(this.x.DIRTY_FLAGS);
    this.dirtyList = new Int32Array(buf, this.dirty + this.maxIds, this.maxIds);
  }

  /** Forget every owner's approval (attribution changed, or another reader scans now). */
  distrust(): void {
    this.mem.fill(0, this.valid, this.valid + this.owners.length);
  }

  /** The tables are full: start them afresh. */
  resetAll(): void {
    this.x.reset();
    this.owners = [];
    this.messages = [undefined, [], []];
  }

  text(start: number, end: number, encoding: 'latin1' | 'utf8'): string {
    return Buffer.from(this.mem.buffer, start, end - start).toString(encoding);
  }
}

let scanner: Scanner | null | undefined;

/** The scanner, built on first use; null where WebAssembly is not available (the full path reads all). */
function theScanner(): Scanner | null {
  if (scanner === undefined) {
    try {
      scanner = new Scanner(new Uint8Array(Buffer.from(SCAN_WASM, 'base64')));
    } catch {
      scanner = null;
    }
  }
  return scanner;
}

/** Is the WebAssembly scanner here? (Without it analyze reads every line by the full path.) */
export function bulkAvailable(): boolean {
  return theScanner() !== null;
}

export class BulkReader<S> {
  /** Lines taken by the last `scan`. */
  taken = 0;
  /** Lines taken per format by the last `scan`, and whether dev text came first. */
  readonly counts = { pino: 0, py: 0, pyFirst: false };
  /** Time of the last line taken (when any was). */
  lastTime = Number.NaN;

  constructor(
    private readonly file: string,
    private readonly hooks: BulkHooks<S>,
    /** Which layouts to take: `pino-json` and/or `python-text`. */
    private readonly formats: { pino: boolean; py: boolean },
    /** Called before a scan takes its first line (the parser completes a record it holds). */
    private readonly beforeFirst: () => void,
  ) {}

  /**
   * Takes whole lines of `buf[from, to)` (chunk number `chunk` of this file; the first is line
   * `line + 1` at byte `offset`) for as long as it can; returns where it stopped (the start of a
   * line it did not take, or of the partial line at the end). `taken`, `counts` and `lastTime` say
   * what it took.
   */
  scan(...span: ChunkSpan): number {
    const [buf, chunk, from, to, line, offset, maxLine] = span;
    this.taken = 0;
    this.counts.pino = 0;
    this.counts.py = 0;
    this.counts.pyFirst = false;
    const sc = theScanner();
    if (sc === null || to > sc.inCap || from >= to) return from;
    // A line that starts with `{` or a digit never continues the record before it, so that record
    // is complete: the parser emits it now, as the full path would on this line.
    const c0 = buf[from] as number;
    const flags = (this.formats.pino ? 1 : 0) | (this.formats.py ? 2 : 0);
    if (c0 === 123 ? !this.formats.pino : !(c0 >= 48 && c0 <= 57) || !this.formats.py) return from;
    this.beforeFirst();
    if (sc.reader !== this || sc.chunk !== chunk) {
      if (sc.reader !== this) sc.distrust();
      sc.reader = this;
      sc.chunk = chunk;
      sc.mem.set(buf.subarray(0, to), sc.in);
    }
    const { f64, i32, x } = sc;
    i32[I_TAKEN] = 0;
    i32[I_PINO] = 0;
    i32[I_PY] = 0;
    i32[I_PY_FIRST] = 0;
    i32[I_DIRTY_COUNT] = 0;
    const limit = Math.min(maxLine, MAX_BULK_LINE);
    let markers = 0;
    let pos = from;
    for (;;) {
      this.trustCheck(sc);
      f64[R_MAX_TIME] = this.hooks.maxTime();
      f64[R_LAST_TICK] = this.hooks.lastTick();
      const status = x.scan(pos, to, limit, flags);
      this.hooks.setMaxTime(f64[R_MAX_TIME] as number);
      this.handOver(sc);
      pos = i32[I_POS] as number;
      if (status === END || status === STOP) break;
      if (status === NEW_OWNER) {
        this.newOwner(sc);
      } else if (status === NEW_MSG) {
        this.newMessage(sc);
      } else if (status === CHECK_OWNER) {
        const id = i32[I_OWNER] as number;
        const o = sc.owners[id];
        const s = o ? this.hooks.owner(o.job, o.pid, o.roomSid, o.roomName, this.file) : undefined;
        if (!o || s === undefined) {
          if (o === null) sc.mem[sc.valid + id] = 2;
          break; // the full path takes this line
        }
        o.s = s;
        sc.mem[sc.valid + id] = 1;
      } else if (status === MARKER) {
        this.marker(sc, buf, pos, line + (i32[I_TAKEN] as number) + 1, offset + (pos - from));
        markers++;
        pos = i32[I_NEXT] as number;
      } else if (status === TICK) {
        this.hooks.tick(f64[R_TIME] as number);
      } else if (status === HOUR) {
        const key = sc.text(sc.res + B_NEW_HOUR, sc.res + B_NEW_HOUR + 13, 'latin1');
        sc.mem.copyWithin(sc.res + B_HOUR_KEY, sc.res + B_NEW_HOUR, sc.res + B_NEW_HOUR + 13);
        f64[R_HOUR_START] = localHourStart(key);
      }
    }
    this.taken = i32[I_TAKEN] as number;
    if (this.taken > 0) {
      this.counts.pino = i32[I_PINO] as number;
      this.counts.py = i32[I_PY] as number;
      this.counts.pyFirst = i32[I_PY_FIRST] === 1;
      this.lastTime = f64[R_LAST_TIME] as number;
      this.hooks.counted(this.taken - markers);
    }
    return pos;
  }

  /** Attribution changed since owners were approved: they must be approved again. */
  private trustCheck(sc: Scanner): void {
    const e = this.hooks.epoch();
    if (e !== sc.epoch) {
      sc.distrust();
      sc.epoch = e;
    }
  }

  /** Hand the spans the scanner accounted for to their sessions (before anything else happens). */
  private handOver(sc: Scanner): void {
    const n = sc.i32[I_DIRTY_COUNT] as number;
    if (n === 0) return;
    for (let k = 0; k < n; k++) {
      const id = sc.dirtyList[k] as number;
      const o = sc.owners[id] as Owner;
      this.hooks.span(o.s as S, sc.spanMin[id] as number, sc.spanMax[id] as number);
      sc.mem[sc.dirty + id] = 0;
    }
    sc.i32[I_DIRTY_COUNT] = 0;
  }

  private newOwner(sc: Scanner): void {
    const i32 = sc.i32;
    const start = i32[I_KEY_START] as number;
    const end = i32[I_KEY_END] as number;
    let o: Owner | null;
    if (sc.mem[start] === 44 /* , */) {
      // pino: `,"pid":…,"hostname":…,"jobID":"J","room_id":"R"`
      const at = sc.in;
      o = {
        job: sc.text(at + (i32[I_A] as number), at + (i32[I_B] as number), 'latin1'),
        roomSid: sc.text(at + (i32[I_C] as number), at + (i32[I_D] as number), 'latin1'),
        roomName: undefined,
        ctx: undefined,
        pid: i32[I_PID] as number,
        s: undefined,
      };
    } else o = pyOwner(sc.text(start, end, 'utf8'));
    const id = sc.owners.length;
    if (!sc.x.insertOwner(id)) {
      sc.resetAll();
      return;
    }
    sc.owners.push(o);
    // A stamp that names no job, or a thread, is never taken.
    sc.mem[sc.valid + id] = o === null ? 2 : 0;
  }

  private newMessage(sc: Scanner): void {
    const i32 = sc.i32;
    const start = i32[I_KEY_START] as number;
    const end = i32[I_KEY_END] as number;
    const py = i32[I_FORMAT] === 2;
    const text = sc.text(start, end, 'utf8');
    const m = py ? pyMessage(text, i32[I_A] as number) : pinoMessage(text);
    const list = sc.messages[py ? 2 : 1];
    const id = list.length;
    if (!sc.x.insertMessage(py ? 2 : 1, id)) {
      sc.resetAll();
      return;
    }
    list.push(m);
    sc.mem[sc.kinds + (py ? sc.maxIds : 0) + id] = m === null ? 0 : m.kind === 'log' ? 1 : 2;
  }

  /** A turn / speech marker: the event the full path builds (`lineEvent`), and its accounting. */
  private marker(sc: Scanner, buf: Buffer, s: number, line: number, offset: number): void {
    const i32 = sc.i32;
    const py = i32[I_FORMAT] === 2;
    const o = sc.owners[i32[I_OWNER] as number] as Owner;
    const m = sc.messages[py ? 2 : 1][i32[I_MSG] as number] as Message;
    const time = sc.f64[R_TIME] as number;
    const level: LogLevel | undefined = levelOf(i32[I_LEVEL] as number);
    const ctx: EventContext = py
      ? (o.ctx as EventContext)
      : { jobId: o.job, roomSid: o.roomSid, pid: i32[I_PID] as number };
    const format: FormatId = py ? 'python-text' : 'pino-json';
    let text = stripAnsi(buf.toString('utf8', s, i32[I_LINE_END] as number));
    if (text.length > EVIDENCE_MAX) text = text.slice(0, EVIDENCE_MAX) + '…';
    // The event `lineEvent` builds of such a record, built directly (one per marker: it adds up).
    const ev: AgentEvent = {
      kind: m.kind as Exclude<MarkerKind, 'log'>,
      time,
      ctx,
      format,
      message: m.message,
      evidence: { file: this.file, line, offset, text },
    };
    if (level) ev.level = level;
    if (m.logger) ev.logger = m.logger;
    this.hooks.event(o.s as S, ev);
    // Taken: counted as the scanner counts the lines it takes itself.
    i32[I_TAKEN] = (i32[I_TAKEN] as number) + 1;
    sc.f64[R_LAST_TIME] = time;
    if (py) {
      if (i32[I_PINO] === 0) i32[I_PY_FIRST] = 1;
      i32[I_PY] = (i32[I_PY] as number) + 1;
    } else i32[I_PINO] = (i32[I_PINO] as number) + 1;
  }
}

/** A pino `msg` as the quick JSON path reads it: null when a rule reads the line's fields. */
function pinoMessage(msg: string): Message | null {
  return quickPinoMessage(msg) ? { kind: markerKind(msg), message: msg } : null;
}

/** `logger - message` of a dev-text line as `pyDevFast` + `headerToRecord` read it. */
function pyMessage(region: string, loggerLen: number): Message | null {
  const message = region.slice(loggerLen + 3);
  if (FIELD_MESSAGE.test(message)) return null;
  const m = message.trimEnd();
  return {
    kind: markerKind(m),
    message: m,
    logger: region.slice(0, loggerLen),
  };
}

/** The owner of a dev-text job stamp (`"pid": …, "job_id": …, "room": …}`), as `extrasContext` reads it. */
function pyOwner(stamp: string): Owner | null {
  const ctx = quickContext(stamp);
  if (ctx.jobId === undefined || ctx.tid !== undefined) return null;
  return { job: ctx.jobId, roomSid: ctx.roomSid, roomName: ctx.roomName, ctx, pid: ctx.pid, s: undefined };
}
