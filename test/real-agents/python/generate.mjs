// Records what the REAL livekit-agents (Python) framework prints in each scenario, against the
// local gateway stand-in (../gateway.mjs). Usage:
//   node test/real-agents/python/generate.mjs <outdir> [--python PATH] [recording...]
// PATH is a python with livekit-agents installed (`bash scripts/python-agents.sh` prints one per
// version); default: the cached 1.8.9 venv. Each recording runs agent.py in its own process group,
// stdout and stderr both to `<outdir>/<recording>.<json|dev>.log`, as a deployed agent's output is
// redirected, and is killed if it outlives TIMEOUT_MS.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGateway } from '../gateway.mjs';

/** recording name → the agent.py scenario, its log level and how the gateway answers. */
export const RECORDINGS = {
  hang: { scenario: 'hang', level: 'DEBUG', gateway: { llm: 'hang' } },
  'llm-timeout': { scenario: 'llm-timeout', level: 'DEBUG', gateway: { llm: 'no-response' } },
  'healthy-metrics': { scenario: 'healthy-metrics', level: 'DEBUG', gateway: { llm: 'ok-usage' } },
  'healthy-metrics-info': { scenario: 'healthy-metrics', level: 'INFO', gateway: { llm: 'ok-usage' } },
  'info-only': { scenario: 'info-only', level: 'INFO', gateway: { llm: 'ok-usage' } },
  'two-sessions': { scenario: 'two-sessions', level: 'DEBUG', gateway: { llm: 'ok-usage' } },
  credits: { scenario: 'credits', level: 'DEBUG', gateway: { llm: 'credits' } },
  'llm-401': { scenario: 'llm-401', level: 'DEBUG', gateway: { llm: '401' } },
  'llm-500': { scenario: 'llm-500', level: 'DEBUG', gateway: { llm: '500' } },
  'stt-429': { scenario: 'stt-429', level: 'DEBUG', gateway: { llm: 'ok-usage', sttStatus: 429 } },
  'tts-error': { scenario: 'tts-error', level: 'DEBUG', gateway: { llm: 'ok-usage', ttsStatus: 500 } },
  // The same failures at INFO, the level `start` runs at unless told otherwise: no conversation
  // items, no `session closed`.
  'llm-401-info': { scenario: 'llm-401', level: 'INFO', gateway: { llm: '401' } },
  'llm-500-info': { scenario: 'llm-500', level: 'INFO', gateway: { llm: '500' } },
  'stt-429-info': { scenario: 'stt-429', level: 'INFO', gateway: { llm: 'ok-usage', sttStatus: 429 } },
  'tts-error-info': { scenario: 'tts-error', level: 'INFO', gateway: { llm: 'ok-usage', ttsStatus: 500 } },
};
export const FORMATS = ['json', 'dev'];
const TIMEOUT_MS = 75_000;
// One at a time by default: on a small machine, parallel runs make the framework's loop monitor
// log `event loop blocked` warnings that a healthy agent does not print.
const CONCURRENCY = Number(process.env.DEADAIR_PY_JOBS) || 1;

const agentScript = fileURLToPath(new URL('./agent.py', import.meta.url));

export function defaultPython(version = '1.8.9') {
  const cache = process.env.DEADAIR_PY_CACHE || join(homedir(), '.cache/deadair/python');
  return join(cache, `livekit-agents-${version}`, 'bin', 'python');
}

async function runOne(outDir, name, format, python) {
  const { scenario, level, gateway } = RECORDINGS[name];
  const gw = await startGateway(gateway);
  const file = join(outDir, `${name}.${format}.log`);
  const fd = openSync(file, 'w');
  const started = Date.now();
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(python, [agentScript, scenario, format, level, gw.url], {
        stdio: ['ignore', fd, fd],
        detached: true, // its own process group: the job processes go with it on a kill
        env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', TZ: 'UTC' },
      });
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, TIMEOUT_MS);
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code !== 0) console.error(`${file}: exit ${code ?? signal}`);
        resolve();
      });
    });
  } finally {
    closeSync(fd);
    await gw.close();
  }
  return { file, seconds: (Date.now() - started) / 1000 };
}

export async function generate(outDir, { python = defaultPython(), only } = {}) {
  if (!existsSync(python)) throw new Error(`${python} not found: run bash scripts/python-agents.sh first`);
  mkdirSync(outDir, { recursive: true });
  const queue = [];
  for (const name of Object.keys(RECORDINGS)) {
    if (only && !only.includes(name)) continue;
    for (const format of FORMATS) queue.push([name, format]);
  }
  const done = [];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift())
      done.push(await runOne(outDir, ...next, python));
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return done;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--python');
  const python = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const [out, ...only] = args;
  if (!out) {
    console.error('usage: node test/real-agents/python/generate.mjs <outdir> [--python PATH] [recording...]');
    process.exit(2);
  }
  const done = await generate(out, { python, only: only.length ? only : undefined });
  for (const { file, seconds } of done) console.log(`${file}\t${seconds.toFixed(1)}s`);
}
