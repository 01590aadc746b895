// JSON-per-line formats: agents-js production logs (pino: numeric `level`, epoch-ms `time`, `msg`
// last, job bindings `jobID` / `room_id`, errors through pino's serializer) and livekit-agents
// production logs (the framework's JSON formatter: `message`, `level` name, `name`, `exc_info`,
// extras, ISO `timestamp`). Other JSON loggers are read by the same common key names.

import type { EventContext, FormatId } from '../../shared/events.js';
import type { RawLine } from '../logs/types.js';
import { FIELD_MESSAGE, MARKER_MESSAGE } from '../classify.js';
import { contextFromFields, isRecord, levelOf, timeOf, type LogRecord } from './record.js';

export function parseJsonLine(line: RawLine, text: string): LogRecord | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(obj)) return undefined;
  const pinoLike = typeof obj.level === 'number' || typeof obj.msg === 'string';
  const format: FormatId = pinoLike ? 'pino-json' : 'python-json';
  const rawMessage = obj.msg ?? obj.message ?? obj.event ?? obj.text;
  const message =
    typeof rawMessage === 'string' ? rawMessage : rawMessage === undefined ? '' : String(rawMessage);
  const record: LogRecord = {
    format,
    time: timeOf(obj.time ?? obj.timestamp ?? obj.ts ?? obj.asctime ?? obj['@timestamp']),
    level: levelOf(obj.level ?? obj.levelname ?? obj.severity),
    message,
    fields: obj,
    ctx: contextFromFields(obj),
    line,
  };
  const logger = obj.name ?? obj.logger;
  if (typeof logger === 'string') record.logger = logger;
  return record;
}

const PINO_HEAD = /^\{"level":(\d+),"time":(\d+)/;
// agents-js job lines all begin alike: read level, time, pid and the job bindings in one pass.
const PINO_JOB_HEAD =
  /^\{"level":(\d+),"time":(\d+),"pid":(\d{1,10}),"hostname":"[^"\\]*"(?:,"pid":\d{1,10})?,"jobID":"([^"\\]{1,200})","room_id":"([^"\\]{1,200})"/;
const PY_LEVEL = /^\{"message": "((?:[^"\\]|\\.)*)", "level": "([A-Z]+)"/;
const JOB = /"(?:jobID|job_id|jobId)": ?"([^"\\]{1,200})"/;
const PID = /"pid": ?(\d{1,10})[,}]/;
const PY_TIME = /"timestamp": "([^"]{10,40})"\}$/;
const ROOM_NAME = /"(?:room|lk\.pii\.room_name|roomName)": ?"([^"\\]{1,200})"/;
const ROOM_SID = /"(?:room_id|roomId)": ?"([^"\\]{1,200})"/;

/** A pino line's message when no rule needs its fields (below warning, a plain `msg`), else undefined. */
function chatterMessage(text: string, level: number): string | undefined {
  if (level >= 40) return undefined;
  const at = msgAt(text);
  if (at < 0) return undefined;
  const msg = text.slice(at + 7, text.length - 2);
  return msg.includes('\\') || msg.includes('"') || FIELD_MESSAGE.test(msg) ? undefined : msg;
}

/** Where pino's `msg` (always the last key, a string) starts, or -1. */
function msgAt(text: string): number {
  const len = text.length;
  if (text.charCodeAt(len - 1) !== 125 || text.charCodeAt(len - 2) !== 34) return -1; // "}
  return text.lastIndexOf('"msg":"');
}

/**
 * The quick path for the two frameworks' JSON layouts (most of a log: debug and info chatter):
 * when the level is below warning and no rule reads the message, take only what attribution needs
 * (time, level, job, pid, room) with anchored patterns instead of a full JSON.parse. Returns
 * undefined when the line needs the full parse.
 */
export function quickJsonLine(line: RawLine, text: string): LogRecord | undefined {
  const r = quickJsonRecord(line, text);
  if (r && MARKER_MESSAGE.test(r.message)) r.marker = true;
  return r;
}

function quickJsonRecord(line: RawLine, text: string): LogRecord | undefined {
  let record: LogRecord;
  const head = PINO_JOB_HEAD.exec(text);
  if (head) {
    const level = Number(head[1]);
    const msg = chatterMessage(text, level);
    if (msg === undefined) return undefined;
    const ctx: EventContext = { jobId: head[4], roomSid: head[5], pid: Number(head[3]) };
    // Some JobContext lines also name the room (`lk.pii.room_name`).
    if (text.includes('room_name"') || text.includes('"roomName"')) {
      const name = ROOM_NAME.exec(text);
      if (name?.[1]) ctx.roomName = name[1];
    }
    return {
      format: 'pino-json',
      time: Number(head[2]),
      level: levelOf(level),
      message: msg,
      fields: {},
      ctx,
      line,
    };
  }
  const pino = PINO_HEAD.exec(text);
  if (pino) {
    const level = Number(pino[1]);
    const msg = chatterMessage(text, level);
    if (msg === undefined) return undefined;
    record = {
      format: 'pino-json',
      time: Number(pino[2]),
      level: levelOf(level),
      message: msg,
      fields: {},
      ctx: {},
      line,
    };
  } else {
    const py = PY_LEVEL.exec(text);
    const msg = py?.[1];
    if (msg === undefined || msg.includes('\\') || FIELD_MESSAGE.test(msg)) return undefined;
    const level = levelOf(py?.[2]);
    if (level !== 'debug' && level !== 'info' && level !== 'trace') return undefined;
    const ts = PY_TIME.exec(text);
    record = {
      format: 'python-json',
      time: ts?.[1] ? timeOf(ts[1]) : Number.NaN,
      level,
      message: msg,
      fields: {},
      ctx: {},
      line,
    };
  }
  record.ctx = quickContext(text);
  return record;
}

const TID = /"tid": ?(\d{1,10})[,}]/;

// The worker stamps every job-process record with the same trailing `"pid": …, "job_id": …,
// "room": …}` (notes/agent-logs.md): the context of a stamp is read once and remembered.
const stamps = new Map<string, EventContext>();

/** Context of a Python extras object, read from its trailing job stamp when it has one. */
export function extrasContext(extras: string): EventContext {
  const at = extras.lastIndexOf('"pid": ');
  if (at < 0) return quickContext(extras);
  const stamp = extras.slice(at);
  let ctx = stamps.get(stamp);
  if (ctx === undefined) {
    ctx = quickContext(stamp);
    if (ctx.jobId === undefined) return quickContext(extras);
    if (stamps.size > 4096) stamps.clear();
    stamps.set(stamp, ctx);
  }
  return ctx;
}

/** Job, pid, thread and room from JSON text (a line or an extras object) without parsing it. */
export function quickContext(text: string): EventContext {
  const ctx: EventContext = {};
  const job = JOB.exec(text);
  if (job?.[1]) ctx.jobId = job[1];
  const pid = PID.exec(text);
  if (pid?.[1]) ctx.pid = Number(pid[1]);
  if (text.includes('"room')) {
    const name = ROOM_NAME.exec(text);
    if (name?.[1]) ctx.roomName = name[1];
    const sid = ROOM_SID.exec(text);
    if (sid?.[1]) ctx.roomSid = sid[1];
  }
  if (text.includes('"tid"')) {
    const tid = TID.exec(text);
    if (tid?.[1]) ctx.tid = Number(tid[1]);
  }
  return ctx;
}

/** What accounting needs of an agents-js job chatter line. */
export interface JobChatter {
  job: string;
  pid: number;
  roomSid: string;
  time: number;
}

const plainCache = new Map<string, boolean>();

/** A chatter message: no rule reads it (not a turn marker, not a message whose fields matter). */
function plainMessage(msg: string): boolean {
  let plain = plainCache.get(msg);
  if (plain === undefined) {
    plain = !MARKER_MESSAGE.test(msg) && !FIELD_MESSAGE.test(msg);
    if (plainCache.size > 4096) plainCache.clear();
    plainCache.set(msg, plain);
  }
  return plain;
}

const enc = (s: string) => [...Buffer.from(s, 'latin1')];
const LEVEL = enc('{"level":');
const TIME = enc(',"time":');
const PID_KEY = enc(',"pid":');
const HOST = enc(',"hostname":"');
const JOB_KEY = enc(',"jobID":"');
const ROOM_KEY = enc(',"room_id":"');
const MSG_KEY = enc('"msg":"');

function at(buf: Buffer, i: number, lit: number[]): boolean {
  for (let k = 0; k < lit.length; k++) if (buf[i + k] !== lit[k]) return false;
  return true;
}

/**
 * An agents-js job line below warning whose message no rule reads, read straight from its bytes:
 * pino writes `level`, `time`, `pid`, `hostname`, the job bindings (`jobID`, `room_id`), the
 * line's own fields, and `msg` last. Only time, pid and the job are needed to account for it, so
 * the line is never decoded. Returns false for anything else (the full path reads it).
 */
export function pinoJobChatter(buf: Buffer, start: number, end: number, out: JobChatter): boolean {
  if (end - start < 40 || !at(buf, start, LEVEL)) return false;
  let i = start + LEVEL.length;
  let level = 0;
  const l0 = i;
  for (let c = buf[i]!; c >= 48 && c <= 57; c = buf[++i]!) level = level * 10 + c - 48;
  if (i === l0 || level >= 40 || !at(buf, i, TIME)) return false;
  i += TIME.length;
  let time = 0;
  const t0 = i;
  for (let c = buf[i]!; c >= 48 && c <= 57; c = buf[++i]!) time = time * 10 + c - 48;
  if (i === t0 || i - t0 > 15 || !at(buf, i, PID_KEY)) return false;
  i += PID_KEY.length;
  let pid = 0;
  const p0 = i;
  for (let c = buf[i]!; c >= 48 && c <= 57; c = buf[++i]!) pid = pid * 10 + c - 48;
  if (i === p0 || i - p0 > 10 || !at(buf, i, HOST)) return false;
  i += HOST.length;
  while (i < end && buf[i] !== 34 && buf[i] !== 92) i++;
  if (buf[i] !== 34) return false;
  i++;
  // agents-js repeats the pid in its bindings.
  if (at(buf, i, PID_KEY)) {
    i += PID_KEY.length;
    while (buf[i]! >= 48 && buf[i]! <= 57) i++;
  }
  if (!at(buf, i, JOB_KEY)) return false;
  i += JOB_KEY.length;
  const j0 = i;
  while (i < end && buf[i] !== 34 && buf[i] !== 92 && buf[i]! < 128) i++;
  if (buf[i] !== 34 || i === j0 || i - j0 > 200) return false;
  const j1 = i;
  i++;
  if (!at(buf, i, ROOM_KEY)) return false;
  i += ROOM_KEY.length;
  const r0 = i;
  while (i < end && buf[i] !== 34 && buf[i] !== 92 && buf[i]! < 128) i++;
  if (buf[i] !== 34 || i - r0 > 200) return false;
  const r1 = i;
  // `msg` is the last key: its value runs back from the closing `"}` to an unescaped quote.
  if (buf[end - 1] !== 125 || buf[end - 2] !== 34) return false;
  let q = end - 3;
  while (q > r1 && buf[q] !== 34) {
    const c = buf[q]!;
    if (c < 32 || c > 126 || c === 92) return false; // escapes, control or non-ASCII: full path
    q--;
  }
  if (q - 6 <= r1 || !at(buf, q - 6, MSG_KEY)) return false;
  // A line naming its room (`lk.pii.room_name`, `roomName`) teaches attribution something.
  for (let k = r1; k < q - 6; k++)
    if (buf[k] === 111 && buf[k + 1] === 109 && buf[k - 1] === 111 && buf[k - 2] === 114) return false;
  const msg = buf.toString('latin1', q + 1, end - 2);
  if (!plainMessage(msg)) return false;
  out.job = buf.toString('latin1', j0, j1);
  out.roomSid = buf.toString('latin1', r0, r1);
  out.pid = pid;
  out.time = time;
  return true;
}
