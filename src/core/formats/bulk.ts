// The bulk reader: the hot path of `analyze`. Most lines of an agent log are chatter and turn
// markers of a job already known, in one of the frameworks' exact layouts — agents-js `start`
// (pino JSON: `{"level":…,"time":…,"pid":…,"hostname":…,"jobID":…,"room_id":…, …,"msg":…}`) or
// livekit-agents `dev` text (`YYYY-MM-DD HH:MM:SS,mmm - LEVEL logger - message {extras + job stamp}`).
// Given a chunk of a file, it takes runs of such lines straight from their bytes — no line object,
// no decoded text, no regular expression — and stops at the first line it cannot prove it reads
// exactly as the full path would (FileParser.push → classify → SessionTracker.ingest); that line
// takes the full path. Jobs and messages are looked up by their bytes in tables filled the first
// time each is seen: a job only when the tracker says attributing its line would change nothing
// (`bulkOwner`), a message only when no rule reads its fields (chatter moves the session's span;
// a turn or speech marker becomes the same event the full path builds).
//
// Anything unusual stops a run: escapes other than colour codes, a C1 control, a level of warning
// or worse, a message a rule reads, a room name the tracker has not learnt, a line too long, the
// last line of a chunk (dev text: the next line must be visible, to know it continues nothing).

import type { AgentEvent, EventContext, FormatId } from '../../shared/events.js';
import { FIELD_MESSAGE, lineEvent, MARKER_MESSAGE, markerKind } from '../classify.js';
import { stripAnsi } from '../logs/lines.js';
import { ByteTable, fnv, FNV_SEED } from './bytetable.js';
import { quickContext } from './json.js';
import { levelOf, type LogRecord } from './record.js';
import { localHourStart } from './text.js';

/** What the bulk reader needs from the pipeline: attribution, and where its lines go. */
export interface BulkHooks<S> {
  /** With `version`: when either changes, an owner approved before may no longer be one. */
  epoch(): number;
  version(s: S): number;
  /** The session that owns such a line when attributing it would change nothing, else undefined. */
  owner(
    job: string,
    pid: number | undefined,
    roomSid: string | undefined,
    roomName: string | undefined,
    file: string,
  ): S | undefined;
  /** A chatter line of `s` at `time` (a `log` event nobody reads but for its time). */
  chatter(s: S, time: number): void;
  /** A turn or speech marker of `s`. */
  event(s: S, ev: AgentEvent): void;
}

type MarkerKind = 'log' | 'agent_turn' | 'agent_speech' | 'user_turn_end';

interface Message {
  kind: MarkerKind;
  message: string;
  logger?: string;
}

interface Owner<S> {
  job: string;
  roomSid: string | undefined;
  roomName: string | undefined;
  /** Dev text: the job stamp's context, shared by its events as the full path shares it. */
  ctx: EventContext | undefined;
  pid: number | undefined;
  s: S | undefined;
  epoch: number;
  ver: number;
}

/** Lines longer than this always take the full path (chatter is short). */
const MAX_BULK_LINE = 16 * 1024;

/** The next occurrence of a byte sequence in the current chunk, found once for many lines. */
class NextOf {
  private chunk = -1;
  private from = 0;
  private at = -1;
  constructor(private readonly needle: number | Buffer) {}
  /** First occurrence at or after `pos` in chunk `chunk` of `buf`; Infinity when none. */
  find(buf: Buffer, chunk: number, pos: number): number {
    if (chunk !== this.chunk || pos < this.from || (this.at >= 0 && this.at < pos)) {
      this.chunk = chunk;
      this.from = pos;
      this.at = buf.indexOf(this.needle, pos);
    }
    return this.at < 0 ? Number.POSITIVE_INFINITY : this.at;
  }
}

const bytes = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
const LEVEL_KEY = bytes('{"level":');
const TIME_KEY = bytes(',"time":');
const PID_KEY = bytes(',"pid":');
const HOST_KEY = bytes(',"hostname":"');
const JOB_KEY = bytes(',"jobID":"');
const ROOM_KEY = bytes('","room_id":"');
const MSG_KEY = bytes('"msg":"');
const STAMP_KEY = bytes('"pid": ');

function at(b: Uint8Array, i: number, lit: Uint8Array): boolean {
  for (let k = 0; k < lit.length; k++) if (b[i + k] !== lit[k]) return false;
  return true;
}

const isDigit = (c: number | undefined) => c !== undefined && c >= 48 && c <= 57;

export class BulkReader<S> {
  /** Lines taken by the last `scan`. */
  taken = 0;
  /** Lines taken per format by the last `scan`. */
  readonly counts = { pino: 0, py: 0, pyFirst: false };
  /** Time of the last line taken (when any was). */
  lastTime = Number.NaN;

  private readonly esc = new NextOf(27);
  private readonly c1 = new NextOf(Buffer.from([0xc2, 0x9b]));
  private readonly roomName = new NextOf(Buffer.from('room_name"'));
  private readonly roomName2 = new NextOf(Buffer.from('"roomName"'));
  private readonly pinoJobs = new ByteTable<Owner<S>>();
  private readonly stamps = new ByteTable<Owner<S> | null>();
  private readonly messages = new ByteTable<Message | null>();
  private scratch = new Uint8Array(1024);
  private hourKey = new Uint8Array(13);
  private hourStart = Number.NaN;

  constructor(
    private readonly file: string,
    private readonly hooks: BulkHooks<S>,
    /** Which layouts to take: `pino-json` and/or `python-text`. */
    private readonly formats: { pino: boolean; py: boolean },
    /** Called before a scan looks at its first line (the parser completes a record it holds). */
    private readonly beforeFirst: () => void,
  ) {}

  /**
   * Takes whole lines of `buf[from, to)` (chunk number `chunk`; the first is line `line + 1` at
   * byte `offset`) for as long as it can; returns where it stopped (the start of a line it did not
   * take, or the end of the last whole line). `taken`, `counts` and `lastTime` say what it took.
   */
  scan(
    buf: Buffer,
    chunk: number,
    from: number,
    to: number,
    line: number,
    offset: number,
    maxLine: number,
  ): number {
    this.taken = 0;
    this.counts.pino = 0;
    this.counts.py = 0;
    this.counts.pyFirst = false;
    const limit = Math.min(maxLine, MAX_BULK_LINE);
    let pos = from;
    while (pos < to) {
      const c0 = buf[pos];
      const nl = buf.indexOf(10, pos);
      if (nl < 0 || nl >= to || nl - pos > limit) break;
      const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (this.c1.find(buf, chunk, pos) < end) break;
      const ln = line + this.taken + 1;
      const off = offset + (pos - from);
      const pino = c0 === 123;
      if (pino ? !this.formats.pino : !isDigit(c0) || !this.formats.py) break;
      // A line that starts with `{` or a digit never continues the record before it, so that
      // record is complete: the parser emits it now, as the full path would on this line.
      if (pos === from) this.beforeFirst();
      if (pino) {
        if (!this.pino(buf, chunk, pos, end, ln, off)) break;
        this.counts.pino++;
      } else {
        // A dev-text record is complete only when the next line is not its continuation: one that
        // starts with a digit never is (a traceback or wrapped extras would).
        if (nl + 1 >= to || !isDigit(buf[nl + 1])) break;
        if (!this.py(buf, chunk, pos, end, ln, off)) break;
        if (this.counts.pino === 0) this.counts.pyFirst = true;
        this.counts.py++;
      }
      this.taken++;
      pos = nl + 1;
    }
    return pos;
  }

  private valid(o: Owner<S>): boolean {
    return o.s !== undefined && o.epoch === this.hooks.epoch() && o.ver === this.hooks.version(o.s);
  }

  private approve(o: Owner<S>, s: S): void {
    o.s = s;
    o.epoch = this.hooks.epoch();
    o.ver = this.hooks.version(s);
  }

  // ---- agents-js pino JSON ----------------------------------------------------------------------

  private pino(b: Buffer, chunk: number, s: number, e: number, line: number, offset: number): boolean {
    if (e - s < 40 || !at(b, s, LEVEL_KEY)) return false;
    if (this.esc.find(b, chunk, s) < e) return false;
    let i = s + LEVEL_KEY.length;
    let level = 0;
    const l0 = i;
    for (let c = b[i] as number; c >= 48 && c <= 57; c = b[++i] as number) level = level * 10 + c - 48;
    if (i === l0 || i - l0 > 3 || level >= 40 || !at(b, i, TIME_KEY)) return false;
    i += TIME_KEY.length;
    let time = 0;
    const t0 = i;
    for (let c = b[i] as number; c >= 48 && c <= 57; c = b[++i] as number) time = time * 10 + c - 48;
    if (i === t0 || i - t0 > 15 || !at(b, i, PID_KEY)) return false;
    i += PID_KEY.length;
    let pid = 0;
    const p0 = i;
    for (let c = b[i] as number; c >= 48 && c <= 57; c = b[++i] as number) pid = pid * 10 + c - 48;
    if (i === p0 || i - p0 > 10 || !at(b, i, HOST_KEY)) return false;
    i += HOST_KEY.length;
    while (i < e && b[i] !== 34 && b[i] !== 92) i++;
    if (b[i] !== 34) return false;
    i++;
    // agents-js repeats the pid in its bindings.
    if (at(b, i, PID_KEY)) {
      i += PID_KEY.length;
      const d0 = i;
      while (isDigit(b[i])) i++;
      if (i === d0 || i - d0 > 10) return false;
    }
    if (!at(b, i, JOB_KEY)) return false;
    i += JOB_KEY.length;
    // The key: the job id and the room SID, with what lies between them.
    const k0 = i;
    let h = FNV_SEED;
    for (let c = b[i] as number; i < e && c !== 34 && c !== 92 && c < 128; c = b[++i] as number)
      h = fnv(h, c);
    if (b[i] !== 34 || i === k0 || i - k0 > 200) return false;
    const j1 = i;
    if (!at(b, i, ROOM_KEY)) return false;
    for (let k = 0; k < ROOM_KEY.length; k++) h = fnv(h, ROOM_KEY[k] as number);
    i += ROOM_KEY.length;
    const r0 = i;
    for (let c = b[i] as number; i < e && c !== 34 && c !== 92 && c < 128; c = b[++i] as number)
      h = fnv(h, c);
    if (b[i] !== 34 || i === r0 || i - r0 > 200) return false;
    const r1 = i;
    // `msg` is the last key: its value runs back from the closing `"}` to the first quote.
    if (b[e - 1] !== 125 || b[e - 2] !== 34) return false;
    let q = e - 3;
    let mh = FNV_SEED;
    for (let c = b[q] as number; q > r1 && c !== 34; c = b[--q] as number) {
      if (c === 92) return false;
      mh = fnv(mh, c);
    }
    if (q - 6 <= r1 || !at(b, q - 6, MSG_KEY)) return false;
    // A line naming its room (`lk.pii.room_name`, `roomName`) teaches attribution something.
    if (this.roomName.find(b, chunk, s) < e || this.roomName2.find(b, chunk, s) < e) return false;

    let o = this.pinoJobs.get(b, k0, r1, h);
    if (o === undefined) {
      o = {
        job: b.toString('latin1', k0, j1),
        roomSid: b.toString('latin1', r0, r1),
        roomName: undefined,
        ctx: undefined,
        pid: undefined,
        s: undefined,
        epoch: -1,
        ver: -1,
      };
      this.pinoJobs.set(b, k0, r1, h, o);
    }
    if (o.pid !== pid || !this.valid(o)) {
      const owner = this.hooks.owner(o.job, pid, o.roomSid, undefined, this.file);
      if (owner === undefined) return false;
      this.approve(o, owner);
      o.pid = pid;
    }
    let m = this.messages.get(b, q + 1, e - 2, mh);
    if (m === undefined) {
      m = pinoMessage(b.toString('utf8', q + 1, e - 2));
      this.messages.set(b, q + 1, e - 2, mh, m);
    }
    if (m === null) return false;
    this.lastTime = time;
    const session = o.s as S;
    if (m.kind === 'log') this.hooks.chatter(session, time);
    else {
      const ctx: EventContext = { jobId: o.job, roomSid: o.roomSid, pid };
      this.hooks.event(session, this.event(b, s, e, line, offset, m, 'pino-json', time, levelOf(level), ctx));
    }
    return true;
  }

  // ---- livekit-agents dev text ------------------------------------------------------------------

  private py(buf: Buffer, chunk: number, s: number, e: number, line: number, offset: number): boolean {
    // Colour codes (CSI sequences) are removed first, as the full path removes them.
    let a: Uint8Array = buf;
    let o0 = s;
    let n = e - s;
    if (this.esc.find(buf, chunk, s) < e) {
      if (this.scratch.length < n) this.scratch = new Uint8Array(Math.max(n, this.scratch.length * 2));
      const sc = this.scratch;
      let k = 0;
      for (let i = s; i < e; i++) {
        const c = buf[i] as number;
        if (c !== 27) {
          sc[k++] = c;
          continue;
        }
        if (buf[i + 1] !== 91 || i + 1 >= e) return false; // not a CSI sequence: the full path
        let j = i + 2;
        while (j < e && (buf[j] as number) >= 0x30 && (buf[j] as number) <= 0x3f) j++;
        while (j < e && (buf[j] as number) >= 0x20 && (buf[j] as number) <= 0x2f) j++;
        if (j < e && (buf[j] as number) >= 0x40 && (buf[j] as number) <= 0x7e) j++;
        i = j - 1;
      }
      a = sc;
      o0 = 0;
      n = k;
    }
    if (n < 30) return false;
    // YYYY-MM-DD HH:MM:SS,mmm -
    for (const d of DIGITS) if (!isDigit(a[o0 + d])) return false;
    if (
      a[o0 + 4] !== 45 ||
      a[o0 + 7] !== 45 ||
      a[o0 + 10] !== 32 ||
      a[o0 + 13] !== 58 ||
      a[o0 + 16] !== 58 ||
      a[o0 + 19] !== 44 ||
      a[o0 + 23] !== 32 ||
      a[o0 + 24] !== 45 ||
      a[o0 + 25] !== 32
    )
      return false;
    const end = o0 + n;
    // The level: DEBUG or INFO (anything else takes the full path).
    let i = o0 + 26;
    let level: 'debug' | 'info';
    if (a[i] === 68 && a[i + 1] === 69 && a[i + 2] === 66 && a[i + 3] === 85 && a[i + 4] === 71) {
      level = 'debug';
      i += 5;
    } else if (a[i] === 73 && a[i + 1] === 78 && a[i + 2] === 70 && a[i + 3] === 79) {
      level = 'info';
      i += 4;
    } else return false;
    if (a[i] !== 32) return false;
    while (a[i] === 32) i++;
    // The logger runs to the first space, which must begin " - ".
    const g0 = i;
    while (i < end && a[i] !== 32) if ((a[i++] as number) >= 128) return false;
    if (i === g0 || i + 2 >= end || a[i + 1] !== 45 || a[i + 2] !== 32) return false;
    const loggerLen = i - g0;
    const m0 = i + 3;
    // The extras: the last ` {"` of a line that ends in `}`; the job stamp: their last `"pid": `.
    if (a[end - 1] !== 125) return false;
    let x = end - 3;
    while (x >= m0 && !(a[x] === 32 && a[x + 1] === 123 && a[x + 2] === 34)) x--;
    if (x < m0) return false;
    let p = end - STAMP_KEY.length;
    while (p > x && !at(a, p, STAMP_KEY)) p--;
    if (p <= x) return false;

    let sh = FNV_SEED;
    for (let k = p; k < end; k++) sh = fnv(sh, a[k] as number);
    let o = this.stamps.get(a, p, end, sh);
    if (o === undefined) {
      o = pyOwner<S>(Buffer.from(a.buffer, a.byteOffset + p, end - p).toString('utf8'));
      this.stamps.set(a, p, end, sh, o);
    }
    if (o === null) return false;
    if (!this.valid(o)) {
      const owner = this.hooks.owner(o.job, o.pid, o.roomSid, o.roomName, this.file);
      if (owner === undefined) return false;
      this.approve(o, owner);
    }
    let mh = FNV_SEED;
    for (let k = g0; k < x; k++) mh = fnv(mh, a[k] as number);
    let m = this.messages.get(a, g0, x, mh);
    if (m === undefined) {
      m = pyMessage(Buffer.from(a.buffer, a.byteOffset + g0, x - g0).toString('utf8'), loggerLen);
      this.messages.set(a, g0, x, mh, m);
    }
    if (m === null) return false;
    const time = this.pyTime(a, o0);
    if (Number.isNaN(time)) return false;
    this.lastTime = time;
    const session = o.s as S;
    if (m.kind === 'log') this.hooks.chatter(session, time);
    else
      this.hooks.event(
        session,
        this.event(buf, s, e, line, offset, m, 'python-text', time, level, o.ctx ?? {}),
      );
    return true;
  }

  /** asctime is local time: the start of each local hour is converted once (as the full path does). */
  private pyTime(a: Uint8Array, o0: number): number {
    const hk = this.hourKey;
    let same = true;
    for (let k = 0; k < 13; k++) {
      if (hk[k] !== a[o0 + k]) {
        same = false;
        break;
      }
    }
    if (!same) {
      hk.set(a.subarray(o0, o0 + 13));
      this.hourStart = localHourStart(Buffer.from(hk).toString('latin1'));
    }
    const d2 = (i: number) => ((a[o0 + i] as number) - 48) * 10 + (a[o0 + i + 1] as number) - 48;
    const ms = ((a[o0 + 20] as number) - 48) * 100 + d2(21);
    return this.hourStart + (d2(14) * 60 + d2(17)) * 1000 + ms;
  }

  /** The event of a marker line, built as the full path builds it (`lineEvent`). */
  private event(
    buf: Buffer,
    s: number,
    e: number,
    line: number,
    offset: number,
    m: Message,
    format: FormatId,
    time: number,
    level: LogRecord['level'],
    ctx: EventContext,
  ): AgentEvent {
    const text = stripAnsi(buf.toString('utf8', s, e));
    const r: LogRecord = {
      format,
      time,
      level,
      message: m.message,
      fields: {},
      ctx,
      line: { file: this.file, line, offset, text },
    };
    if (m.logger !== undefined) r.logger = m.logger;
    return lineEvent(r, m.kind as Exclude<MarkerKind, 'log'>);
  }
}

const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];

/** A pino `msg` as the quick JSON path reads it: null when a rule reads the line's fields. */
function pinoMessage(msg: string): Message | null {
  if (msg.includes('\\') || msg.includes('"') || FIELD_MESSAGE.test(msg)) return null;
  return { kind: MARKER_MESSAGE.test(msg) ? markerKind(msg) : 'log', message: msg };
}

/** `logger - message` of a dev-text line as `pyDevFast` + `headerToRecord` read it. */
function pyMessage(region: string, loggerLen: number): Message | null {
  const message = region.slice(loggerLen + 3);
  if (FIELD_MESSAGE.test(message)) return null;
  const m = message.trimEnd();
  return {
    kind: MARKER_MESSAGE.test(m) ? markerKind(m) : 'log',
    message: m,
    logger: region.slice(0, loggerLen),
  };
}

/** The owner of a dev-text job stamp (`"pid": …, "job_id": …, "room": …}`), as `extrasContext` reads it. */
function pyOwner<S>(stamp: string): Owner<S> | null {
  const ctx = quickContext(stamp);
  if (ctx.jobId === undefined || ctx.tid !== undefined) return null;
  return {
    job: ctx.jobId,
    roomSid: ctx.roomSid,
    roomName: ctx.roomName,
    ctx,
    pid: ctx.pid,
    s: undefined,
    epoch: -1,
    ver: -1,
  };
}
