// AgentEvent: one normalised thing that happened to an agent, from a log line or (later) a room.
// Parsers produce these; the session tracker folds them; the timeline shows them with their evidence.

import type { Component, Evidence, QuotaInfo } from './types.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Identifies the log format a line was parsed as. */
export type FormatId =
  | 'pino-json' // agents-js, `start` (production)
  | 'pino-pretty' // agents-js, `dev` / `console`
  | 'python-json' // livekit-agents, `start` (production)
  | 'python-text' // livekit-agents, `dev` (1.6+): "2026-11-24 19:05:01,123 - LEVEL name - message {extras}"
  | 'python-console' // livekit-agents, `console` / rich layout: "19:05:01 LEVEL name message {extras}"
  | 'raw'; // a line of no known format: kept, never dropped

export const FORMAT_IDS: readonly FormatId[] = [
  'pino-json',
  'pino-pretty',
  'python-json',
  'python-text',
  'python-console',
  'raw',
];

/** What a line says about which job / room / process wrote it. Every field optional. */
export interface EventContext {
  jobId?: string;
  /** The room's name (`room` in Python ≥ 1.6, `lk.pii.room_name` / `roomName` elsewhere). */
  roomName?: string;
  /** The room's SID (`RM_…`): `room_id` in Python 1.3–1.5 and agents-js job bindings. */
  roomSid?: string;
  pid?: number;
  /** Thread id: Python's thread executor stamps `tid` instead of `pid`. */
  tid?: number;
  participant?: string;
}

/** An error a provider or the framework reported, decoded as far as the line allows. */
export interface ProviderError {
  component: Component;
  /** The plugin label, e.g. `livekit.agents.inference.LLM`, `openai.LLM`. */
  label?: string;
  /** HTTP status, when the error carried one. */
  status?: number;
  requestId?: string;
  /** Typed quota information when the body (or its narrowed string) survived. */
  quota?: QuotaInfo;
  /** Exception type name when known: APIStatusError, APIConnectionError, APITimeoutError … */
  errorType?: string;
  /** One line of human text: the provider's message, trimmed. */
  detail: string;
  /**
   * `retry`: the stream will retry; `final`: the stream gave up (after its attempts) or the
   * session counted an unrecoverable error; `close`: the session is closing because of it.
   */
  stage: 'retry' | 'final' | 'close';
  attempt?: number;
  retryInMs?: number;
  recoverable?: boolean;
  /** `llm_error`, `stt_error`, `tts_error`, `realtime_model_error` when the line names it. */
  sessionErrorType?: string;
  /** TTS produced no audio for a text. */
  noAudio?: boolean;
  /** The gateway's quota counters (Python's "rate limited by inference gateway" line). */
  counters?: Partial<
    Record<'rpmLimit' | 'rpmUsed' | 'tpmLimit' | 'tpmUsed' | 'creditsLimit' | 'creditsUsed', number>
  >;
}

/**
 * One metrics record, in milliseconds whatever the framework wrote (Python logs seconds, agents-js
 * milliseconds). `eou`: the user's turn ended; `llm` / `realtime`: a reply was generated; `tts`: a
 * reply was synthesised; `stt`: audio was transcribed.
 */
export interface TurnMetrics {
  type: 'eou' | 'llm' | 'realtime' | 'tts' | 'stt';
  speechId?: string;
  /** End of the user's speech to the decision that their turn ended. */
  eouDelayMs?: number;
  /** End of the user's speech to the final transcript. */
  transcriptionDelayMs?: number;
  /** LLM time to first token. */
  ttftMs?: number;
  /** TTS time to first byte of audio. */
  ttfbMs?: number;
  /** Audio synthesised (tts) or transcribed (stt). */
  audioMs?: number;
}

interface EventBase {
  /** Epoch milliseconds. Lines without a full date borrow it from the file's context. */
  time: number;
  level?: LogLevel;
  ctx: EventContext;
  format: FormatId;
  /** The line's message (for raw lines, the whole line). */
  message: string;
  /** Logger name (Python) when known. */
  logger?: string;
  evidence: Evidence;
}

export type AgentEvent = EventBase &
  (
    | { kind: 'log' }
    | { kind: 'error'; error: ProviderError }
    | { kind: 'job_request' }
    | { kind: 'session_start' }
    /** `reason`: `error`, `user_initiated`, `participant_disconnected`, … as the framework names it. */
    /**
     * `closing`: the framework announced the close ("closing agent session due to …", "… is closing
     * due to an unrecoverable error"); the session's last lines (a turn it was committing) follow,
     * then its "AgentSession closed".
     */
    | { kind: 'session_close'; reason?: string; error?: ProviderError; closing?: boolean }
    /** The agent begins a reply (a speech handle is created / a generation starts). */
    | { kind: 'agent_turn' }
    /**
     * The user finished a turn (end of speech, a final transcript, a committed turn, a user item
     * added to the conversation).
     */
    | { kind: 'user_turn_end'; transcript?: string }
    /**
     * The agent spoke: its speech played out or started, or (`via: 'item'`) its reply was added to
     * the conversation — one reply may be seen both ways, and is counted once.
     */
    | { kind: 'agent_speech'; via?: 'item'; text?: string }
    /** A metrics record the framework logged (`log_metrics` / `logMetrics`): turn evidence and latency. */
    | { kind: 'metrics'; metrics: TurnMetrics }
    | { kind: 'agent_state'; state: string }
    | { kind: 'process_start' }
    /** A job process ended. `crashed` when it ended abnormally; `unresponsive` when killed for it. */
    | { kind: 'process_exit'; code?: number; reason?: string; crashed: boolean }
    | { kind: 'process_unresponsive' }
    /** Room side: a participant joined or left; `agent` when its kind is AGENT. */
    /** `state`: the agent's `lk.agent.state` as it joined (an agent with one has started). */
    | { kind: 'participant_joined'; participant: string; agent: boolean; state?: string }
    | { kind: 'participant_left'; participant: string; agent: boolean }
    /** Room side: the observer's own connection (`connected`, `reconnecting`, `disconnected`). */
    | { kind: 'observer_connection'; state: string; reason?: string }
  );

export type EventKind = AgentEvent['kind'];
