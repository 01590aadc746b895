// Turns a LogRecord into an AgentEvent by what the message and fields say. The message templates
// are the frameworks' own (livekit-agents and agents-js share most of them: see docs/log-lines.md),
// matched loosely so that small wording changes across versions still read.

import type { AgentEvent, ProviderError, TurnMetrics } from '../shared/events.js';
import type { Component, Evidence } from '../shared/types.js';
import type { LogRecord } from './formats/record.js';
import { isRecord } from './formats/record.js';
import {
  creditsExhaustedFromCounters,
  decodeErrorObject,
  decodeErrorText,
  type DecodedError,
} from './quota.js';

/** Evidence text is capped so that a finding never carries a megabyte of log. */
export const EVIDENCE_MAX = 4000;

const RE = {
  llmFail: /failed to generate (?:LLM|llm) completion/,
  sttFail: /failed to recogni[sz]e speech/,
  ttsFail: /failed to synthesi[sz]e speech/,
  realtimeFail:
    /failed to generate a reply|realtime (?:model|session) error|failed to (?:connect to|start) (?:the )?realtime/i,
  noAudio: /no audio frames were pushed/,
  // Python ≥ 1.8 (voice/audio_recognition.py): a streamed STT that failed for good (its error
  // counted by the session) is recreated; the line's traceback ends "failed to recognize speech
  // after <n> attempts", which a JSON message carries and a dev line prints below it.
  sttRecreated: /^STT stream ended on an unrecoverable error/,
  // Python's `log_exceptions` on a reply's inference task: the stream's final error (and traceback).
  inferenceTask: /^Error in _(llm|tts)_inference_task\b/,
  gatewayLimited: /rate limited by inference gateway/i,
  retrying: /retrying in (\d+(?:\.\d+)?)\s*(ms|s)\b/,
  afterAttempts: /after (\d+) attempts/,
  closingOnError: /AgentSession is closing due to (?:an )?unrecoverable error/i,
  sessionClosed: /^AgentSession closed\b|^session closed\b/i,
  participantDisconnect: /closing agent session due to participant disconnect/i,
  jobRequest: /^received job request/i,
  processExiting: /^process exiting/i,
  nonZeroExit: /process exited with non-zero exit code (-?\d+)/i,
  unresponsive: /(?:process|job executor) is unresponsive/i,
  speechHandle: /^Creating speech handle|^speech (?:created|scheduled)\b|^generating reply\b/i,
  // An interrupted playout may have played nothing (agents-js logs one when a failed turn ends).
  playout: /^playout completed without interruption\b|^agent started speaking\b/i,
  // agents-js logs "end of user turn" (DEBUG) and, in some releases, "User turn committed" for one
  // turn: either is its end, and both a moment apart are one turn (silence.ts, awaitAnswer).
  userSpeechStopped:
    /^User turn committed\b|^user (?:stopped speaking|turn (?:completed|ended))\b|^end of (?:user )?(?:speech|turn)\b/i,
  agentState: /^agent state changed\b|^agent_state_changed\b/i,
  // Both frameworks log the session's audio wiring (DEBUG) once as an AgentSession starts.
  sessionStart: /^using audio io: /,
  // Python ≥ 1.5 logs each chat message as it is added (DEBUG), `role` and `lk.pii.text` as extras.
  conversationItem: /^conversation_item_added$/,
  // `log_metrics()` / `logMetrics()`: EOU, LLM, TTS metrics (agents 0.x: "Pipeline … metrics").
  metrics: /^(?:Pipeline )?(LLM|TTS|EOU|STT|RealtimeModel) metrics$/,
  crash:
    /^(?:Unhandled promise rejection|uncaught exception|unhandled exception in (?:the )?job|job crashed)\b/i,
  // Node prints its version after the stack of an uncaught exception, as the process dies.
  nodeFatal: /^Node\.js v\d+\.\d+\.\d+$/,
};

/** Records the frameworks name with one exact string, matched as written (`llm metrics` is not one). */
const EXACT: ReadonlySet<RegExp> = new Set([RE.conversationItem, RE.metrics, RE.sessionStart]);

/**
 * Any message a rule reads (a case-insensitive superset of RE, but for the records matched exactly):
 * a line whose message does not match and whose level is below error cannot become anything but a
 * plain log event.
 */
export const MESSAGE_OF_INTEREST = union(Object.values(RE));
/** Messages whose event needs nothing but the message itself (no fields): turn and speech markers. */
export const MARKER_MESSAGE = union([RE.speechHandle, RE.playout, RE.userSpeechStopped]);
/** Messages whose event reads the record's fields (errors, closes, processes, items, metrics). */
export const FIELD_MESSAGE = union(
  Object.values(RE).filter((r) => r !== RE.speechHandle && r !== RE.playout && r !== RE.userSpeechStopped),
);

/** Tells whether a message is one of these (a case-insensitive union, the exact ones as written). */
export interface MessageTest {
  test(message: string): boolean;
}

function union(res: RegExp[]): MessageTest {
  const loose = new RegExp(
    res
      .filter((r) => !EXACT.has(r))
      .map((r) => `(?:${r.source})`)
      .join('|'),
    'i',
  );
  const exact = res.filter((r) => EXACT.has(r));
  if (exact.length === 0) return loose;
  const strict = new RegExp(exact.map((r) => `(?:${r.source})`).join('|'));
  return { test: (m) => loose.test(m) || strict.test(m) };
}

export function evidenceOf(r: LogRecord): Evidence {
  let text = r.line.text;
  if (r.more && r.more.length > 0) text += '\n' + r.more.join('\n');
  if (text.length > EVIDENCE_MAX) text = text.slice(0, EVIDENCE_MAX) + '…';
  return { file: r.line.file, line: r.line.line, offset: r.line.offset, text };
}

type EventOf<K extends AgentEvent['kind']> = Extract<AgentEvent, { kind: K }>;

/**
 * The event of kind `kind` that `r` stands for, built in one literal (the caller sets the kind's own
 * fields right after): spreading a shared base into each kind's literal cost microseconds a line.
 */
function event<K extends AgentEvent['kind']>(r: LogRecord, kind: K): EventOf<K> {
  const ev = {
    kind,
    time: r.time,
    ctx: r.ctx,
    format: r.format,
    message: r.message,
    evidence: evidenceOf(r),
  } as EventOf<K>;
  if (r.level) ev.level = r.level;
  if (r.logger) ev.logger = r.logger;
  return ev;
}

function errorEvent(r: LogRecord, error: ProviderError): AgentEvent {
  const ev = event(r, 'error');
  ev.error = error;
  return ev;
}

function exitEvent(r: LogRecord, crashed: boolean, reason?: string, code?: number): AgentEvent {
  const ev = event(r, 'process_exit');
  ev.crashed = crashed;
  if (reason !== undefined) ev.reason = reason;
  if (code !== undefined) ev.code = code;
  return ev;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)
      ? Number(v)
      : undefined;

function componentOf(label: string | undefined, r: LogRecord, fallback: Component): Component {
  const f = r.fields;
  // A close line names the failing stream only in its text (Python: "…: failed to recognize speech after…").
  if (fallback === 'session' || fallback === 'unknown') {
    const m = r.message;
    if (RE.llmFail.test(m)) return 'llm';
    if (RE.sttFail.test(m)) return 'stt';
    if (RE.ttsFail.test(m) || RE.noAudio.test(m)) return 'tts';
    if (/realtime/i.test(m)) return 'realtime';
  }
  const st = str(f.type);
  if (st) {
    if (/^llm/.test(st)) return 'llm';
    if (/^stt/.test(st)) return 'stt';
    if (/^tts/.test(st)) return 'tts';
    if (/^realtime/.test(st)) return 'realtime';
  }
  if (label) {
    if (/realtime/i.test(label)) return 'realtime';
    if (/\bSTT\b|stt/i.test(label)) return 'stt';
    if (/\bTTS\b|tts/i.test(label)) return 'tts';
    if (/\bLLM\b|llm/i.test(label)) return 'llm';
  }
  if (f.llm !== undefined) return 'llm';
  if (f.stt !== undefined) return 'stt';
  if (f.tts !== undefined) return 'tts';
  // "Error code: 401 - {…}" is the OpenAI SDK's wording: an LLM (or OpenAI-compatible) call.
  if ((fallback === 'session' || fallback === 'unknown') && /Error code: \d{3}\b/.test(r.message))
    return 'llm';
  return fallback;
}

function labelOf(r: LogRecord): string | undefined {
  const f = r.fields;
  return str(f.label) ?? str(f.llm) ?? str(f.stt) ?? str(f.tts);
}

/** Merge what the structured error says with what the text says; structure wins. */
function decode(r: LogRecord): DecodedError {
  const f = r.fields;
  const fromObj = isRecord(f.error)
    ? decodeErrorObject(f.error)
    : isRecord(f.err)
      ? decodeErrorObject(f.err)
      : {};
  // Every field the text could give, the structure gives (pino's serialized errors): the text,
  // which may be a whole stack, is not read.
  if (
    fromObj.status !== undefined &&
    fromObj.requestId !== undefined &&
    fromObj.quota !== undefined &&
    fromObj.errorType !== undefined &&
    fromObj.retryable !== undefined
  )
    return {
      status: fromObj.status,
      requestId: fromObj.requestId,
      quota: fromObj.quota,
      errorType: fromObj.errorType,
      retryable: fromObj.retryable,
    };
  let text = r.message;
  if (typeof f.error === 'string') text += '\n' + f.error;
  if (typeof f.exc_info === 'string') text += '\n' + f.exc_info.slice(-4000);
  if (r.more) text += '\n' + r.more.join('\n').slice(0, 20_000);
  // What the text says (a fresh object), overridden by what the structure says.
  const out: DecodedError = decodeErrorText(text);
  if (fromObj.status !== undefined) out.status = fromObj.status;
  if (fromObj.requestId !== undefined) out.requestId = fromObj.requestId;
  if (fromObj.quota !== undefined) out.quota = fromObj.quota;
  if (fromObj.providerQuotaExhausted !== undefined)
    out.providerQuotaExhausted = fromObj.providerQuotaExhausted;
  if (fromObj.errorType !== undefined) out.errorType = fromObj.errorType;
  if (fromObj.retryable !== undefined) out.retryable = fromObj.retryable;
  if (out.quota) out.providerQuotaExhausted = undefined;
  return out;
}

/** A short, single-line human text for the error. */
function detailOf(r: LogRecord, d: DecodedError): string {
  if (d.quota?.message) return d.quota.message;
  const f = r.fields;
  const inner = isRecord(f.error) ? str(f.error.message) : isRecord(f.err) ? str(f.err.message) : undefined;
  let t = inner ?? r.message;
  if (!inner) {
    // Python's API error text: the provider's words are its `message=` value.
    const quoted = /message=(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')/.exec(r.message);
    const caused = /\(caused by ([^)]*)/.exec(r.message);
    // Python's retry line without a status error: "failed to …: Request timed out., retrying in 2.0s".
    const retried = /^failed to [^:]{5,60}: (.+?)(?:, retrying in \d+(?:\.\d+)?m?s)?$/s.exec(r.message);
    if (quoted) t = (quoted[1] ?? quoted[2] ?? t).replace(/\\(['"])/g, '$1');
    else if (caused?.[1]) t = caused[1];
    else if (retried?.[1]) t = retried[1];
  }
  t = t.replace(/\s+/g, ' ').trim();
  return t.length > 240 ? t.slice(0, 239) + '…' : t;
}

function providerError(r: LogRecord, component: Component, stage: ProviderError['stage']): ProviderError {
  const d = decode(r);
  const label = labelOf(r);
  const e: ProviderError = { component: componentOf(label, r, component), detail: detailOf(r, d), stage };
  if (label) e.label = label;
  if (d.status !== undefined) e.status = d.status;
  if (d.requestId) e.requestId = d.requestId;
  if (d.quota) e.quota = d.quota;
  if (d.providerQuotaExhausted) e.quota = { terminal: true, retryable: false, message: e.detail };
  if (d.errorType) e.errorType = d.errorType;
  const f = r.fields;
  const attempt = num(f.attempt);
  if (attempt !== undefined) e.attempt = attempt;
  if (typeof f.recoverable === 'boolean') e.recoverable = f.recoverable;
  const st = str(f.type);
  if (st && /_error$/.test(st)) e.sessionErrorType = st;
  return e;
}

/** The event of a one-line record whose kind is already known (no fields read). */
export function lineEvent(
  r: LogRecord,
  kind: 'log' | 'agent_turn' | 'agent_speech' | 'user_turn_end',
): AgentEvent {
  const t = r.line;
  const ev: AgentEvent = {
    kind,
    time: r.time,
    ctx: r.ctx,
    format: r.format,
    message: r.message,
    evidence: {
      file: t.file,
      line: t.line,
      offset: t.offset,
      text: t.text.length > EVIDENCE_MAX ? t.text.slice(0, EVIDENCE_MAX) + '…' : t.text,
    },
  };
  if (r.level) ev.level = r.level;
  if (r.logger) ev.logger = r.logger;
  return ev;
}

/** The event a turn / speech marker message stands for (`log` when it is none). */
export function markerKind(m: string): 'agent_turn' | 'agent_speech' | 'user_turn_end' | 'log' {
  return RE.speechHandle.test(m)
    ? 'agent_turn'
    : RE.playout.test(m)
      ? 'agent_speech'
      : RE.userSpeechStopped.test(m)
        ? 'user_turn_end'
        : 'log';
}

/** A turn / speech marker read on the quick path: its kind from the message alone. */
export function classifyMarker(r: LogRecord): AgentEvent {
  return lineEvent(r, markerKind(r.message));
}

export function classify(r: LogRecord): AgentEvent {
  const msg = r.message;
  const lvl = r.level;
  const warnOrWorse = lvl === 'warn' || lvl === 'error' || lvl === 'fatal';
  if (lvl !== 'error' && lvl !== 'fatal' && !MESSAGE_OF_INTEREST.test(msg)) return event(r, 'log');

  if (r.format === 'raw' && RE.nodeFatal.test(msg)) {
    return exitEvent(r, true, 'uncaught exception (the Node.js process exited)');
  }

  // Session close
  if (RE.closingOnError.test(msg)) {
    const ev = event(r, 'session_close');
    ev.reason = 'error';
    ev.error = providerError(r, 'session', 'close');
    ev.closing = true;
    return ev;
  }
  if (RE.participantDisconnect.test(msg)) {
    const ev = event(r, 'session_close');
    ev.reason = 'participant_disconnected';
    ev.closing = true;
    return ev;
  }
  if (RE.sessionClosed.test(msg)) {
    const reason = str(r.fields.reason) ?? /reason[=:]\s*['"]?(\w+)/.exec(msg)?.[1] ?? undefined;
    const ev = event(r, 'session_close');
    if (reason) ev.reason = reason.toLowerCase();
    if (r.fields.error !== undefined && r.fields.error !== null)
      ev.error = providerError(r, 'session', 'close');
    return ev;
  }

  // Provider errors
  let comp: Component | undefined;
  let finalByDefault = false;
  if (RE.llmFail.test(msg)) comp = 'llm';
  else if (RE.sttFail.test(msg)) comp = 'stt';
  else if (RE.ttsFail.test(msg)) comp = 'tts';
  else if (RE.noAudio.test(msg)) comp = 'tts';
  else if (RE.sttRecreated.test(msg) && warnOrWorse) {
    comp = 'stt';
    finalByDefault = true;
  } else if (RE.inferenceTask.test(msg) && warnOrWorse) {
    comp = /^Error in _llm/.test(msg) ? 'llm' : 'tts';
    finalByDefault = true;
  } else if (RE.realtimeFail.test(msg) && warnOrWorse) {
    comp = 'realtime';
    finalByDefault = true;
  }
  if (comp) {
    const retry = RE.retrying.exec(msg);
    const stage: ProviderError['stage'] = retry
      ? 'retry'
      : RE.afterAttempts.test(msg) || finalByDefault || lvl === 'error' || lvl === 'fatal'
        ? 'final'
        : 'retry';
    const e = providerError(r, comp, stage);
    if (retry?.[1]) e.retryInMs = Number(retry[1]) * (retry[2] === 's' ? 1000 : 1);
    if (RE.noAudio.test(msg)) e.noAudio = true;
    return errorEvent(r, e);
  }
  if (RE.gatewayLimited.test(msg)) {
    const e = providerError(r, 'llm', 'retry');
    const f = r.fields;
    const counters: NonNullable<ProviderError['counters']> = {};
    const map = [
      ['rpm_limit', 'rpmLimit'],
      ['rpm_used', 'rpmUsed'],
      ['tpm_limit', 'tpmLimit'],
      ['tpm_used', 'tpmUsed'],
      ['credits_limit', 'creditsLimit'],
      ['credits_used', 'creditsUsed'],
    ] as const;
    for (const [k, to] of map) {
      const v = num(f[k]);
      if (v !== undefined) counters[to] = v;
    }
    // Without counters or a body the line only says "429": the retry line that follows it says why
    // (credits or a rate limit), and is what counts.
    if (Object.keys(counters).length === 0 && !e.quota) return event(r, 'log');
    e.counters = counters;
    if (e.status === undefined) e.status = 429;
    if (creditsExhaustedFromCounters(counters.creditsUsed, counters.creditsLimit)) {
      e.quota = { ...(e.quota ?? {}), terminal: true, retryable: false };
      e.quota.type ??= 'llm';
    } else if (!e.quota) {
      e.quota = { type: 'llm', terminal: false, retryable: true };
    }
    return errorEvent(r, e);
  }

  // Jobs and processes
  if (RE.jobRequest.test(msg)) return event(r, 'job_request');
  const nz = RE.nonZeroExit.exec(msg);
  if (nz) return exitEvent(r, true, undefined, Number(nz[1]));
  if (RE.processExiting.test(msg)) {
    const reason = str(r.fields.reason) ?? /reason[=:]\s*['"]?([^'"]+)/.exec(msg)?.[1];
    return exitEvent(
      r,
      reason ? /crash|error|unresponsive|memory/i.test(reason) : false,
      reason || undefined,
    );
  }
  if (RE.unresponsive.test(msg)) return event(r, 'process_unresponsive');
  if (warnOrWorse && RE.crash.test(msg)) return exitEvent(r, true, msg.slice(0, 200));

  // Turns and speech
  if (RE.sessionStart.test(msg)) return event(r, 'session_start');
  if (RE.speechHandle.test(msg)) return event(r, 'agent_turn');
  if (RE.playout.test(msg)) return event(r, 'agent_speech');
  if (RE.userSpeechStopped.test(msg)) return event(r, 'user_turn_end');
  if (RE.agentState.test(msg)) {
    const state = str(r.fields.new_state) ?? str(r.fields.newState) ?? str(r.fields.state);
    if (state) {
      const ev = event(r, 'agent_state');
      ev.state = state;
      return ev;
    }
  }

  if (RE.conversationItem.test(msg)) {
    const role = str(r.fields.role);
    const text = str(r.fields['lk.pii.text']) ?? str(r.fields.text);
    if (role === 'user') {
      const ev = event(r, 'user_turn_end');
      if (text !== undefined) ev.transcript = text.slice(0, 2000);
      return ev;
    }
    if (role === 'assistant') {
      const ev = event(r, 'agent_speech');
      ev.via = 'item';
      if (text !== undefined) ev.text = text.slice(0, 2000);
      return ev;
    }
    return event(r, 'log');
  }
  const metricsType = RE.metrics.exec(msg)?.[1];
  if (metricsType !== undefined) {
    const ev = event(r, 'metrics');
    ev.metrics = metricsOf(metricsType, r);
    return ev;
  }

  // An error line with an HTTP status from a named component is a provider error too.
  if ((lvl === 'error' || lvl === 'fatal') && (labelOf(r) || str(r.fields.type)?.endsWith('_error'))) {
    const e = providerError(r, 'unknown', 'final');
    if (e.component !== 'unknown' || e.status !== undefined) return errorEvent(r, e);
  }
  return event(r, 'log');
}

/** A number of milliseconds from a field: `<key>Ms` is milliseconds, `<key>` seconds in Python. */
function ms(f: Record<string, unknown>, keys: readonly string[], python: boolean): number | undefined {
  for (const k of keys) {
    const inMs = num(f[k + 'Ms']);
    if (inMs !== undefined) return nonNegative(inMs);
    const v = num(f[k]);
    // agents-js wrote its older `ttft` / `ttfb` in milliseconds too; Python writes seconds.
    if (v !== undefined) return nonNegative(python ? v * 1000 : v);
  }
  return undefined;
}

/** The frameworks write -1 for "not measured". */
const nonNegative = (v: number): number | undefined => (v >= 0 ? Math.round(v * 100) / 100 : undefined);

function metricsOf(type: string, r: LogRecord): TurnMetrics {
  const f = r.fields;
  const python = r.format.startsWith('python');
  const m: TurnMetrics = {
    type:
      type === 'LLM'
        ? 'llm'
        : type === 'TTS'
          ? 'tts'
          : type === 'EOU'
            ? 'eou'
            : type === 'STT'
              ? 'stt'
              : 'realtime',
  };
  const speechId =
    str(f.speech_id) ?? str(f.speechId) ?? str(f.sequence_id) ?? str(f.sequenceId) ?? undefined;
  if (speechId !== undefined) m.speechId = speechId.slice(0, 100);
  const set = (key: keyof TurnMetrics, names: readonly string[]) => {
    const v = ms(f, names, python);
    if (v !== undefined) (m as unknown as Record<string, number>)[key] = v;
  };
  set('ttftMs', ['ttft']);
  set('ttfbMs', ['ttfb']);
  set('eouDelayMs', ['end_of_utterance_delay', 'endOfUtteranceDelay']);
  set('transcriptionDelayMs', ['transcription_delay', 'transcriptionDelay']);
  set('audioMs', ['audio_duration', 'audioDuration']);
  return m;
}
