// What every command shares: the I/O it is given, usage errors, argument parsing, the settings.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, defaultConfigPath, loadConfig, type Config } from '../core/config.js';
import type { SourceProblem } from '../core/logs/types.js';
import { FORMAT_IDS, type FormatId } from '../shared/events.js';
import { safeText } from './format.js';

export const VERSION = '0.1.0';

/** Thrown for bad usage or unusable input: printed as one line, exit code 2. */
export class UsageError extends Error {}

export interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** Resolves when the user asks to stop (Ctrl-C); `watch` runs until then. */
  stopSignal?: Promise<void>;
}

export const COMMON = {
  config: { type: 'string' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e as Error).message;
    // A value that starts with a dash (`--speed -2`): Node explains it over three lines.
    const dashed = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message);
    if (dashed)
      throw new UsageError(
        `${dashed[1]} needs a value; one that starts with a dash is written ${dashed[1]}=-… (see 'deadair help')`,
      );
    throw new UsageError(`${message.replace(/\. To specify a positional.*$/s, '')} (see 'deadair help')`);
  }
}

export function formatOption(v: string | boolean | undefined): FormatId | undefined {
  if (v === undefined || v === 'auto') return undefined;
  if (typeof v === 'string' && (FORMAT_IDS as readonly string[]).includes(v)) return v as FormatId;
  throw new UsageError(`unknown --format '${String(v)}' (expected one of: auto, ${FORMAT_IDS.join(', ')})`);
}

/**
 * `--ui-port`, checked before anything starts: a port number (0, or none: a free one). It and
 * `--open`, given without `--ui`, would do nothing: said, not ignored.
 */
export function uiPortOption(values: { ui?: boolean; 'ui-port'?: string; open?: boolean }): number {
  if (values.open === true && values.ui !== true)
    throw new UsageError('--open opens the timeline of --ui: give --ui too');
  const v = values['ui-port'];
  if (v === undefined) return 0;
  const port = Number(v);
  if (v.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--ui-port must be a port number, not '${safeText(v, 20)}'`);
  if (values.ui !== true) throw new UsageError('--ui-port is the port of --ui: give --ui too');
  return port;
}

export function problemLine(p: SourceProblem): string {
  return `deadair: ${p.message}`;
}

/** The settings file (--config, or the XDG default), as a usage error when it is wrong. */
export function settings(values: { config?: string }, env: NodeJS.ProcessEnv): Config {
  try {
    return loadConfig(values.config ?? defaultConfigPath(env), values.config !== undefined);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`config ${e.message}`);
    throw e;
  }
}
