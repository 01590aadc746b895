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

/** A named failure or silence in one session, with its evidence and what to do about it. */
export interface Finding {
  /** Stable id: `<session>/<cause>`. */
  id: string;
  session: string;
  room?: string;
  job?: string;
  cause: CauseId;
  severity: Severity;
  component: Component;
  /** When it first happened (epoch ms), and when it was last seen. */
  time: number;
  lastTime: number;
  /** How many events fed it (retries, repeated errors, dead turns). */
  count: number;
  /** The cause in a few plain words: the notification's title. */
  title: string;
  /** One plain sentence: what the agent's user experienced, and why. */
  summary: string;
  /** One sentence a developer can act on. */
  remedy: string;
  /** The first piece of evidence, then (when different) the latest one. */
  evidence: Evidence[];
  quota?: QuotaInfo;
  status?: number;
  /** This finding is a consequence of another one in the same session (one incident, one alert). */
  consequenceOf?: CauseId;
  /** A silence that ended: when the agent spoke again. */
  recovered?: number;
  /**
   * A silence (a user left waiting, the agent thinking, no agent come): when it began, the time of
   * its first evidence. `time` is when it was declared, that long later.
   */
  since?: number;
}

export interface SessionSummary {
  id: string;
  room?: string;
  roomSid?: string;
  job?: string;
  pids: number[];
  files: string[];
  /** First and last event times (epoch ms); NaN when no line carried a time. */
  start: number;
  end: number;
  /** Replies the agent began, user turns that ended, replies the agent actually spoke. */
  turns: { agent: number; user: number; spoken: number };
  errors: number;
  /** Failed turns counted toward `max_unrecoverable_errors`. */
  deadTurns: number;
  verdict: Verdict;
  /** The primary cause first. */
  causes: Finding[];
  closeReason?: string;
  live: boolean;
  /** Per-turn latencies, where the log carried metrics records (`log_metrics` / `logMetrics`). */
  latency?: SessionLatency;
  /** Lines that named no job and could have belonged to this session or others. */
  ambiguous?: number;
  /**
   * The session's last user turn awaits an answer and nothing more was logged of it: no reply heard,
   * no silence declared yet, no close. In `analyze`, the log ends there (the worker was stopped, or
   * the log was cut); while watching, the user is waiting now.
   */
  waiting?: { since: number; file?: string; line?: number };
  /**
   * The log shows replies playing out (one was heard, or its replies are agents-js speech handles,
   * logged beside their playout): `turns.spoken` below `turns.agent` is replies nobody heard.
   */
  playoutLogged?: true;
}

/** One reply's latencies (ms), joined from its metrics records by `speech_id` or by order. */
export interface TurnLatency {
  /** When its first metrics record was written (epoch ms). */
  time: number;
  speechId?: string;
  eouDelayMs?: number;
  transcriptionDelayMs?: number;
  ttftMs?: number;
  ttfbMs?: number;
}

export type LatencyField = 'eouDelayMs' | 'transcriptionDelayMs' | 'ttftMs' | 'ttfbMs';

export interface SessionLatency {
  /** Per field, over the turns that carry it. */
  p50: Partial<Record<LatencyField, number>>;
  p95: Partial<Record<LatencyField, number>>;
  turns: TurnLatency[];
}
