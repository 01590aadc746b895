// Text formats, one header regex each; lines that follow a header and are not headers themselves
// (pretty-printed fields, tracebacks, wrapped extras) are its continuation.
//  - pino-pretty (agents-js dev/console): `[HH:MM:ss.SSS] LEVEL (pid): message`, then fields as
//    `    key: value` lines, objects spanning many lines.
//  - Python dev (livekit-agents ≥ 1.6 `dev`): `YYYY-MM-DD HH:MM:SS,mmm - LEVEL name - message {extras}`.
//  - Python console / rich layout: `[\r]HH:MM:SS[.mmm] LEVEL name message {extras}`; the rich layout
//    leaves the time blank when it repeats and wraps the extras onto following indented lines.

import type { LogLevel } from '../../shared/events.js';
import { FIELD_MESSAGE, MARKER_MESSAGE } from '../classify.js';
import type { RawLine } from '../logs/types.js';
import { extrasContext } from './json.js';
import { contextFromFields, DayClock, isRecord, levelOf, localDateTime, type LogRecord } from './record.js';

const PRETTY =
  /^\[(?:(\d{4})-(\d{2})-(\d{2})[ T])?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?: ?(?:[+-]\d{2}:?\d{2}|Z|UTC))?\] +(TRACE|DEBUG|INFO|WARN|ERROR|FATAL|USERLVL|\d+) *(?:\(([^)]*)\))?: ?(.*)$/;
const PRETTY_EPOCH =
  /^\[(\d{13})\] +(TRACE|DEBUG|INFO|WARN|ERROR|FATAL|USERLVL|\d+) *(?:\(([^)]*)\))?: ?(.*)$/;
const PY_DEV =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[,.](\d{1,6}))? - ([A-Z]+) *(?:[0-9]+ )?(\S+) - (.*)$/;
const LEVEL_WORD = 'TRACE|DEBUG|DEV|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL';
const PY_CONSOLE = new RegExp(
  `^\\r*(?:(\\d{2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,6}))?|\\s{6,})\\s+(${LEVEL_WORD})\\s+([A-Za-z_][\\w.:-]*)\\s+(.*)$`,
);

/** The rich layout leaves the time blank when it repeats: such a header starts with spaces. */
const BLANK_TIME_HEADER = new RegExp(`^\\s{6,}(?:${LEVEL_WORD})\\s+[A-Za-z_][\\w.:-]*\\s`);
export function isBlankTimeHeader(text: string): boolean {
  return BLANK_TIME_HEADER.test(text);
}

export type TextFormat = 'pino-pretty' | 'python-text' | 'python-console';

export interface TextHeader {
  format: TextFormat;
  /** Quick path: the extras' JSON text, left unparsed because no rule reads this line's fields. */
  extrasText?: string;
  time: number;
  level?: LogLevel;
  message: string;
  logger?: string;
  pid?: number;
  extras?: Record<string, unknown>;
}

const d2 = (t: string, i: number) => (t.charCodeAt(i) - 48) * 10 + t.charCodeAt(i + 1) - 48;

/**
 * The exact `dev` layout, "YYYY-MM-DD HH:MM:SS,mmm - LEVEL logger - message", read by position:
 * most lines of a dev log take this path instead of the general pattern.
 */
function pyDevFast(text: string, quick: boolean): TextHeader | undefined {
  if (
    text.charCodeAt(10) !== 32 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(19) !== 44 ||
    text.charCodeAt(23) !== 32 ||
    text.charCodeAt(24) !== 45 ||
    text.charCodeAt(25) !== 32
  )
    return undefined;
  const lvlEnd = text.indexOf(' ', 26);
  if (lvlEnd < 0) return undefined;
  const level = levelOf(text.slice(26, lvlEnd));
  if (!level) return undefined;
  let at = lvlEnd;
  while (text.charCodeAt(at) === 32) at++;
  const sep = text.indexOf(' - ', at);
  if (sep < 0) return undefined;
  const logger = text.slice(at, sep);
  if (logger.includes(' ')) return undefined;
  const ms = (text.charCodeAt(20) - 48) * 100 + d2(text, 21);
  const time = localHourStart(text.slice(0, 13)) + (d2(text, 14) * 60 + d2(text, 17)) * 1000 + ms;
  if (Number.isNaN(time)) return undefined;
  return withExtras({ format: 'python-text', time, level, logger, message: text.slice(sep + 3) }, quick);
}

// Python's asctime is local time; converting a full date per line is slow, so the start of each
// local hour ("YYYY-MM-DD HH") is converted once and minutes, seconds and milliseconds added to it.
let hourKey = '';
let hourStart = 0;
export function localHourStart(key: string): number {
  if (key !== hourKey) {
    hourKey = key;
    hourStart = new Date(
      Number(key.slice(0, 4)),
      Number(key.slice(5, 7)) - 1,
      Number(key.slice(8, 10)),
      Number(key.slice(11, 13)),
    ).getTime();
  }
  return hourStart;
}

function fracMs(s: string | undefined): number {
  return s ? Number(s.padEnd(3, '0').slice(0, 3)) : 0;
}

/** Parses a header line of any text format, or returns undefined. `clock` dates time-only lines. */
export function parseTextHeader(text: string, clock: DayClock, quick = false): TextHeader | undefined {
  const c0 = text.charCodeAt(0);
  if (c0 === 91 /* [ */) {
    let m = PRETTY.exec(text);
    if (m) {
      const time = m[1]
        ? localDateTime(m, 1, fracMs(m[7]))
        : clock.at(Number(m[4]), Number(m[5]), Number(m[6]), fracMs(m[7]));
      return prettyHeader(time, m[8], m[9], m[10] ?? '');
    }
    m = PRETTY_EPOCH.exec(text);
    if (m) return prettyHeader(Number(m[1]), m[2], m[3], m[4] ?? '');
    return undefined;
  }
  if (c0 >= 48 && c0 <= 57 /* digit */ && text.charCodeAt(4) === 45 /* - */) {
    const fast = pyDevFast(text, quick);
    if (fast) return fast;
    const m = PY_DEV.exec(text);
    if (m) {
      const level = levelOf(m[8]);
      if (!level) return undefined;
      const time =
        localHourStart(text.slice(0, 13)) + (Number(m[5]) * 60 + Number(m[6])) * 1000 + fracMs(m[7]);
      return withExtras({ format: 'python-text', time, level, logger: m[9], message: m[10] ?? '' }, quick);
    }
    return undefined;
  }
  if (c0 === 13 /* \r */ || (c0 >= 48 && c0 <= 57) || c0 === 32) {
    const m = PY_CONSOLE.exec(text);
    if (m) {
      const time = m[1] ? clock.at(Number(m[1]), Number(m[2]), Number(m[3]), fracMs(m[4])) : Number.NaN;
      return withExtras({
        format: 'python-console',
        time,
        level: levelOf(m[5]),
        logger: m[6],
        message: m[7] ?? '',
      });
    }
  }
  return undefined;
}

function prettyHeader(
  time: number,
  levelWord: string | undefined,
  paren: string | undefined,
  message: string,
): TextHeader {
  const h: TextHeader = {
    format: 'pino-pretty',
    time,
    level: levelWord && /^\d+$/.test(levelWord) ? levelOf(Number(levelWord)) : levelOf(levelWord),
    message,
  };
  // "(pid)", "(name/pid)", "(pid on host)", "(name/pid on host)"
  const pm = paren ? /(?:^|\/)(\d+)(?: on |$)/.exec(paren) : null;
  if (pm?.[1]) h.pid = Number(pm[1]);
  if (paren) {
    const nm = /^([^/\s]+)\/\d+/.exec(paren);
    if (nm?.[1]) h.logger = nm[1];
  }
  return h;
}

/**
 * Python text formats end the message with the record's extras as one JSON object (`{"k": v}`).
 * A message may itself end in `}` (a Python-literal dict), so only a suffix that starts with `{"`
 * and parses as a JSON object counts.
 */
function withExtras(h: TextHeader, quick = false): TextHeader {
  if (quick && (h.level === 'debug' || h.level === 'info' || h.level === 'trace')) {
    // Most lines are chatter no rule reads: split off the extras without parsing them.
    const msg = h.message;
    const at = msg.endsWith('}') ? msg.lastIndexOf(' {"') : -1;
    const message = at >= 0 ? msg.slice(0, at) : msg.trimEnd();
    if (!FIELD_MESSAGE.test(message)) {
      h.message = message;
      h.extrasText = at >= 0 ? msg.slice(at + 1) : '';
      return h;
    }
  }
  const t = trailingJson(h.message);
  if (t) {
    h.extras = t.value;
    h.message = h.message.slice(0, t.at).trimEnd();
  }
  return h;
}

/** A JSON object (`{"k": …}`) that ends `text`, and where it starts. */
export function trailingJson(text: string): { value: Record<string, unknown>; at: number } | undefined {
  if (!text.endsWith('}')) return undefined;
  let at = text.lastIndexOf('{"');
  for (let tries = 0; at >= 0 && tries < 8; tries++) {
    try {
      const v: unknown = JSON.parse(text.slice(at));
      if (isRecord(v)) return { value: v, at };
    } catch {
      // not the extras: try an earlier brace
    }
    at = at > 0 ? text.lastIndexOf('{"', at - 1) : -1;
  }
  return undefined;
}

export function headerToRecord(h: TextHeader, line: RawLine): LogRecord {
  const fields = h.extras ?? {};
  const r: LogRecord = {
    format: h.format,
    time: h.time,
    level: h.level,
    message: h.extras ? h.message : h.message.trimEnd(),
    fields,
    ctx: h.extrasText !== undefined ? extrasContext(h.extrasText) : contextFromFields(fields),
    line,
  };
  if (h.extrasText !== undefined) {
    r.extrasText = h.extrasText;
    if (MARKER_MESSAGE.test(r.message)) r.marker = true;
  }
  if (h.logger) r.logger = h.logger;
  if (h.pid !== undefined && r.ctx.pid === undefined) r.ctx = { ...r.ctx, pid: h.pid };
  return r;
}

/** Is this line a continuation of the record before it, for that record's format? */
export function isContinuation(format: TextFormat | 'json', text: string): boolean {
  if (text.length === 0) return format !== 'json';
  const c0 = text.charCodeAt(0);
  if (c0 === 32 || c0 === 9) return true; // indented: fields, stack frames, wrapped extras
  if (format === 'pino-pretty') return false;
  // Traceback heads and tails, chained-exception separators.
  return TRACEBACK_LINE.test(text);
}

const TRACEBACK_LINE =
  /^(?:Traceback \(most recent call last\):|During handling of the above exception|The above exception was the direct cause|[A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit|Warning|Timeout|Cancelled\w*)(?::|$)|\^+$|\+[-=]+|\| )/;

export function isTracebackStart(text: string): boolean {
  return text.startsWith('Traceback (most recent call last):');
}

/**
 * pino-pretty prints each field as `    key: <JSON>` at four spaces of indent, objects across
 * several lines. Reassembles them; a value that is not valid JSON (pino-pretty prints error stacks
 * as raw lines) keeps the `"key": scalar` pairs it contains.
 */
export function parsePrettyFields(lines: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let key: string | undefined;
  let buf: string[] = [];
  const commit = () => {
    if (key === undefined) return;
    out[key] = parseLooseValue(buf.join('\n'));
    key = undefined;
    buf = [];
  };
  for (const l of lines) {
    // A field begins at exactly four spaces (a stack or an object's lines at more are not tried).
    const m = l.charCodeAt(4) !== 32 && l.startsWith('    ') ? /^ {4}([^\s:][^:]*?): ?(.*)$/.exec(l) : null;
    if (m && m[1] !== undefined) {
      commit();
      const k = m[1];
      key = k.charCodeAt(0) === 34 || k.charCodeAt(k.length - 1) === 34 ? k.replace(/^"|"$/g, '') : k;
      buf.push(m[2] ?? '');
    } else if (key !== undefined) {
      buf.push(l);
    }
  }
  commit();
  return out;
}

function parseLooseValue(text: string): unknown {
  const t = text.trim();
  if (t === '') return '';
  // pino-pretty prints a multi-line string (a stack) as a key, a newline and raw lines: never JSON.
  // Not trying JSON.parse on it saves the exception, which quotes the text and costs microseconds.
  if (!/":\r?\n/.test(t)) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      // fall through
    }
  }
  if (!t.startsWith('{')) return t;
  const obj: Record<string, unknown> = {};
  const re = /^\s*"([^"]+)": (?:"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)|(true|false|null))/gm;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const k = m[1];
    if (k === undefined) continue;
    if (m[2] !== undefined) {
      // Without a backslash, JSON.parse gives the text back (or throws, on a control character).
      if (!m[2].includes('\\')) obj[k] = m[2];
      else
        try {
          obj[k] = JSON.parse(`"${m[2]}"`) as unknown;
        } catch {
          obj[k] = m[2];
        }
    } else if (m[3] !== undefined) obj[k] = Number(m[3]);
    else obj[k] = m[4] === 'true' ? true : m[4] === 'false' ? false : null;
  }
  obj.__text = t;
  return obj;
}
