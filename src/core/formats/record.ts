// A LogRecord is one log record as its format wrote it — a header line plus any continuation
// lines (pretty-printed fields, tracebacks) — normalised to time, level, message and fields.
// Formats produce records; `classify` turns records into AgentEvents. Shared helpers live here.

import { statSync } from 'node:fs';
import type { EventContext, FormatId, LogLevel } from '../../shared/events.js';
import type { RawLine } from '../logs/types.js';

export interface LogRecord {
  format: FormatId;
  /** Epoch ms; NaN when the line carried no usable time. */
  time: number;
  level?: LogLevel;
  message: string;
  logger?: string;
  /** Structured fields (JSON keys, extras, pretty-printed fields). Untrusted: check types. */
  fields: Record<string, unknown>;
  ctx: EventContext;
  /** The header line: the evidence a finding cites. */
  line: RawLine;
  /** Continuation lines (tracebacks, pretty fields), verbatim. */
  more?: string[];
  /** Read on the quick path and its message is a turn/speech marker: classify it without fields. */
  marker?: boolean;
  /** Quick path (text formats): the extras' JSON, not parsed yet. */
  extrasText?: string;
}

/**
 * `ctx` (a context of its own, just made from fields) with the defined values of `over` put over
 * it: what `{ ...ctx, ...over }` gives when the keys whose value is undefined are left out of
 * `over` (they must not erase what the fields named), without the two copies.
 */
export function withDefined(ctx: EventContext, over: EventContext): EventContext {
  for (const k in over) {
    const v = over[k as keyof EventContext];
    if (v !== undefined) (ctx as Record<string, unknown>)[k] = v;
  }
  return ctx;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const asStr = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : undefined;

function asInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d{1,10}$/.test(v)) return Number(v);
  return undefined;
}

/** Which job / room / process a record names, from the keys either framework uses. */
export function contextFromFields(f: Record<string, unknown>): EventContext {
  const ctx: EventContext = {};
  const jobId = asStr(f.job_id) ?? asStr(f.jobID) ?? asStr(f.jobId);
  if (jobId) ctx.jobId = jobId;
  // `room` is the name in Python ≥ 1.6; agents-js names it `lk.pii.room_name` / `roomName`.
  const roomName = asStr(f.room) ?? asStr(f['lk.pii.room_name']) ?? asStr(f.roomName) ?? asStr(f.room_name);
  if (roomName) ctx.roomName = roomName;
  const roomSid = asStr(f.room_id) ?? asStr(f.roomId) ?? asStr(f.roomID) ?? asStr(f.room_sid);
  if (roomSid) ctx.roomSid = roomSid;
  const pid = asInt(f.pid);
  if (pid !== undefined) ctx.pid = pid;
  const tid = asInt(f.tid);
  if (tid !== undefined) ctx.tid = tid;
  const participant = asStr(f.participant) ?? asStr(f.participant_identity);
  if (participant) ctx.participant = participant;
  return ctx;
}

const LEVEL_WORDS: Record<string, LogLevel> = {
  trace: 'trace',
  debug: 'debug',
  dev: 'debug',
  info: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  critical: 'fatal',
  fatal: 'fatal',
  exception: 'error',
};

/** A level from a pino number (10–60), a Python name, or a custom level number (DEV=23, TRACE=5). */
export function levelOf(v: unknown): LogLevel | undefined {
  if (typeof v === 'number') {
    if (v >= 60) return 'fatal';
    if (v >= 50) return 'error';
    if (v >= 40) return 'warn';
    if (v >= 30) return 'info';
    if (v >= 20) return 'debug';
    return 'trace';
  }
  if (typeof v === 'string') return LEVEL_WORDS[v.trim().toLowerCase()];
  return undefined;
}

/** Epoch ms from an epoch number (s or ms) or an ISO-8601 string; NaN when neither. */
export function timeOf(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
  if (typeof v === 'string' && v.length >= 10 && v.length <= 40) {
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return t;
    // Python's asctime: "2026-11-24 19:05:01,123" (local time).
    const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[,.](\d{1,6}))?$/.exec(v);
    if (m) return localTime(m);
  }
  return Number.NaN;
}

function localTime(m: RegExpExecArray): number {
  return localDateTime(m, 1, m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0);
}

/** Local epoch ms from six captured groups (year … second) starting at `at`, plus milliseconds. */
export function localDateTime(m: RegExpExecArray, at: number, ms: number): number {
  const n = (i: number) => Number(m[at + i]);
  return new Date(n(0), n(1) - 1, n(2), n(3), n(4), n(5), ms).getTime();
}

/**
 * The date a file's time-of-day-only lines borrow (its DayClock's base): the moment it was last
 * written, or `fallback` when it cannot be told (standard input, a file gone).
 */
export function fileDay(file: string, fallback = Date.now()): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return fallback;
  }
}

/**
 * Time-of-day-only formats (pino-pretty, Python console) borrow the date: the day of `base`,
 * rolling forward when the clock goes back by more than 12 hours (midnight passed).
 */
export class DayClock {
  private day: number; // local midnight, epoch ms
  private last = Number.NaN;
  constructor(base: number) {
    const d = new Date(base);
    d.setHours(0, 0, 0, 0);
    this.day = d.getTime();
  }
  /** Its midnight (epoch ms): what a time of day is added to. */
  get midnight(): number {
    return this.day;
  }
  /** Forgets the last time: the next one is not taken for the next day, however early. */
  forget(): void {
    this.last = Number.NaN;
  }
  at(h: number, m: number, s: number, ms: number): number {
    return this.atDayMs(((h * 60 + m) * 60 + s) * 1000 + ms);
  }
  /** `at` for a time of day in milliseconds (what the bulk reader has of a pino-pretty header). */
  atDayMs(dayMs: number): number {
    let t = this.day + dayMs;
    if (!Number.isNaN(this.last) && t < this.last - 12 * 3600_000) {
      const d = new Date(this.day);
      d.setDate(d.getDate() + 1);
      this.day = d.getTime();
      t = this.day + dayMs;
    }
    this.last = t;
    return t;
  }
}
