// The settings' shape (the one schema: validated in src/core/config.ts, read by the CLI and the
// tray app), and what the tray's settings window reads and writes over the contract. The API
// secret never crosses to a page: the window learns only whether one is set and how it is kept.

import type { CauseId, Severity } from './types.js';

export interface Config {
  alerts: {
    /** Findings below this severity raise no alert. */
    minSeverity: Severity;
    /** Per-cause switch: false keeps that cause from alerting (it is still printed). */
    causes: Partial<Record<CauseId, boolean>>;
    /** Per-cause switch of the spoken clip: false alerts that cause without it (notification only). */
    spoken: Partial<Record<CauseId, boolean>>;
    /** Sessions failing for one cause within this many seconds make one alert. */
    burstSeconds: number;
    /** At most this many alerts a minute; the rest are counted and reported with the next one. */
    maxPerMinute: number;
    /**
     * What a log held before the watch began (read with --from-start, replayed on standard input,
     * caught up on after a restart) alerts only when it happened at most this many minutes ago.
     */
    historyMinutes: number;
    notify: boolean;
    sound: boolean;
  };
  detectors: {
    silenceSeconds: number;
    thinkingSeconds: number;
    hangSeconds: number;
    rateLimitCriticalMinutes: number;
    /** A user waits this long in a room with no agent: never_joined. */
    neverJoinedSeconds: number;
  };
  /**
   * What the tray app watches (and `deadair watch` with no paths or rooms given): log files,
   * folders or globs, and a room name pattern.
   */
  watch: {
    paths: string[];
    rooms?: string;
  };
  /** The LiveKit server rooms are observed on (the environment's LIVEKIT_* win over these). */
  livekit: {
    url?: string;
    apiKey?: string;
    apiSecret?: string;
    /** Observe at most this many rooms at once. */
    maxRooms: number;
  };
}

/** How the tray keeps the API secret: encrypted by the OS keychain, in plain text (a Linux
 * without a keyring: the window warns), or not at all (no secure storage on this system). */
export type SecretStorage = 'encrypted' | 'plain-text' | 'unavailable';

/** What the settings window shows. */
export interface SettingsView {
  /** The settings, the API secret left out. */
  config: Config;
  secret: 'set' | 'unset';
  secretStorage: SecretStorage;
  /** The settings file (shared with the CLI). */
  file: string;
  /** Why the file could not be read, when it could not (defaults are shown instead). */
  error?: string;
}

/** What the settings window saves: the settings, and the secret (a new one, null to forget it,
 * left out to keep it). */
export interface SettingsUpdate {
  config: unknown;
  secret?: string | null;
}
