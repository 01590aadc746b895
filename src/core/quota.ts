// Decodes the inference gateway's quota contract (livekit/agents PR #6012) and the other facts an
// error carries (status, request id, provider) from every shape a log line can hold: the body as a
// dict, a JSON body inside a message, a Python-literal dict inside a message, the narrowed `error`
// string with the category in its text, and an API status error's `key=value` text.
// Every input is untrusted: wrong types are dropped and nothing here throws.

import type { QuotaInfo } from '../shared/types.js';

/** Credits exhausted until the next billing cycle: the session closes on the first occurrence. */
export const TERMINAL_CATEGORIES: ReadonlySet<string> = new Set(['MaxGatewayCredits', 'MaxBargeInRequests']);
/** Rate / concurrency limits: recover in about a minute. */
export const RETRYABLE_CATEGORIES: ReadonlySet<string> = new Set([
  'MaxConcurrentGatewayLLMRpm',
  'MaxConcurrentGatewayLLMTpm',
  'MaxConcurrentGatewaySTT',
  'MaxConcurrentGatewayTTS',
  'MaxBargeInRPM',
]);
const KNOWN_CATEGORIES: readonly string[] = [...TERMINAL_CATEGORIES, ...RETRYABLE_CATEGORIES];
const QUOTA_TYPES: ReadonlySet<string> = new Set(['llm', 'stt', 'tts', 'bargein']);

/** Category → terminal, by the contract's table; unknown or missing → transient (the safe default). */
export function isTerminalCategory(category: string | undefined): boolean {
  return category !== undefined && TERMINAL_CATEGORIES.has(category);
}

/** What one error's text and fields tell about it. */
export interface DecodedError {
  status?: number;
  requestId?: string;
  quota?: QuotaInfo;
  /** The provider's own "out of money" signal (e.g. OpenAI `insufficient_quota`), not the gateway's. */
  providerQuotaExhausted?: boolean;
  errorType?: string;
  retryable?: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** A value that may be a number or a numeric string ("429"); anything else is dropped. */
function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d{1,4}$/.test(v)) return Number(v);
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Quota info from a body dict. Returns undefined unless the dict is recognisably a quota body. */
export function quotaFromBody(body: unknown): QuotaInfo | undefined {
  if (!isRecord(body)) return undefined;
  // The gateway body may itself be nested as {"error": {...}} by some SDKs.
  if (isRecord(body.error) && body.type === undefined) return quotaFromBody(body.error);
  const type = str(body.type);
  const category = str(body.category);
  const quotaType = str(body.quota_type);
  const message = str(body.error) ?? str(body.message);
  const fromText = message ? quotaFieldsFromText(message) : {};
  const cat = category ?? fromText.category;
  const isQuota =
    type === 'inference_quota_exceeded' ||
    (cat !== undefined && (TERMINAL_CATEGORIES.has(cat) || RETRYABLE_CATEGORIES.has(cat))) ||
    (quotaType !== undefined && QUOTA_TYPES.has(quotaType));
  if (!isQuota) return undefined;
  return makeQuota({
    type: quotaType && QUOTA_TYPES.has(quotaType) ? quotaType : fromText.type,
    category: cat,
    hint: str(body.hint) ?? fromText.hint,
    remainingLimit: str(body.remaining_limit) ?? numToStr(body.remaining_limit) ?? fromText.remainingLimit,
    message,
  });
}

function numToStr(v: unknown): string | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
}

function makeQuota(q: Omit<QuotaInfo, 'terminal' | 'retryable'>): QuotaInfo {
  const terminal = isTerminalCategory(q.category);
  const out: QuotaInfo = { terminal, retryable: !terminal };
  if (q.type) out.type = q.type;
  if (q.category) out.category = q.category;
  if (q.hint) out.hint = q.hint;
  if (q.remainingLimit) out.remainingLimit = q.remainingLimit;
  if (q.message) out.message = q.message;
  return out;
}

// One pattern finds `key: value`, `key=value`, `"key": "value"`, `'key': 'value'` and the
// backslash-escaped forms a JSON string nests, so JSON, Python literals and kwargs all read alike.
const Q = `\\\\*["']`;
// A value quoted with " may hold ' (Python's repr of "You're out"), and the other way round.
const VALUE = `\\s*(?:\\\\*"((?:[^"\\\\]|\\\\(?!"))*)\\\\*"|\\\\*'((?:[^'\\\\]|\\\\(?!'))*)\\\\*'|([A-Za-z0-9_.+-]+))`;
/**
 * A quoted key (`"key":`, `'key':`) or a keyword argument (`key=`) is a field; a bare `key:` may be
 * prose inside a message ("…, category: MaxGatewayCredits"), so it is only tried after them.
 */
interface FieldPattern {
  strict: RegExp;
  loose: RegExp;
  /** Bytes every match holds (a key, or what all of a key's spellings share). */
  literal: string;
  /** How far before the literal a match may begin, not counting a run of backslashes. */
  back: number;
}
function fieldPattern(key: string, literal = key, back = 1): FieldPattern {
  return {
    strict: new RegExp(`(?:${Q}${key}${Q}\\s*:|(?:^|[^A-Za-z0-9_])${key}\\s*=)${VALUE}`, 'g'),
    loose: new RegExp(`(?:^|[^A-Za-z0-9_])${key}\\s*:${VALUE}`, 'g'),
    literal,
    back,
  };
}
const FIELD = {
  quotaType: fieldPattern('quota_type'),
  category: fieldPattern('category'),
  hint: fieldPattern('hint'),
  remainingLimit: fieldPattern('remaining_limit'),
  statusCode: fieldPattern('(?:status_code|statusCode|status)', 'status'),
  requestId: fieldPattern('(?:request_id|requestId|x-request-id)', 'request', 3),
  retryable: fieldPattern('retryable'),
};

/**
 * The value of the first `key` field in `text`, the strict forms first. Both patterns are run
 * from just before the key's first occurrence (no match can begin earlier: a match is the key with
 * at most `back` bytes and a run of backslashes before it), and not at all when the key is absent:
 * the same match as from the start, without trying the pattern at every byte of a long line.
 */
/** The value of a field named in an error's text (what decodeErrorText reads; exported for tests). */
export function textField(name: keyof typeof FIELD, text: string): string | undefined {
  return field(FIELD[name], text);
}

function field(p: FieldPattern, text: string): string | undefined {
  const at = text.indexOf(p.literal);
  if (at < 0) return undefined;
  const from = Math.max(0, at - p.back);
  p.strict.lastIndex = from;
  let m = p.strict.exec(text);
  if (!m) {
    p.loose.lastIndex = from;
    m = p.loose.exec(text);
  }
  if (!m) return undefined;
  const v = m[1] ?? m[2] ?? m[3];
  return v === undefined || v === '' || v === 'None' || v === 'null' ? undefined : v;
}

interface TextQuotaFields {
  type?: string;
  category?: string;
  hint?: string;
  remainingLimit?: string;
  isQuotaType?: boolean;
}

function quotaFieldsFromText(text: string): TextQuotaFields {
  const out: TextQuotaFields = {};
  const category = field(FIELD.category, text);
  if (category && /^[A-Za-z][\w.-]{0,79}$/.test(category)) out.category = category;
  else {
    // The narrowed string may name a known category without "category:" in front of it.
    for (const c of KNOWN_CATEGORIES) {
      if (text.includes(c)) {
        out.category = c;
        break;
      }
    }
  }
  const qt = field(FIELD.quotaType, text);
  if (qt && QUOTA_TYPES.has(qt)) out.type = qt;
  const hint = field(FIELD.hint, text);
  if (hint) out.hint = unescape(hint).slice(0, 500);
  const rl = field(FIELD.remainingLimit, text);
  if (rl) out.remainingLimit = rl.slice(0, 40);
  out.isQuotaType = text.includes('inference_quota_exceeded');
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(["'\\])/g, '$1');
}

const QUOTA_TEXT = /quota exceeded|inference_quota_exceeded/i;
const PROVIDER_QUOTA =
  /insufficient_quota|exceeded your current quota|credit balance is too low|quota_exceeded/i;

/**
 * Everything an error's text says: status, request id, and quota fields when it is a quota error.
 * `text` may be a whole log line, an exception's str(), or a pino error message.
 */
export function decodeErrorText(text: string): DecodedError {
  if (text.length === 0) return {};
  if (text.length > MEMO_TEXT_MAX) return decodeText(text);
  // A log repeats its errors (every retry of every turn): each text is read once.
  let d = memo.get(text);
  if (d === undefined) {
    d = decodeText(text);
    if (memo.size >= MEMO_SIZE) memo.clear();
    memo.set(text, d);
  }
  // A fresh object each time (callers add to it), as reading it again would give; of one shape,
  // field by field (a spread's copy is slow to add to).
  return copyDecoded(d);
}

function copyDecoded(d: DecodedError): DecodedError {
  const out: DecodedError = {};
  if (d.status !== undefined) out.status = d.status;
  if (d.requestId !== undefined) out.requestId = d.requestId;
  if (d.quota !== undefined) out.quota = { ...d.quota };
  if (d.providerQuotaExhausted !== undefined) out.providerQuotaExhausted = d.providerQuotaExhausted;
  if (d.errorType !== undefined) out.errorType = d.errorType;
  if (d.retryable !== undefined) out.retryable = d.retryable;
  return out;
}

/** Texts read before, and what they say (texts longer than MEMO_TEXT_MAX are not kept). */
const memo = new Map<string, DecodedError>();
const MEMO_SIZE = 1024;
const MEMO_TEXT_MAX = 256;

function decodeText(text: string): DecodedError {
  const out: DecodedError = {};
  const status = statusFromText(text);
  if (status !== undefined) out.status = status;
  const rid = field(FIELD.requestId, text);
  if (rid && rid.length <= 120) out.requestId = rid;
  const retryable = field(FIELD.retryable, text);
  if (retryable === 'True' || retryable === 'true') out.retryable = true;
  else if (retryable === 'False' || retryable === 'false') out.retryable = false;
  const et = /\b([A-Z][A-Za-z]*(?:Error|Exception|Timeout))\b/.exec(text);
  if (et?.[1]) out.errorType = et[1];

  const q = quotaFieldsFromText(text);
  const typed = q.isQuotaType || QUOTA_TEXT.test(text);
  const knownCategory =
    q.category !== undefined && (TERMINAL_CATEGORIES.has(q.category) || RETRYABLE_CATEGORIES.has(q.category));
  if (typed || knownCategory) {
    out.quota = makeQuota({
      type: q.type,
      category: q.category,
      hint: q.hint,
      remainingLimit: q.remainingLimit,
      message: gatewayMessage(text),
    });
  } else if (PROVIDER_QUOTA.test(text)) {
    out.providerQuotaExhausted = true;
  }
  return out;
}

/**
 * The gateway's human `error` string when it is quoted in the text: what
 * `/([A-Z]{2,4}[^"'{}\\\n\r]{0,80}?quota exceeded[^"'{}\\\n\r]*)/i` finds (trimmed, at most
 * 300 characters; one line: a traceback printed after the error is not the gateway's), without
 * trying the pattern at every position. A match starting at `s` is two to four letters, up to 80
 * more characters none of `"'{}\` or a line end, then "quota exceeded" (any case) and the run of
 * such characters after it: it exists when two letters begin at `s` and the first "quota
 * exceeded" from `s + 2` begins by `s + letters + 80` and ends before the first of those from `s`
 * — where the match then ends, whichever letters and occurrence the pattern took.
 */
function gatewayMessage(text: string): string | undefined {
  QUOTA_EXCEEDED.lastIndex = 0;
  let q = QUOTA_EXCEEDED.exec(text);
  if (!q) return undefined;
  const len = text.length;
  // No match begins more than 84 characters before the first "quota exceeded".
  let s = Math.max(0, q.index - 84);
  let stop = -1; // the first of "'{}\ at or after s (len when none), once known
  while (s + 16 <= len) {
    if (q.index < s + 2) {
      QUOTA_EXCEEDED.lastIndex = s + 2;
      q = QUOTA_EXCEEDED.exec(text);
      if (!q) return undefined;
    }
    // Too far ahead for a match to begin here: one can begin no earlier than 84 before it.
    if (q.index > s + 84) {
      s = q.index - 84;
      continue;
    }
    if (isLetter(text.charCodeAt(s)) && isLetter(text.charCodeAt(s + 1))) {
      const letters = isLetter(text.charCodeAt(s + 2)) ? (isLetter(text.charCodeAt(s + 3)) ? 4 : 3) : 2;
      if (stop < s) stop = specialFrom(text, s);
      if (q.index <= s + letters + 80 && q.index + 14 <= stop)
        return text.slice(s, stop).trim().slice(0, 300);
    }
    s++;
  }
  return undefined;
}
const QUOTA_EXCEEDED = /quota exceeded/gi;

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The first of `"'{}\` in `text` at or after `from`, or its length. */
function specialFrom(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39 || c === 123 || c === 125 || c === 92 || c === 10 || c === 13) return i;
  }
  return text.length;
}

function statusFromText(text: string): number | undefined {
  const kv = field(FIELD.statusCode, text);
  const fromKv = int(kv);
  if (fromKv !== undefined && fromKv >= 100 && fromKv < 600) return fromKv;
  // "Error code: 429 - {...}" (OpenAI Python SDK), `429 "..."` (OpenAI Node SDK),
  // "Unexpected server response: 429" (ws), "Invalid response status (429 Too Many Requests)".
  const m =
    /(?:Error code:?|server response:?|response status:?\s*\(?|HTTP(?:\/\d(?:\.\d)?)?|status)\s*(\d{3})\b/i.exec(
      text,
    ) ??
    /^([45]\d\d) (?=["'{A-Za-z])/.exec(text) ??
    /(?:Error|Exception):\s+([45]\d\d) (?=["'{A-Za-z])/.exec(text) ??
    /\b(\d{3}) (?:Too Many Requests|Unauthorized|Forbidden|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout|Payment Required)\b/.exec(
      text,
    );
  const n = m?.[1] ? Number(m[1]) : undefined;
  return n !== undefined && n >= 100 && n < 600 ? n : undefined;
}

/**
 * Decodes a structured error object (pino's error serializer, or a field a JSON formatter kept):
 * `{type, message, body, statusCode, requestId, retryable, …}`. Falls back to the text of every
 * string inside it, so a body narrowed to a string still yields its category.
 */
export function decodeErrorObject(err: unknown): DecodedError {
  if (!isRecord(err)) return typeof err === 'string' ? decodeErrorText(err) : {};
  const message = str(err.message) ?? '';
  const bodyText = typeof err.body === 'string' ? err.body : '';
  const out = decodeErrorText(`${message}\n${bodyText}`);
  const status = int(err.statusCode) ?? int(err.status_code) ?? int(err.status);
  if (status !== undefined && status >= 100 && status < 600) out.status = status;
  const rid = str(err.requestId) ?? str(err.request_id);
  if (rid) out.requestId = rid.slice(0, 120);
  if (typeof err.retryable === 'boolean') out.retryable = err.retryable;
  const type = str(err.type) ?? str(err.name);
  if (type && /^[A-Za-z_][\w.]{0,60}$/.test(type)) out.errorType = type;
  const bodyQuota = quotaFromBody(err.body) ?? quotaFromBody(err.error);
  if (bodyQuota) {
    out.quota = bodyQuota;
    out.providerQuotaExhausted = undefined;
  }
  if (!out.quota && isRecord(err.body)) {
    const inner = decodeErrorText(JSON.stringify(err.body));
    if (inner.quota) out.quota = inner.quota;
    else if (inner.providerQuotaExhausted) out.providerQuotaExhausted = true;
  }
  // A nested cause (`error.error`, `cause`) may carry what the wrapper lost.
  for (const nested of [err.error, err.cause]) {
    if (isRecord(nested) && !out.quota) {
      const inner = decodeErrorObject(nested);
      if (inner.quota) out.quota = inner.quota;
      if (out.status === undefined && inner.status !== undefined) out.status = inner.status;
      if (!out.requestId && inner.requestId) out.requestId = inner.requestId;
      if (inner.providerQuotaExhausted) out.providerQuotaExhausted = true;
    }
  }
  if (!out.quota && out.status === 429 && out.providerQuotaExhausted === undefined) {
    const code = str(err.code);
    if (code && PROVIDER_QUOTA.test(code)) out.providerQuotaExhausted = true;
  }
  return out;
}

/** The gateway's counters: credits used at or past the limit means out of credits, body or not. */
export function creditsExhaustedFromCounters(used: number | undefined, limit: number | undefined): boolean {
  return used !== undefined && limit !== undefined && limit > 0 && used >= limit;
}
