// Records what the REAL @livekit/agents framework prints in each failure scenario, in both log
// modes, against the local gateway stand-in. Usage: node test/real-agents/generate.mjs <outdir>
// Each scenario runs in its own process with stdout redirected to a file, as a deployed agent's.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGateway } from './gateway.mjs';

export const SCENARIOS = {
  'llm-credits': { llm: 'credits' },
  'llm-ratelimit': { llm: 'ratelimit' },
  'llm-ratelimit-recovers': { llm: 'ratelimit-recovers' },
  'llm-500': { llm: '500' },
  'llm-401': { llm: '401' },
  'llm-ok': { llm: 'ok' },
  'stt-429': { llm: 'ok', sttStatus: 429 },
};
export const MODES = ['json', 'pretty'];

const scenarioScript = fileURLToPath(new URL('./scenario.mjs', import.meta.url));

async function runOne(outDir, name, mode) {
  const gw = await startGateway(SCENARIOS[name]);
  const file = join(outDir, `${name}.${mode}.log`);
  const fd = openSync(file, 'w');
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [scenarioScript, name, mode, gw.url], {
        stdio: ['ignore', fd, 'ignore'],
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  } finally {
    closeSync(fd);
    await gw.close();
  }
  return file;
}

export async function generate(outDir, only) {
  mkdirSync(outDir, { recursive: true });
  const jobs = [];
  for (const name of Object.keys(SCENARIOS)) {
    if (only && !only.includes(name)) continue;
    for (const mode of MODES) jobs.push(runOne(outDir, name, mode));
  }
  return Promise.all(jobs);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node test/real-agents/generate.mjs <outdir> [scenario...]');
    process.exit(2);
  }
  const files = await generate(out, process.argv.slice(3).length ? process.argv.slice(3) : undefined);
  console.log(files.join('\n'));
}
