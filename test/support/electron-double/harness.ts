// The double's side of the conversation with the test: what it was told (options, from the
// environment), what it reports (every call the app makes, as JSON lines appended to a log file —
// written synchronously, so a record made just before the process exits is never lost), and what
// the test asks of it (commands over the IPC channel: a menu item clicked, a notification clicked,
// a page calling ipcMain …, each answered with a `reply` record in the same log).

import { appendFileSync } from 'node:fs';

export interface DoubleOptions {
  /** The JSON-lines log the records are appended to. */
  log: string;
  /** What `app.requestSingleInstanceLock()` answers (another instance holds it when false). */
  singleInstanceLock?: boolean;
  /** Whether the OS keychain is there for safeStorage (default true). */
  encryption?: boolean;
  /** Linux: safeStorage's backend (default gnome_libsecret; basic_text is plain text). */
  storageBackend?: 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';
  /** What the system's file picker answers (default: cancelled). */
  openDialog?: { canceled: boolean; filePaths: string[] };
}

/** One line of the log. */
export interface LogRecord {
  seq: number;
  api: string;
  [k: string]: unknown;
}

/** A request from the test: `cmd` names it, the rest are its arguments. */
export interface Command {
  id: number;
  cmd: string;
  [k: string]: unknown;
}

export const options: DoubleOptions = JSON.parse(process.env.ELECTRON_DOUBLE ?? '{}') as DoubleOptions;
if (!options.log) throw new Error('the Electron double needs ELECTRON_DOUBLE={"log": FILE, …}');

/** Values as the log keeps them: functions and objects that are not plain data named, not copied. */
function plain(value: unknown, depth = 0): unknown {
  if (typeof value === 'function') return '[function]';
  if (typeof value === 'bigint') return String(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[deep]';
  if (Buffer.isBuffer(value)) return `[Buffer ${value.length}]`;
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    return `[${name}]`;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, depth + 1)]));
}

let seq = 0;
/** Appends one record: what was called (`api`) and with what. */
export function record(api: string, data: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ seq: ++seq, api, ...(plain(data) as Record<string, unknown>) });
  appendFileSync(options.log, line + '\n');
}

/** An exception no caller caught: Electron reports it (a dialog) and runs on; so does the double. */
export function uncaught(e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  record('uncaughtException', { message: err.message, stack: err.stack ?? '' });
}

const commands = new Map<string, (c: Command) => unknown>([['ping', () => 'pong']]);
/** What the double does when the test sends `cmd`: the result (awaited) is the reply. */
export function onCommand(cmd: string, fn: (c: Command) => unknown): void {
  commands.set(cmd, fn);
}

/** Starts answering the test's commands (the child has an IPC channel to its parent). */
export function listen(): void {
  if (!process.send) throw new Error('the Electron double is started with an IPC channel to the test');
  process.on('message', (m: unknown) => {
    const c = m as Command;
    void (async () => {
      const fn = commands.get(c.cmd);
      try {
        if (!fn) throw new Error(`the double has no command ${c.cmd}`);
        record('reply', { id: c.id, ok: true, result: (await fn(c)) ?? null });
      } catch (e) {
        record('reply', { id: c.id, ok: false, error: (e as Error).message });
      }
    })();
  });
  // The channel alone does not keep the app running: Electron's message loop does (launch.ts).
  process.channel?.unref();
}

/** How launch.ts (Electron's start-up) reaches the double's app: set by electron.ts. */
export const lifecycle: { ready?: () => void } = {};
