// What the session store answers (src/core/store.ts), as every reader receives it: the timeline
// over IPC or HTTP, `--json`, tests. Plain data, frozen when handed out.

import type { EventKind, LogLevel, ProviderError, TurnMetrics } from './events.js';
import type { Finding, QuotaInfo, TurnLatency } from './types.js';

/**
 * What an event says beyond its message, as the timeline draws and inspects it: the agent's state,
 * a provider error's decoded fields, a transcript. Only the fields the event carries are set.
 */
export interface EventDetail {
  level?: LogLevel;
  /** agent_state (and an agent that joined with one): listening, thinking, speaking … */
  state?: string;
  /** An error (or the error a close names): which part failed and what it said. */
  component?: ProviderError['component'];
  stage?: ProviderError['stage'];
  status?: number;
  requestId?: string;
  errorType?: string;
  attempt?: number;
  recoverable?: boolean;
  quota?: QuotaInfo;
  /** Close, exit or the observer's connection: why. */
  reason?: string;
  code?: number;
  crashed?: boolean;
  /** A user's transcript or the agent's words (capped). */
  text?: string;
  participant?: string;
  agent?: boolean;
  /** A metrics record's measures (ms), and its speech id. */
  measured?: Partial<Record<'eouDelayMs' | 'transcriptionDelayMs' | 'ttftMs' | 'ttfbMs' | 'audioMs', number>>;
  speechId?: string;
}

/** One event of a session, as the index keeps it. */
export interface StoredEvent {
  /** Stable: `<file id>:<byte offset>` for a log line, `<room id>:<time>:<kind>:<n>` for a room's. */
  id: string;
  session: string;
  time: number;
  kind: EventKind;
  source: 'log' | 'room';
  file?: string;
  line?: number;
  offset?: number;
  room?: string;
  /** A one-line description (the message); the evidence itself is read with `evidence()`. */
  message: string;
  /** For a metrics record: which (`eou`, `llm`, `tts` …). */
  metrics?: TurnMetrics['type'];
  detail?: EventDetail;
}

/**
 * One turn of a session as its events tell it: the user finished (or, for a reply nobody asked
 * for, the agent began), the agent began its reply, the agent spoke — and the latencies its
 * metrics carried, when it carried any.
 */
export interface StoredTurn {
  /** The event that opened it: a user's turn end, or the reply's start. */
  id: string;
  userEnd?: number;
  replyBegun?: number;
  spoke?: number;
  /** The turn's failures (error events between its start and the next turn). */
  errors: number;
  latency?: TurnLatency;
}

/** One state of a finding: they are never changed, only followed by the next. */
export interface FindingVersion {
  how: 'created' | 'escalated' | 'recovered';
  /** When it happened (its first time, its last time when escalated, its recovery). */
  at: number;
  finding: Readonly<Finding>;
}

export type StoreChange =
  | { type: 'event'; event: StoredEvent }
  | { type: 'finding'; version: FindingVersion }
  /** What is watched was replaced (the tray started again on new settings): ask again. */
  | { type: 'reset' };
