// The JavaScript half of the line classifier (src/core/wasm/scan.ts): it owns the WebAssembly
// instance and its tables of jobs and messages, and turns a chunk of a log into records — one for
// each line the bulk reader may take, with its job, message, level and time. It reads nothing of
// the sessions, so it runs on whichever thread reads the bytes (see prefetch.ts); the bulk reader
// (bulk.ts) checks the records against attribution and folds them, in order.
//
// Jobs and messages get ids in the order they are first seen; a chunk's records come with the
// definitions of the ids first seen in it, and a `generation` that moves when the tables were
// started afresh (they are full) before it.

import type { TurnMetrics } from '../../shared/events.js';
import { FIELD_MESSAGE, markerKind } from '../classify.js';
import { SCAN_WASM } from '../wasm/binary.generated.js';
import { quickContext, quickPinoMessage } from './json.js';
import { localHourStart } from './text.js';

export type MarkerKind = 'log' | 'agent_turn' | 'agent_speech' | 'user_turn_end';

/**
 * A message no rule reads: chatter (`log`) or a turn marker (nothing else of it is read); or, in
 * Python JSON, a conversation item or a metrics record of `metrics` type, whose fields the
 * classifier reads (see scan.ts, `fields`).
 */
export interface Message {
  kind: MarkerKind | 'item' | 'metrics';
  metrics?: TurnMetrics['type'];
}

/** The job a line's key names (pino: pid, host, job id and room SID; Python: the job stamp). */
export interface Owner {
  job: string;
  roomSid: string | undefined;
  roomName: string | undefined;
  pid: number | undefined;
}

/** What a chunk's records refer to that was first seen in it. */
export interface Definitions {
  /** The tables started afresh before this chunk: the ids of earlier chunks mean nothing now. */
  generation: number;
  /** [id, owner] — null for a key that is never taken (a stamp that names no job, a thread). */
  owners: [number, Owner | null][];
  /** [format (1 pino, 2 dev text, 3 Python JSON), id, message] — null for one a rule reads. */
  messages: [number, number, Message | null][];
}

/**
 * A chunk's records: `count` of them in `i32` (8 per record) and `f64` (4 per record); `text` holds
 * the stripped text of dev-text turn markers and the fields of Python JSON items and metrics
 * records (`textUsed` bytes: see REC_STRIPPED, AUX_*).
 */
export interface Records {
  count: number;
  i32: Int32Array;
  f64: Float64Array;
  text: Buffer;
  textUsed: number;
}

/**
 * What the ids of one classifier's records mean, where they are read: kept in step by applying
 * the definitions of every chunk it classifies, in order.
 */
export interface IdSpace {
  generation: number;
  owners: (Owner | null | undefined)[];
  messages: (Message | null | undefined)[][];
}

export function newIdSpace(): IdSpace {
  return { generation: 0, owners: [], messages: [[], [], [], []] };
}

export function define(space: IdSpace, d: Definitions): void {
  if (d.generation !== space.generation) {
    space.generation = d.generation;
    space.owners = [];
    space.messages = [[], [], [], []];
  }
  for (const [id, o] of d.owners) space.owners[id] = o && ownerOf(o.job, o.roomSid, o.roomName, o.pid);
  for (const [format, id, m] of d.messages)
    (space.messages[format] as (Message | null)[])[id] = m && messageOf(m.kind, m.metrics);
}

// Definitions posted by the worker arrive as copies, whose shapes (and strings, not interned)
// differ from those made here: the bulk loop, which reads both, would turn polymorphic and be
// compiled again. Each is rebuilt here in the one shape, with the kinds' own literals.
const KINDS: Record<Message['kind'], Message['kind']> = {
  log: 'log',
  agent_turn: 'agent_turn',
  agent_speech: 'agent_speech',
  user_turn_end: 'user_turn_end',
  item: 'item',
  metrics: 'metrics',
};

function messageOf(kind: Message['kind'], metrics: TurnMetrics['type'] | undefined): Message {
  return { kind: KINDS[kind], metrics };
}

function ownerOf(
  job: string,
  roomSid: string | undefined,
  roomName: string | undefined,
  pid: number | undefined,
): Owner {
  return { job, roomSid, roomName, pid };
}

// A record, in i32 units (see scan.ts, REC).
export const REC_I32 = 10;
export const REC_START = 0;
export const REC_NEXT = 1;
export const REC_END = 2;
export const REC_OWNER = 3;
export const REC_MSG = 4;
/** kind | format << 2 | level << 5 | stripped << 11 (see scan.ts). */
export const REC_PACKED = 5;
/**
 * A record whose `packed >>> REC_STRIPPED` is nonzero is a dev-text turn marker with colour codes:
 * its text without them is that many bytes of `text` from its REC_END. For a Python JSON item or
 * metrics record (kind 3) it is where its fields are in `text` (AUX_*).
 */
export const REC_STRIPPED = 11;
/** Bits of the format in REC_PACKED, from bit 2. */
export const REC_FORMAT_MASK = 7;
/** The packed kind of a Python JSON item or metrics record. */
export const KIND_FIELDS = 3;
// A kind-3 record's fields in `text` (see scan.ts): role (1 user, 2 assistant, 0 other), speech_id
// (start, end in the chunk, -1 for none; whether it has escapes), then five f64 (NaN for none).
export const AUX_ROLE = 0;
export const AUX_SID = 4;
export const AUX_SID_END = 8;
export const AUX_SID_ESC = 12;
export const AUX_TTFT = 16;
export const AUX_TTFB = 24;
export const AUX_EOU = 32;
export const AUX_TRANSCRIPTION = 40;
export const AUX_AUDIO = 48;
/** In f64 units. */
export const REC_F64 = 5;
export const REC_TIME = 3;
/** In i32 units: the lines a record spans after its first (a pino-pretty record's fields). */
export const REC_MORE = 8;
/**
 * In i32 units: a turn marker's, item's or metrics record's `recordHash` of its bytes up to its
 * last newline (0 for other records).
 */
export const REC_HASH = 9;

/** scan.ts's `wordHash` of `b[s, e)`, as an int32. */
export function recordHash(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5 | 0;
  let p = s;
  for (; p + 4 <= e; p += 4)
    h = Math.imul(
      h ^
        ((b[p] as number) |
          ((b[p + 1] as number) << 8) |
          ((b[p + 2] as number) << 16) |
          ((b[p + 3] as number) << 24)),
      0x01000193,
    );
  for (; p < e; p++) h = Math.imul(h ^ (b[p] as number), 0x01000193);
  return (h ^ (e - s)) | 0;
}

// What classify returns (see scan.ts).
const END = 0;
const NEW_OWNER = 2;
const NEW_MSG = 3;
const HOUR = 7;
const JHOUR = 8;

// Offsets in its results (see scan.ts, RES).
const R_HOUR_START = 4;
const R_JHOUR_START = 5;
const I_POS = 16;
const I_COUNT = 17;
const I_FORMAT = 22;
const I_KEY_START = 23;
const I_KEY_END = 24;
const I_A = 26;
const I_B = 27;
const I_C = 28;
const I_D = 29;
const I_PID = 30;
const I_TEXT_USED = 37;
const B_HOUR_KEY = 160;
const B_NEW_HOUR = 176;
const B_JHOUR_KEY = 192;
const B_NEW_JHOUR = 212;

/** Ids of jobs, and of messages per format, the tables hold (MAX_IDS in scan.ts). */
export const MAX_IDS = 1 << 15;

/** Lines longer than this are never taken (chatter is short). */
export const MAX_BULK_LINE = 16 * 1024;

interface ScanExports {
  memory: WebAssembly.Memory;
  IN_CAP: WebAssembly.Global;
  MAX_IDS: WebAssembly.Global;
  REC_CAP: WebAssembly.Global;
  INPUT: WebAssembly.Global;
  RESULTS: WebAssembly.Global;
  KINDS: WebAssembly.Global;
  RECORDS: WebAssembly.Global;
  TEXTS: WebAssembly.Global;
  MEMORY_END: WebAssembly.Global;
  classify(from: number, to: number, limit: number, flags: number): number;
  insertOwner(id: number): number;
  insertMessage(format: number, id: number): number;
  arenaLeft(): number;
  reset(): void;
}

export class Classifier {
  private readonly x: ScanExports;
  private readonly mem: Uint8Array;
  private readonly res: number;
  private readonly resF64: Float64Array;
  private readonly resI32: Int32Array;
  private readonly in: number;
  private readonly kinds: number;
  readonly inCap: number;
  private readonly recI32: Int32Array;
  private readonly recF64: Float64Array;
  private readonly texts: Buffer;
  private owners = 0;
  private messages = [0, 0, 0, 0];
  private generation = 0;
  private stale = false;

  constructor(bytes: Uint8Array<ArrayBuffer>) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    this.x = instance.exports as unknown as ScanExports;
    const buf = this.x.memory.buffer;
    const at = (g: WebAssembly.Global) => g.value as number;
    this.mem = new Uint8Array(buf);
    this.res = at(this.x.RESULTS);
    this.resF64 = new Float64Array(buf, this.res, 8);
    this.resI32 = new Int32Array(buf, this.res, 64);
    this.in = at(this.x.INPUT);
    this.kinds = at(this.x.KINDS);
    this.inCap = at(this.x.IN_CAP);
    if (at(this.x.MAX_IDS) !== MAX_IDS) throw new Error('line classifier: MAX_IDS differs from scan.ts');
    const recCap = at(this.x.REC_CAP);
    this.recI32 = new Int32Array(buf, at(this.x.RECORDS), recCap * REC_I32);
    this.recF64 = new Float64Array(buf, at(this.x.RECORDS), recCap * REC_F64);
    this.texts = Buffer.from(buf, at(this.x.TEXTS), this.inCap);
    if (at(this.x.MEMORY_END) > buf.byteLength) throw new Error('line classifier: its memory is too small');
    // The tables start empty, each at its smallest size.
    this.x.reset();
  }

  /**
   * The records of the whole lines of `bytes[from, to)` (`to` at most `inCap`); lines longer than
   * `limit` are not taken. `formats`: 1 pino JSON | 2 dev text | 4 Python JSON | 8 pino-pretty
   * (whose messages are in the Python JSON table: read alike, items and metrics never taken). The records are
   * valid until the next call.
   */
  classify(
    bytes: Uint8Array,
    from: number,
    to: number,
    limit: number,
    formats: number,
  ): Records & Definitions {
    const x = this.x;
    const defs: Definitions = { generation: this.generation, owners: [], messages: [] };
    // Start the tables afresh rather than fill them in the middle of a chunk.
    const room = MAX_IDS - 4096;
    if (
      this.stale ||
      x.arenaLeft() < to ||
      this.owners > room ||
      (this.messages[1] as number) > room ||
      (this.messages[2] as number) > room ||
      (this.messages[3] as number) > room
    ) {
      this.stale = false;
      x.reset();
      this.owners = 0;
      this.messages = [0, 0, 0, 0];
      defs.generation = ++this.generation;
    }
    this.mem.set(bytes.subarray(0, to), this.in);
    const i32 = this.resI32;
    i32[I_COUNT] = 0;
    i32[I_TEXT_USED] = 0;
    let pos = from;
    for (;;) {
      const status = x.classify(pos, to, limit, formats);
      pos = i32[I_POS] as number;
      if (status === END) break;
      if (status === NEW_OWNER) {
        if (!this.newOwner(defs)) pos = this.skip(pos, to);
      } else if (status === NEW_MSG) {
        if (!this.newMessage(defs)) pos = this.skip(pos, to);
      } else if (status === HOUR) {
        const key = this.text(this.res + B_NEW_HOUR, this.res + B_NEW_HOUR + 13, 'latin1');
        this.mem.copyWithin(this.res + B_HOUR_KEY, this.res + B_NEW_HOUR, this.res + B_NEW_HOUR + 13);
        this.resF64[R_HOUR_START] = localHourStart(key);
      } else if (status === JHOUR) {
        // "YYYY-MM-DDTHH" and the offset: the start of that hour, as Date.parse reads the line's.
        const key = this.text(this.res + B_NEW_JHOUR, this.res + B_NEW_JHOUR + 19, 'latin1');
        this.mem.copyWithin(this.res + B_JHOUR_KEY, this.res + B_NEW_JHOUR, this.res + B_NEW_JHOUR + 19);
        this.resF64[R_JHOUR_START] = Date.parse(`${key.slice(0, 13)}:00:00${key.slice(13).trimEnd()}`);
      } else throw new Error(`line classifier: unknown status ${status}`);
    }
    return {
      ...defs,
      count: i32[I_COUNT] as number,
      i32: this.recI32,
      f64: this.recF64,
      text: this.texts,
      textUsed: i32[I_TEXT_USED] as number,
    };
  }

  /** Start the tables afresh before the next chunk (the definitions of some were not read). */
  invalidate(): void {
    this.stale = true;
  }

  /** The start of the line after the one at `pos` (a table is full: that line is not taken). */
  private skip(pos: number, to: number): number {
    const nl = this.mem.indexOf(10, this.in + pos);
    return nl < 0 || nl >= this.in + to ? to : nl + 1 - this.in;
  }

  private text(start: number, end: number, encoding: 'latin1' | 'utf8'): string {
    return Buffer.from(this.mem.buffer, start, end - start).toString(encoding);
  }

  private newOwner(defs: Definitions): boolean {
    const i32 = this.resI32;
    const start = i32[I_KEY_START] as number;
    const end = i32[I_KEY_END] as number;
    let o: Owner | null;
    if (this.mem[start] === 40 /* ( */) {
      // pino-pretty: `(pid)` then `    jobID: "J"\n    room_id: "R"` (both checked by the classifier)
      const key = this.text(start, end, 'latin1');
      const close = key.indexOf(')');
      const lines = key.slice(close + 1).split('\n');
      const value = (l: string) => l.slice(l.indexOf('"') + 1, l.length - 1);
      o = {
        job: value(lines[0] as string),
        roomSid: value(lines[1] as string),
        roomName: undefined,
        pid: Number(key.slice(1, close)),
      };
    } else if (this.mem[start] === 44 /* , */) {
      // pino: `,"pid":…,"hostname":…,"jobID":"J","room_id":"R"`
      const at = this.in;
      const job = this.text(at + (i32[I_A] as number), at + (i32[I_B] as number), 'latin1');
      const roomSid = this.text(at + (i32[I_C] as number), at + (i32[I_D] as number), 'latin1');
      const pid = i32[I_PID] as number;
      o = {
        job,
        roomSid,
        roomName: undefined,
        pid,
      };
    } else o = pyOwner(this.text(start, end, 'utf8'));
    const id = this.owners;
    if (id >= MAX_IDS || !this.x.insertOwner(id)) return false;
    this.owners++;
    defs.owners.push([id, o]);
    return true;
  }

  private newMessage(defs: Definitions): boolean {
    const i32 = this.resI32;
    const format = i32[I_FORMAT] as number;
    const text = this.text(i32[I_KEY_START] as number, i32[I_KEY_END] as number, 'utf8');
    const m =
      format === 2
        ? pyMessage(text, i32[I_A] as number)
        : format === 3
          ? pyJsonMessage(text)
          : pinoMessage(text);
    const id = this.messages[format] as number;
    if (id >= MAX_IDS || !this.x.insertMessage(format, id)) return false;
    this.messages[format] = id + 1;
    this.mem[this.kinds + (format - 1) * MAX_IDS + id] =
      m === null ? 0 : m.kind === 'log' ? 1 : m.kind === 'item' || m.kind === 'metrics' ? KIND_FIELDS : 2;
    defs.messages.push([format, id, m]);
    return true;
  }
}

let classifier: Classifier | null | undefined;

/** This thread's classifier, built on first use; null where WebAssembly is not available. */
export function theClassifier(): Classifier | null {
  if (classifier === undefined) {
    try {
      classifier = new Classifier(new Uint8Array(Buffer.from(SCAN_WASM, 'base64')));
    } catch {
      classifier = null;
    }
  }
  return classifier;
}

/** A pino `msg` as the quick JSON path reads it: null when a rule reads the line's fields. */
function pinoMessage(msg: string): Message | null {
  return quickPinoMessage(msg) ? messageOf(markerKind(msg), undefined) : null;
}

// Python's records whose fields classify reads and the bulk reader folds too (as classify.ts names
// them: RE.conversationItem, RE.metrics).
const PY_ITEM = 'conversation_item_added';
const PY_METRICS = /^(?:Pipeline )?(LLM|TTS|EOU|STT|RealtimeModel) metrics$/;
const METRICS_TYPE: Record<string, TurnMetrics['type']> = {
  LLM: 'llm',
  TTS: 'tts',
  EOU: 'eou',
  STT: 'stt',
  RealtimeModel: 'realtime',
};

/**
 * A Python JSON `message` (no backslash in it) as the full path reads it: quickJsonLine's chatter
 * and markers; a conversation item or metrics record, whose fields the classifier reads; else null.
 */
function pyJsonMessage(msg: string): Message | null {
  if (!FIELD_MESSAGE.test(msg)) return messageOf(markerKind(msg), undefined);
  if (msg === PY_ITEM) return messageOf('item', undefined);
  const type = PY_METRICS.exec(msg)?.[1];
  if (type !== undefined) return messageOf('metrics', METRICS_TYPE[type]);
  return null;
}

/** What the message of `logger - message` (a dev-text line) is, read as `pyDevFast` + `headerToRecord` read it. */
function pyMessage(region: string, loggerLen: number): Message | null {
  const message = region.slice(loggerLen + 3);
  if (FIELD_MESSAGE.test(message)) return null;
  return messageOf(markerKind(message.trimEnd()), undefined);
}

/** The owner of a dev-text job stamp (`"pid": …, "job_id": …, "room": …}`), as `extrasContext` reads it. */
function pyOwner(stamp: string): Owner | null {
  const ctx = quickContext(stamp);
  if (ctx.jobId === undefined || ctx.tid !== undefined) return null;
  return {
    job: ctx.jobId,
    roomSid: ctx.roomSid,
    roomName: ctx.roomName,
    pid: ctx.pid,
  };
}
