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
  return quickPinoMessage(msg) ? msg : undefined;
}

/** A pino `msg` the quick path may take: no escapes or quotes in it, and no rule reads its fields. */
export function quickPinoMessage(msg: string): boolean {
  return !msg.includes('\\') && !msg.includes('"') && !FIELD_MESSAGE.test(msg);
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
