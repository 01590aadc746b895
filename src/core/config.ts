// deadair's settings: one JSON file (XDG config dir), validated against one schema — the same the
// tray app's settings will use. A bad value gives one line naming the key; unknown keys are errors
// too (a typo must not be silently ignored). Flags override the file.

import { jsonErrorWhere, shownUrl } from './redact.js';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config } from '../shared/settings.js';
import { CAUSE_IDS, type CauseId } from '../shared/types.js';

export type { Config };

export const DEFAULT_CONFIG: Config = {
  alerts: {
    minSeverity: 'critical',
    causes: {},
    spoken: {},
    burstSeconds: 10,
    maxPerMinute: 6,
    historyMinutes: 10,
    notify: true,
    sound: true,
  },
  detectors: {
    silenceSeconds: 8,
    thinkingSeconds: 15,
    hangSeconds: 60,
    rateLimitCriticalMinutes: 2,
    neverJoinedSeconds: 20,
  },
  watch: { paths: [] },
  livekit: { maxRooms: 20 },
};

export class ConfigError extends Error {}

type Rule =
  | { kind: 'number'; min: number; max: number; integer?: boolean }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'string'; pattern?: RegExp; what?: string }
  | { kind: 'strings'; max: number; what: string };
type Section = 'alerts' | 'detectors' | 'watch' | 'livekit';
const SECTIONS: readonly Section[] = ['alerts', 'detectors', 'watch', 'livekit'];
const SCHEMA: Record<Section, Record<string, Rule>> = {
  alerts: {
    minSeverity: { kind: 'enum', values: ['critical', 'warning', 'info'] },
    burstSeconds: { kind: 'number', min: 0, max: 3600 },
    maxPerMinute: { kind: 'number', min: 1, max: 600, integer: true },
    historyMinutes: { kind: 'number', min: 0, max: 5_256_000 },
    notify: { kind: 'boolean' },
    sound: { kind: 'boolean' },
  },
  detectors: {
    silenceSeconds: { kind: 'number', min: 1, max: 600 },
    thinkingSeconds: { kind: 'number', min: 1, max: 3600 },
    hangSeconds: { kind: 'number', min: 5, max: 86_400 },
    rateLimitCriticalMinutes: { kind: 'number', min: 0.1, max: 1440 },
    neverJoinedSeconds: { kind: 'number', min: 1, max: 3600 },
  },
  watch: {
    paths: { kind: 'strings', max: 100, what: 'a list of log files, folders or globs' },
    rooms: { kind: 'string', pattern: /^\S(.{0,199})$/, what: "a room name pattern, e.g. 'dev-*'" },
  },
  livekit: {
    url: { kind: 'string', pattern: /^(wss?|https?):\/\/\S+$/, what: 'a wss:// or ws:// URL' },
    apiKey: { kind: 'string', pattern: /^\S+$/, what: 'an API key' },
    apiSecret: { kind: 'string', pattern: /^\S+$/, what: 'an API secret' },
    maxRooms: { kind: 'number', min: 1, max: 500, integer: true },
  },
};

function check(key: string, rule: Rule, v: unknown): void {
  // A number JSON cannot hold (1e309 reads as Infinity) is shown as what it is, not as null.
  const shown = typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
  const got = key.endsWith('url') ? shownUrl(shown) : shown;
  if (
    rule.kind === 'number' &&
    (typeof v !== 'number' ||
      !Number.isFinite(v) ||
      v < rule.min ||
      v > rule.max ||
      (rule.integer === true && !Number.isInteger(v)))
  )
    throw new ConfigError(
      `${key} must be ${rule.integer === true ? 'a whole number' : 'a number'} from ${rule.min} to ${rule.max} (got ${got})`,
    );
  if (rule.kind === 'boolean' && typeof v !== 'boolean')
    throw new ConfigError(`${key} must be true or false (got ${got})`);
  if (rule.kind === 'string' && (typeof v !== 'string' || (rule.pattern && !rule.pattern.test(v))))
    throw new ConfigError(
      `${key} must be ${rule.what ?? 'a string'} (got ${key.endsWith('Secret') || key.endsWith('Key') ? 'something else' : got})`,
    );
  if (
    rule.kind === 'strings' &&
    (!Array.isArray(v) ||
      v.length > rule.max ||
      v.some((x) => typeof x !== 'string' || x.trim() === '' || x.length > 4096))
  )
    throw new ConfigError(`${key} must be ${rule.what} (at most ${rule.max} non-empty strings)`);
  if (rule.kind === 'enum' && (typeof v !== 'string' || !rule.values.includes(v)))
    throw new ConfigError(`${key} must be one of ${rule.values.join(', ')} (got ${got})`);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates a parsed settings object on top of the defaults. Throws ConfigError naming the key. */
export function parseConfig(raw: unknown): Config {
  const cfg: Config = structuredClone(DEFAULT_CONFIG);
  if (!isObject(raw)) throw new ConfigError('the settings must be a JSON object');
  for (const [section, value] of Object.entries(raw)) {
    if (!(SECTIONS as readonly string[]).includes(section))
      throw new ConfigError(`unknown key ${section} (expected ${SECTIONS.join(', ')})`);
    if (!isObject(value)) throw new ConfigError(`${section} must be an object`);
    for (const [k, v] of Object.entries(value)) {
      const key = `${section}.${k}`;
      if (section === 'alerts' && (k === 'causes' || k === 'spoken')) {
        if (!isObject(v)) throw new ConfigError(`${key} must be an object of cause ids to true/false`);
        for (const [cause, on] of Object.entries(v)) {
          if (!(CAUSE_IDS as readonly string[]).includes(cause))
            throw new ConfigError(`unknown cause ${key}.${cause} (expected one of ${CAUSE_IDS.join(', ')})`);
          check(`${key}.${cause}`, { kind: 'boolean' }, on);
          cfg.alerts[k][cause as CauseId] = on as boolean;
        }
        continue;
      }
      const sec = section as Section;
      const rule = SCHEMA[sec][k];
      if (!rule)
        throw new ConfigError(
          `unknown key ${key} (expected ${[...Object.keys(SCHEMA[sec]), ...(section === 'alerts' ? ['causes', 'spoken'] : [])].join(', ')})`,
        );
      check(key, rule, v);
      (cfg[sec] as unknown as Record<string, unknown>)[k] = v;
    }
  }
  return cfg;
}

export function defaultConfigPath(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'deadair', 'config.json');
}

/** Reads the settings file; a missing default file means defaults, anything wrong is a ConfigError. */
export function loadConfig(file: string, explicit: boolean): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) return structuredClone(DEFAULT_CONFIG);
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ENOENT'
          ? 'no such file'
          : code === 'EISDIR'
            ? 'is a directory'
            : (e as Error).message;
    throw new ConfigError(`cannot read ${file}: ${why}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // Never quote the text: it may hold the API secret (a single-quoted one is a common mistake).
    const hint = /'/.test(text) ? " (JSON needs double quotes, not ')" : '';
    throw new ConfigError(`${file} is not valid JSON: ${jsonErrorWhere((e as Error).message, text)}${hint}`);
  }
  try {
    return parseConfig(raw);
  } catch (e) {
    throw new ConfigError(`${file}: ${(e as Error).message}`);
  }
}

/**
 * Writes the settings (validated first) where `loadConfig` reads them: atomically (a temporary file
 * renamed over it), readable by the user only, as it may hold an API key.
 */
export function saveConfig(file: string, cfg: Config): void {
  const valid = parseConfig(JSON.parse(JSON.stringify(cfg)));
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(valid, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

/** `~` and `~/…` as the shell reads them: the user's home. */
export function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME || homedir();
  return p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p;
}
