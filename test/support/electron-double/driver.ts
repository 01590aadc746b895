// The test's side: compiles the double (TypeScript, checked by tsc against electron.d.ts) with
// esbuild, starts the built app on it in a child Node process — `node --import register.js
// launch.js <app>` plays `electron <app>` — and reads back what the app did (the double's JSON
// lines) and drives it (commands over the IPC channel, each answered in the log).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { DoubleOptions, LogRecord } from './harness.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Compiles the double into `outDir` (ES modules, one file per source, imports kept). */
export async function buildDouble(outDir: string): Promise<void> {
  await build({
    entryPoints: ['electron', 'harness', 'hooks', 'register', 'launch'].map((f) => join(HERE, `${f}.ts`)),
    outdir: outDir,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
}

export interface LaunchOptions {
  /** Where buildDouble put the double. */
  doubleDir: string;
  /** The app's folder (its package.json names the main script). */
  appDir: string;
  /** Switches after the app, as on Electron's command line (e.g. --user-data-dir=…). */
  switches?: string[];
  /** The whole environment of the app (nothing is inherited). */
  env: NodeJS.ProcessEnv;
  /** The log file of the double's records. */
  log: string;
  double?: Omit<DoubleOptions, 'log'>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningApp {
  /** Every record so far, in order. */
  records(): LogRecord[];
  /** Records of one api (e.g. 'Tray.setImage'). */
  calls(api: string): LogRecord[];
  /** Resolves with `find`'s first defined answer, polling the log; fails after `ms` with the log. */
  until<T>(what: string, find: (records: LogRecord[]) => T | undefined, ms?: number): Promise<T>;
  /** Sends a command to the double and resolves with its reply's result (rejects with its error). */
  command(cmd: string, args?: Record<string, unknown>, ms?: number): Promise<unknown>;
  /** Sends a command whose effect may end the process (no reply is waited for). */
  send(cmd: string, args?: Record<string, unknown>): void;
  exited: Promise<Exit>;
  stderr(): string;
  /** Ends the process if it still runs. */
  kill(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function launchApp(o: LaunchOptions): RunningApp {
  writeFileSync(o.log, '');
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      pathToFileURL(join(o.doubleDir, 'register.js')).href,
      join(o.doubleDir, 'launch.js'),
      o.appDir,
      ...(o.switches ?? []),
    ],
    {
      env: { ...o.env, ELECTRON_DOUBLE: JSON.stringify({ ...o.double, log: o.log }) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<Exit>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  let done: Exit | undefined;
  void exited.then((e) => (done = e));

  const records = (): LogRecord[] =>
    existsSync(o.log)
      ? readFileSync(o.log, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as LogRecord)
      : [];
  const dump = () =>
    `\n--- the double's log ---\n${records()
      .map((r) => JSON.stringify(r))
      .join('\n')
      .slice(-12_000)}\n--- stderr ---\n${err.slice(-4000)}`;

  const until = async <T>(what: string, find: (r: LogRecord[]) => T | undefined, ms = 20_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const found = find(records());
      if (found !== undefined) return found;
      if (done) throw new Error(`the app exited (${JSON.stringify(done)}) before ${what}${dump()}`);
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}${dump()}`);
      await sleep(50);
    }
  };

  let ids = 0;
  const send = (cmd: string, args: Record<string, unknown> = {}) => {
    const id = ++ids;
    child.send({ ...args, id, cmd });
    return id;
  };
  return {
    records,
    calls: (api) => records().filter((r) => r.api === api),
    until,
    async command(cmd, args = {}, ms = 20_000) {
      const id = send(cmd, args);
      const reply = await until(
        `the reply to ${cmd} ${JSON.stringify(args)}`,
        (rs) => rs.find((r) => r.api === 'reply' && r.id === id),
        ms,
      );
      if (reply.ok !== true) throw new Error(String(reply.error));
      return reply.result;
    },
    send: (cmd, args) => void send(cmd, args),
    exited,
    stderr: () => err,
    kill: () => {
      if (!done) child.kill('SIGKILL');
    },
  };
}
