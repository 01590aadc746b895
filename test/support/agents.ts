// Real agent workers for the end-to-end tests, run as users run them, their output (stdout and
// stderr) going to a log file as with `node agent.mjs start > agent.log 2>&1`.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';
import { freeTcpPort, type LivekitServer } from './livekit-server.js';

export interface AgentProcess {
  child: ChildProcess;
  log: string;
  /** The log so far. */
  text(): string;
  /** Sends a signal to the worker (and, for SIGKILL, to its whole process group: the job processes too). */
  kill(signal: NodeJS.Signals): void;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts test/real-livekit/node-agent.mjs (`start`: JSON at info, `dev`: pretty at debug) against
 * the server, with its inference pointed at the gateway, and waits until it registered.
 */
export async function startNodeAgent(o: {
  server: LivekitServer;
  gatewayUrl: string;
  agentName: string;
  mode: 'start' | 'dev';
  log: string;
}): Promise<AgentProcess> {
  const fd = openSync(o.log, 'a');
  const child = spawn(process.execPath, [join(ROOT, 'test/real-livekit/node-agent.mjs'), o.mode], {
    cwd: ROOT,
    env: {
      ...process.env,
      LIVEKIT_URL: o.server.url,
      LIVEKIT_API_KEY: o.server.apiKey,
      LIVEKIT_API_SECRET: o.server.apiSecret,
      LIVEKIT_INFERENCE_URL: o.gatewayUrl,
      E2E_AGENT_NAME: o.agentName,
      E2E_HEALTH_PORT: String(await freeTcpPort()),
      NODE_ENV: 'production',
    },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  let done = false;
  void exited.then(() => (done = true));
  const text = () => readFileSync(o.log, 'utf8');
  const kill = (signal: NodeJS.Signals) => {
    if (done || child.pid === undefined) return;
    try {
      if (signal === 'SIGKILL') process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  };
  const end = Date.now() + 60_000;
  while (!/registered worker/i.test(text())) {
    if (done) throw new Error(`the agent exited before it registered:\n${text()}`);
    if (Date.now() > end) {
      kill('SIGKILL');
      throw new Error(`the agent did not register within 60 s:\n${text()}`);
    }
    await sleep(200);
  }
  return {
    child,
    log: o.log,
    text,
    kill,
    exited,
    stop: async () => {
      if (done) return;
      kill('SIGINT');
      const t = setTimeout(() => kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
      // Its job processes share its process group: none may outlive the test.
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // none left
      }
    },
  };
}
