// The tray app's settings: the one settings file the CLI reads (validated by the one schema), the
// API secret kept apart — encrypted with the OS keychain through Electron's safeStorage (passed
// in), never written to the settings file, never sent to a page — and the tray's own state
// (paused, snoozed, seen), each in a file of the app's data folder. Plain functions and small
// classes: tested with a stand-in for safeStorage.

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, parseConfig, type Config } from '../core/config.js';
import type { SecretStorage, SettingsUpdate, SettingsView } from '../shared/settings.js';
import type { AppState } from './app-state.js';

/** What deadair uses of Electron's safeStorage. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(text: string): Buffer;
  decryptString(data: Buffer): string;
  /** Linux only: 'basic_text' when no keyring is there and secrets are kept in plain text. */
  getSelectedStorageBackend?(): string;
}

export function secretStorage(s: SafeStorageLike, platform: NodeJS.Platform): SecretStorage {
  if (!s.isEncryptionAvailable()) return 'unavailable';
  if (platform === 'linux' && s.getSelectedStorageBackend?.() === 'basic_text') return 'plain-text';
  return 'encrypted';
}

function writePrivate(file: string, data: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}

/** The LiveKit API secret, encrypted at rest in one file of the app's data folder. */
export class SecretBox {
  constructor(
    private readonly safe: SafeStorageLike,
    private readonly file: string,
  ) {}
  get(): string | undefined {
    let data: Buffer;
    try {
      data = readFileSync(this.file);
    } catch {
      return undefined;
    }
    try {
      return this.safe.isEncryptionAvailable() ? this.safe.decryptString(data) : undefined;
    } catch {
      // Encrypted by another user or keychain: as good as unset.
      return undefined;
    }
  }
  /** Keeps a new secret, or forgets it (null). Throws when the system cannot keep one. */
  set(secret: string | null): void {
    if (secret === null) {
      rmSync(this.file, { force: true });
      return;
    }
    if (!this.safe.isEncryptionAvailable())
      throw new ConfigError(
        'this system offers no secure storage for the API secret: set LIVEKIT_API_SECRET instead',
      );
    writePrivate(this.file, this.safe.encryptString(secret));
  }
}

/** What the settings window shows: the settings without the secret, and how the secret is kept. */
export function settingsView(
  config: Config,
  file: string,
  secret: string | undefined,
  storage: SecretStorage,
  error?: string,
): SettingsView {
  const { apiSecret, ...livekit } = config.livekit;
  return {
    config: { ...config, livekit },
    secret: secret || apiSecret ? 'set' : 'unset',
    secretStorage: storage,
    file,
    ...(error ? { error } : {}),
  };
}

/**
 * An update from the settings window, checked by the one schema: the settings to save (with no
 * secret: a secret sent inside them is refused, it has its own field) and what to do with the
 * secret. A ConfigError names the wrong key.
 */
export function checkUpdate(u: unknown): { config: Config; secret?: string | null } {
  if (typeof u !== 'object' || u === null || Array.isArray(u))
    throw new ConfigError('settings must be an object');
  const { config, secret } = u as SettingsUpdate;
  const parsed = parseConfig(config);
  if (parsed.livekit.apiSecret !== undefined)
    throw new ConfigError('livekit.apiSecret is saved apart from the settings file (the secret field)');
  if (secret !== undefined && secret !== null && (typeof secret !== 'string' || !/^\S{1,512}$/.test(secret)))
    throw new ConfigError('the API secret must be one word of at most 512 characters');
  return secret === undefined ? { config: parsed } : { config: parsed, secret };
}

/** The tray state worth keeping across restarts, read back with every field checked. */
export function restoreState(raw: unknown, base: AppState, now: number): AppState {
  const r = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const snoozedUntil = num(r.snoozedUntil);
  return {
    ...base,
    paused: r.paused === true,
    snoozedUntil: snoozedUntil !== undefined && snoozedUntil > now ? snoozedUntil : undefined,
    seenBefore: num(r.seenBefore) ?? base.seenBefore,
  };
}

export function saveState(file: string, s: AppState): void {
  writePrivate(
    file,
    JSON.stringify({ paused: s.paused, snoozedUntil: s.snoozedUntil, seenBefore: s.seenBefore }),
  );
}

export function readState(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
