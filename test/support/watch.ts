// `deadair watch` run as a user runs it, kept running while a test drives a room, with helpers to
// wait for what it prints (findings as --json lines on stdout, notices on stderr).
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './cli.js';

export interface JsonFinding {
  type?: string;
  cause?: string;
  severity?: string;
  [k: string]: unknown;
}

export interface Watching {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stdout's JSON lines. */
  lines(): JsonFinding[];
  /** Resolves when `pred` holds (checked every 100 ms), rejects after `ms` with both outputs. */
  until(pred: () => boolean, ms: number, what: string): Promise<void>;
  stop(): Promise<number | null>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startWatch(args: string[], env: NodeJS.ProcessEnv): Watching {
  const child = spawn(process.execPath, [BIN, 'watch', ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let code: number | null | undefined;
  const exited = new Promise<void>((r) =>
    child.once('exit', (c) => {
      code = c;
      r();
    }),
  );
  const lines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as JsonFinding];
        } catch {
          return [];
        }
      });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    lines,
    until: async (pred, ms, what) => {
      const end = Date.now() + ms;
      while (!pred()) {
        if (code !== undefined) throw new Error(`watch exited (${code}) before ${what}:\n${err}\n${out}`);
        if (Date.now() > end)
          throw new Error(`no ${what} within ${ms} ms\n--- stderr\n${err}\n--- stdout\n${out}`);
        await sleep(100);
      }
    },
    stop: async () => {
      if (code === undefined) {
        child.kill('SIGINT');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
      return code ?? null;
    },
  };
}
