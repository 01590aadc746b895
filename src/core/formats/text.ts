// Text formats, one header regex each; lines that follow a header and are not headers themselves
// (pretty-printed fields, tracebacks, wrapped extras) are its continuation.
//  - pino-pretty (agents-js dev/console): `[HH:MM:ss.SSS] LEVEL (pid): message`, then fields as
//    `    key: value` lines, objects spanning many lines.
//  - Python dev (livekit-agents ≥ 1.6 `dev`): `YYYY-MM-DD HH:MM:SS,mmm - LEVEL name - message {extras}`.
//  - Python console / rich layout: `[\r]HH:MM:SS[.mmm] LEVEL name message {extras}` (`lk agent
//    console`), or rich's table (`python agent.py console`): a 4-space tag column before the time,
//    the time left blank when it repeats, long messages wrapped onto lines indented to their column,
//    and extras that do not fit on a line of their own, hard-wrapped from column 0.

import type { LogLevel } from '../../shared/events.js';
import { FIELD_MESSAGE, MARKER_MESSAGE } from '../classify.js';
import type { RawLine } from '../logs/types.js';
import { extrasContext } from './json.js';
import { contextFromFields, DayClock, isRecord, levelOf, localDateTime, type LogRecord } from './record.js';

const PRETTY =
  /^\[(?:(\d{4})-(\d{2})-(\d{2})[ T])?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?: ?([+-]\d{2}:?\d{2}|Z|UTC))?\] +(TRACE|DEBUG|INFO|WARN|ERROR|FATAL|USERLVL|\d+) *(?:\(([^)]*)\))?: ?(.*)$/;
const PRETTY_EPOCH =
  /^\[(\d{13})\] +(TRACE|DEBUG|INFO|WARN|ERROR|FATAL|USERLVL|\d+) *(?:\(([^)]*)\))?: ?(.*)$/;
const PY_DEV =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[,.](\d{1,6}))? - ([A-Z]+) *(?:[0-9]+ )?(\S+) - (.*)$/;
const LEVEL_WORD = 'TRACE|DEBUG|DEV|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL';
// `console` prints through rich (livekit-agents `cli/_legacy.py`, RichLoggingHandler): a 4-space
// tag column, then the time (blank when it repeats), the level, the logger and the message; the
// TCP console (`lk agent console`) prints the time at column 0.
const PY_CONSOLE = new RegExp(
  `^\\r*(?: {1,4}(?=\\d))?(?:(\\d{2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,6}))?|\\s{6,})\\s+(${LEVEL_WORD})\\s+([A-Za-z_][\\w.:-]*)\\s+(.*)$`,
);

/**
 * A rich console header that starts with spaces: its tag column before the time, or the time left
 * blank because it repeats.
 */
const INDENTED_HEADER = new RegExp(
  `^(?:\\s{6,}| {1,4}\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,6})?\\s+)(?:${LEVEL_WORD})\\s+[A-Za-z_][\\w.:-]*\\s`,
);
export function isBlankTimeHeader(text: string): boolean {
  return INDENTED_HEADER.test(text);
}

/**
 * What rich made of a console record too long for its line, joined back: the message wraps onto
 * lines indented to its column (joined with a space), and extras that do not fit follow on a line
 * of their own, hard-wrapped at the terminal's width from column 0 (joined as they are, up to
 * where the JSON ends). Undefined when `more` begins with neither.
 */
export function joinConsoleLines(
  message: string,
  more: readonly string[],
): { message: string; extras?: Record<string, unknown> } | undefined {
  let msg = message.trimEnd();
  let i = 0;
  for (; i < more.length; i++) {
    const l = more[i] as string;
    if (!/^ {8,}\S/.test(l) || l.trimStart().startsWith('{"')) break;
    msg += ` ${l.trim()}`;
  }
  let extras: Record<string, unknown> | undefined;
  const first = more[i];
  if (first !== undefined && /^ +\{"/.test(first)) {
    let text = first.trimStart();
    for (let j = i; ;) {
      if (text.trimEnd().endsWith('}')) {
        try {
          const v: unknown = JSON.parse(text);
          if (isRecord(v)) extras = v;
          break;
        } catch {
          // not its end yet
        }
      }
      if (++j >= more.length || j - i > 400) break;
      text += more[j] as string;
    }
  }
  return i === 0 && extras === undefined ? undefined : { message: msg, extras };
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
      // A date with its zone is an instant; without one (or with a time of day alone), local time.
      const time = m[1]
        ? m[8]
          ? zonedDateTime(m, fracMs(m[7]), m[8])
          : localDateTime(m, 1, fracMs(m[7]))
        : clock.at(Number(m[4]), Number(m[5]), Number(m[6]), fracMs(m[7]));
      return prettyHeader(time, m[9], m[10], m[11] ?? '');
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

/** `YYYY-MM-DD HH:MM:SS` of `m` (from group 1) at the zone `zone` (`+01:00`, `-0500`, `Z`, `UTC`). */
function zonedDateTime(m: RegExpExecArray, ms: number, zone: string): number {
  const n = (i: number) => Number(m[1 + i]);
  const utc = Date.UTC(n(0), n(1) - 1, n(2), n(3), n(4), n(5), ms);
  if (zone === 'Z' || zone === 'UTC') return utc;
  const sign = zone.charCodeAt(0) === 45 ? -1 : 1;
  const digits = zone.replace(':', '');
  return utc - sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
}

/**
 * Is the time of this header local time without a zone, and with its date (`dated`) or a time of
 * day alone (`day`)? Undefined when it names its instant (an epoch, a zone) or has no time.
 */
export function localTimeOf(h: TextHeader, text: string): 'dated' | 'day' | undefined {
  if (Number.isNaN(h.time)) return undefined;
  if (h.format === 'python-text') return 'dated';
  if (h.format === 'python-console') return 'day';
  // pino-pretty: `[1764…]` is an epoch; `[YYYY-MM-DD …]` has its date, and perhaps its zone.
  const m = PRETTY_WHEN.exec(text);
  if (!m) return undefined;
  if (m[1] === undefined) return 'day';
  return m[2] === undefined ? 'dated' : undefined;
}
const PRETTY_WHEN =
  /^\[(\d{4}-\d{2}-\d{2}[ T])?\d{1,2}:\d{2}:\d{2}(?:\.\d{1,3})?( ?(?:[+-]\d{2}:?\d{2}|Z|UTC))?\]/;

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
  // The value's lines: the first, then the others joined to it (most values are one line).
  let first = '';
  let rest: string[] | undefined;
  const commit = () => {
    if (key === undefined) return;
    out[key] = parseLooseValue(rest === undefined ? first : `${first}\n${rest.join('\n')}`);
    key = undefined;
    rest = undefined;
  };
  for (const l of lines) {
    // A field begins at exactly four spaces (a stack or an object's lines at more are not tried).
    const at = l.charCodeAt(4) !== 32 && l.startsWith('    ') ? fieldValueAt(l) : -1;
    if (at >= 0) {
      commit();
      const k = l.slice(4, l.indexOf(':', 5));
      key = k.charCodeAt(0) === 34 || k.charCodeAt(k.length - 1) === 34 ? k.replace(/^"|"$/g, '') : k;
      first = l.slice(at);
    } else if (key !== undefined) {
      (rest ??= []).push(l);
    }
  }
  commit();
  return out;
}

/**
 * Where the value of the field line `l` (four spaces, then not a fifth) begins, as
 * `/^ {4}([^\s:][^:]*?): ?(.*)$/` reads it — the key up to the first colon, a space after it
 * skipped, the value to the line's end with no line terminator in it — or -1 when it is no field.
 */
function fieldValueAt(l: string): number {
  const c = l.charCodeAt(4);
  if (c === 58 || isRegExpSpace(c)) return -1;
  const colon = l.indexOf(':', 5);
  if (colon < 0) return -1;
  const at = l.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
  LINE_TERMINATOR.lastIndex = at;
  return LINE_TERMINATOR.test(l) ? -1 : at;
}

/** From its lastIndex on: is there a \n, \r, U+2028 or U+2029 (what `.` does not match)? */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/g;

export function parseLooseValue(text: string): unknown {
  const t = text.trim();
  if (t === '') return '';
  // Most fields are a plain string or a small integer: what JSON.parse gives, without calling it.
  const plain = plainJson(t);
  if (plain !== NOT_PLAIN) return plain;
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
  const obj = looseMembers(t);
  obj.__text = t;
  return obj;
}

const NOT_PLAIN = Symbol('not plain');

/**
 * What JSON.parse gives for `t` when it is a string without escapes or control characters, an
 * integer of up to 15 digits, true, false or null; NOT_PLAIN for anything else (parse it then).
 */
function plainJson(t: string): unknown {
  const n = t.length;
  const c0 = t.charCodeAt(0);
  if (c0 === 34) {
    if (n < 2 || t.charCodeAt(n - 1) !== 34) return NOT_PLAIN;
    for (let i = 1; i < n - 1; i++) {
      const c = t.charCodeAt(i);
      if (c === 34 || c === 92 || c < 0x20) return NOT_PLAIN;
    }
    return t.slice(1, n - 1);
  }
  if (c0 === 45 || (c0 >= 48 && c0 <= 57)) {
    const d0 = c0 === 45 ? 1 : 0;
    // No leading zero (JSON has none), at most 15 digits (exact as a double).
    if (n === d0 || n - d0 > 15 || (t.charCodeAt(d0) === 48 && n - d0 > 1)) return NOT_PLAIN;
    for (let i = d0; i < n; i++) {
      const c = t.charCodeAt(i);
      if (c < 48 || c > 57) return NOT_PLAIN;
    }
    return Number(t);
  }
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  return NOT_PLAIN;
}

/**
 * The `"key": scalar` members of an object pino-pretty printed that is not valid JSON (a stack
 * printed raw inside it): each found as
 * `/^\s*"([^"]+)": (?:"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)|(true|false|null))/gm` would find
 * them, one line start after another, by a scan that makes no match arrays (LOOSE_MEMBER in
 * text.test.ts is that pattern, and the test holds the two to the same answers).
 */
function looseMembers(t: string): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const n = t.length;
  for (let at = 0; at < n;) {
    const end = looseMember(t, at, obj);
    // The next line start after the match (or after `at`, when none begins there).
    LINE_TERMINATOR.lastIndex = end >= 0 ? end : at;
    at = LINE_TERMINATOR.test(t) ? LINE_TERMINATOR.lastIndex : n + 1;
  }
  return obj;
}

/** The member at line start `at`, stored in `obj`: where it ends, or -1 when none begins there. */
function looseMember(t: string, at: number, obj: Record<string, unknown>): number {
  const n = t.length;
  let j = at;
  while (j < n && isRegExpSpace(t.charCodeAt(j))) j++;
  if (t.charCodeAt(j) !== 34) return -1;
  const k = t.indexOf('"', j + 1);
  if (k <= j + 1 || t.charCodeAt(k + 1) !== 58 || t.charCodeAt(k + 2) !== 32) return -1;
  const key = t.slice(j + 1, k);
  const v = k + 3;
  const c = t.charCodeAt(v);
  if (c === 34) {
    // To its closing quote, an escape and the character after it taken as one.
    let i = v + 1;
    let escaped = false;
    let bs = t.indexOf('\\', i);
    for (;;) {
      const q = t.indexOf('"', i);
      if (q < 0) return -1;
      if (bs < 0 || bs > q) {
        i = q;
        break;
      }
      if (bs + 1 >= n || isLineTerminator(t.charCodeAt(bs + 1))) return -1;
      escaped = true;
      i = bs + 2;
      bs = t.indexOf('\\', i);
    }
    const raw = t.slice(v + 1, i);
    obj[key] = escaped ? (jsonString(raw) ?? raw) : raw;
    return i + 1;
  }
  if (c === 45 || (c >= 48 && c <= 57)) {
    let i = c === 45 ? v + 1 : v;
    const d = i;
    while (i < n && isDigitCode(t.charCodeAt(i))) i++;
    if (i > d) {
      if (t.charCodeAt(i) === 46 && isDigitCode(t.charCodeAt(i + 1))) {
        i += 2;
        while (i < n && isDigitCode(t.charCodeAt(i))) i++;
      }
      obj[key] = Number(t.slice(v, i));
      return i;
    }
    return -1;
  }
  if (t.startsWith('true', v)) {
    obj[key] = true;
    return v + 4;
  }
  if (t.startsWith('false', v)) {
    obj[key] = false;
    return v + 5;
  }
  if (t.startsWith('null', v)) {
    obj[key] = null;
    return v + 4;
  }
  return -1;
}

const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

const ESCAPED: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * What `JSON.parse` gives for `"${raw}"` (a string whose escapes it decodes), or undefined where it
 * throws: a control character, a quote not escaped, an unknown escape or a short `\u`.
 */
function jsonString(raw: string): string | undefined {
  let out = '';
  let from = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 34) return undefined;
    if (c !== 92) continue;
    out += raw.slice(from, i);
    const e = raw[i + 1];
    if (e === 'u') {
      const hex = raw.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 5;
    } else {
      const d = e === undefined ? undefined : ESCAPED[e];
      if (d === undefined) return undefined;
      out += d;
      i++;
    }
    from = i + 1;
  }
  return out + raw.slice(from);
}

/** Where a multiline pattern's `^` may match after: \n, \r, U+2028, U+2029. */
function isLineTerminator(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/** What a pattern's `\s` matches. */
function isRegExpSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}
