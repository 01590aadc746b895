// Records what the REAL livekit-agents prints in `python console-agent.py console --text`, against
// the gateway stand-in (../gateway.mjs). The console needs a terminal on stdin (its prompt reads
// keys with termios), so each run happens in a detached tmux pane (DEADAIR_CONSOLE_WIDTH columns,
// default 160, 50 rows) that types the user's turns key by key and ends with Ctrl+C, as a person
// would, while stdout and stderr go to `<outdir>/<name>.console.log` (what `… console --text >
// agent.log 2>&1` or a pipe to deadair gets: no prompt, no spinner, no colour; rich still wraps to
// the terminal's width). Needs tmux, and libportaudio2: without PortAudio the console dies at
// `import sounddevice`, even in text mode. Usage:
//   node test/real-agents/python/generate-console.mjs <outdir> [--python PATH] [recording...]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGateway } from '../gateway.mjs';

// The terminal's width (DEADAIR_CONSOLE_WIDTH, default 160): rich wraps the console's lines to it.
const WIDTH = Number(process.env.DEADAIR_CONSOLE_WIDTH) || 160;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** name → gateway mode and the user's actions: a string is typed then Enter; a number waits (ms). */
export const RECORDINGS = {
  'healthy-metrics': {
    gateway: { llm: 'ok-usage' },
    steps: ['hi there', 3000, 'what can you do?', 3000, 'thanks, bye', 3000],
  },
  hang: { gateway: { llm: 'hang' }, steps: ['what are your opening hours?', 12000] },
  // The console exits after the first failed turn (the run's error ends its text loop), so the
  // turns after the first are typed only if it is still there.
  credits: { gateway: { llm: 'credits' }, steps: ['hello?', 8000, 'are you there?', 8000] },
};

const agentScript = fileURLToPath(new URL('./console-agent.py', import.meta.url));
const defaultPython = join(homedir(), '.cache/deadair/python/livekit-agents-1.8.9/bin/python');
const q = (s) => `'${s.replaceAll("'", "'\\''")}'`;
const tmux = (...args) => execFileSync('tmux', args, { encoding: 'utf8' });

async function runOne(outDir, name, python) {
  const { gateway, steps } = RECORDINGS[name];
  const gw = await startGateway(gateway);
  const session = `crec-${process.pid}`;
  const file = resolve(outDir, `${name}.console${WIDTH === 160 ? '' : `-${WIDTH}`}.log`);
  const doneFile = `${file}.exit`;
  const env = `DEADAIR_GATEWAY_URL=${q(gw.url)} PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 TZ=UTC`;
  const run = `${env} ${q(python)} ${q(agentScript)} console --text`;
  const cmd = `${run} > ${q(file)} 2>&1; echo $? > ${q(doneFile)}; trap '' INT; sleep 600`;
  tmux('new-session', '-d', '-s', session, '-x', String(WIDTH), '-y', '50', `cd ${q(outDir)} && ${cmd}`);
  tmux('set-option', '-t', session, 'history-limit', '20000');
  try {
    // Wait for the session to be up (the prompt is drawn only on a terminal): its `using transcript io`.
    for (let t = 0; t < 300; t++) {
      await sleep(200);
      if (existsSync(file) && readFileSync(file, 'utf8').includes('using transcript io')) {
        await sleep(1000);
        break;
      }
    }
    await sleep(500);
    for (const step of steps) {
      if (existsSync(doneFile)) break; // the console has exited (it does after a failed turn)
      if (typeof step === 'number') {
        await sleep(step);
        continue;
      }
      // One key at a time: the prompt re-reads each key with TCSAFLUSH, dropping keys typed ahead.
      for (const ch of step) {
        tmux('send-keys', '-t', session, '-l', ch);
        await sleep(120);
      }
      tmux('send-keys', '-t', session, 'Enter');
    }
    if (!existsSync(doneFile)) tmux('send-keys', '-t', session, 'C-c');
    for (let t = 0; t < 150 && !existsSync(doneFile); t++) await sleep(200);
    if (!existsSync(doneFile)) {
      tmux('send-keys', '-t', session, 'C-c');
      for (let t = 0; t < 50 && !existsSync(doneFile); t++) await sleep(200);
    }
  } finally {
    try {
      tmux('kill-session', '-t', session);
    } catch {
      // gone
    }
    await gw.close();
  }
  return {
    file,
    exit: existsSync(doneFile) ? execFileSync('cat', [doneFile], { encoding: 'utf8' }).trim() : 'killed',
  };
}

const args = process.argv.slice(2);
const at = args.indexOf('--python');
const python = at >= 0 ? args.splice(at, 2)[1] : defaultPython;
const [out, ...only] = args;
if (!out) {
  console.error('usage: node generate-console.mjs <outdir> [--python PATH] [recording...]');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
for (const name of Object.keys(RECORDINGS)) {
  if (only.length && !only.includes(name)) continue;
  const r = await runOne(resolve(out), name, python);
  console.log(`${r.file}\texit ${r.exit}`);
}
