// Real agent workers for the end-to-end tests, run as users run them, their output (stdout and
// stderr) going to a log file as with `node agent.mjs start > agent.log 2>&1`.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, openSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
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

/** The cached venv's python for livekit-agents `version` (scripts/python-agents.sh), or why none. */
export function pythonAgents(
  version: string,
  env: NodeJS.ProcessEnv = process.env,
): { python: string } | { why: string } {
  const cache = env.DEADAIR_PY_CACHE ?? join(homedir(), '.cache', 'deadair', 'python');
  const dir = join(cache, `livekit-agents-${version}`);
  const python = join(dir, 'bin', 'python');
  if (existsSync(python) && existsSync(join(dir, '.installed'))) return { python };
  return {
    why: `no venv with livekit-agents ${version} (${dir}); run: bash scripts/python-agents.sh ${version}`,
  };
}

/**
 * Starts test/real-livekit/python_agent.py with the venv's python (`start`: JSON, `dev`: coloured
 * text), against the server, with its inference pointed at the gateway; waits until it registered.
 */
export async function startPythonAgent(o: {
  python: string;
  server: LivekitServer;
  gatewayUrl: string;
  agentName: string;
  mode: 'start' | 'dev';
  log: string;
}): Promise<AgentProcess> {
  return spawnAgent(o, o.python, [join(ROOT, 'test/real-livekit/python_agent.py'), o.mode], {
    PYTHONUNBUFFERED: '1',
  });
}

/**
 * Starts test/real-livekit/node-agent.mjs (`start`: JSON at info, `dev`: pretty at debug) against
 * the server, with its inference pointed at the gateway, and waits until it registered.
 * DEADAIR_AGENTS_DIR=<a folder with its own node_modules/@livekit/agents> runs another release: the
 * agent runs as a copy in that folder, so that it, and the job processes the framework starts from
 * its file, load that folder's framework.
 */
export async function startNodeAgent(o: {
  server: LivekitServer;
  gatewayUrl: string;
  agentName: string;
  mode: 'start' | 'dev';
  log: string;
}): Promise<AgentProcess> {
  let script = join(ROOT, 'test/real-livekit/node-agent.mjs');
  const other = process.env.DEADAIR_AGENTS_DIR;
  if (other) {
    const copy = join(resolve(other), 'deadair-node-agent.mjs');
    copyFileSync(script, copy);
    script = copy;
  }
  return spawnAgent(o, process.execPath, [script, o.mode], { NODE_ENV: 'production' });
}

/** The version of the @livekit/agents the Node agent runs (DEADAIR_AGENTS_DIR's, else the repo's). */
export function nodeAgentsVersion(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.DEADAIR_AGENTS_DIR ? resolve(env.DEADAIR_AGENTS_DIR) : ROOT;
  const pkg = join(root, 'node_modules', '@livekit', 'agents', 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

async function spawnAgent(
  o: { server: LivekitServer; gatewayUrl: string; agentName: string; log: string },
  command: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv,
): Promise<AgentProcess> {
  const fd = openSync(o.log, 'a');
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...extraEnv,
      LIVEKIT_URL: o.server.url,
      LIVEKIT_API_KEY: o.server.apiKey,
      LIVEKIT_API_SECRET: o.server.apiSecret,
      LIVEKIT_INFERENCE_URL: o.gatewayUrl,
      E2E_AGENT_NAME: o.agentName,
      E2E_HEALTH_PORT: String(await freeTcpPort()),
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
