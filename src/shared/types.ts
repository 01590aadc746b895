// The plain data that crosses every boundary of deadair: the CLI's --json output, the journal,
// IPC and HTTP. Cause ids and verdicts are public: keep them stable (add, never rename).

export const CAUSE_IDS = [
  'credits_exhausted',
  'rate_limited',
  'dead_turns',
  'untyped_429',
  'key_rejected',
  'provider_error',
  'closed_with_error',
  'agent_silent',
  'stuck_thinking',
  'never_joined',
  'agent_left',
  'process_died',
] as const;
export type CauseId = (typeof CAUSE_IDS)[number];

export type Severity = 'critical' | 'warning' | 'info';
export type Verdict = 'healthy' | 'failed' | 'degraded' | 'silent';
/** Which part of the agent failed. `session` and `process` are the framework itself. */
export type Component = 'llm' | 'stt' | 'tts' | 'realtime' | 'session' | 'process' | 'unknown';

/** Where a piece of evidence came from: a byte range of a log file, or a room message. */
export interface Evidence {
  file?: string;
  /** 1-based line number within the file as it was read (restarts after rotation/truncation). */
  line?: number;
  /** Byte offset of the line's first byte. */
  offset?: number;
  room?: string;
  /** The original text, verbatim (ANSI codes removed); capped for very long lines. */
  text: string;
}

/** The inference gateway's quota contract (livekit/agents PR #6012), as far as a log preserves it. */
export interface QuotaInfo {
  /** `llm` | `stt` | `tts` | `bargein` when known. */
  type?: string;
  category?: string;
  hint?: string;
  remainingLimit?: string;
  /** The gateway's human message, e.g. "LLM token credit quota exceeded, category: MaxGatewayCredits". */
  message?: string;
  /** Credits exhausted until the next billing cycle: the session closes on the first one. */
  terminal: boolean;
  retryable: boolean;
}
