// Runs one scenario with the REAL @livekit/agents framework and lets it log to stdout exactly as an
// agent does (`node agent.js start > agent.log`). Usage:
//   node scenario.mjs <scenario> <json|pretty> <gatewayUrl>
// The job bindings (`jobID`, `room_id`) are set exactly as the framework's job process does
// (ipc/job_proc_lazy_main.js: logger.child({ jobID, room_id }) + setLoggerState, from 1.9).
// DEADAIR_AGENTS_DIR=<folder with its own node_modules/@livekit/agents> runs another install of the
// framework (e.g. an older release in a scratch folder) instead of the repo's own.
import { pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';

// The ESM entry of the @livekit/agents that `from` (a folder or file) resolves: the same module
// instance a bare `import '@livekit/agents'` from there loads (not the package's CJS build).
function agentsEntry(from) {
  const paths = createRequire(from).resolve.paths('@livekit/agents') ?? [];
  const root = paths
    .map((p) => join(p, '@livekit', 'agents'))
    .find((d) => existsSync(join(d, 'package.json')));
  if (!root) throw new Error(`@livekit/agents is not installed under ${from}`);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return join(root, pkg.exports?.import?.default ?? pkg.main);
}
const entry = process.env.DEADAIR_AGENTS_DIR
  ? agentsEntry(join(resolve(process.env.DEADAIR_AGENTS_DIR), 'package.json'))
  : undefined;
const { initializeLogger, inference, log, loggerOptions, voice } = entry
  ? await import(pathToFileURL(entry).href)
  : await import('@livekit/agents');

const [scenario, mode, gatewayUrl] = process.argv.slice(2);
process.env.LIVEKIT_INFERENCE_URL = gatewayUrl;
process.env.LIVEKIT_API_KEY ??= 'devkey';
process.env.LIVEKIT_API_SECRET ??= 'devsecret-devsecret-devsecret-devsecret';

initializeLogger({ pretty: mode === 'pretty', level: mode === 'pretty' ? 'debug' : 'info' });

// Bind the job fields the way the installed framework's job subprocess does
// (ipc/job_proc_lazy_main.js). 1.9 rebinds the framework's logger to `logger.child({ jobID, room_id })`
// with setLoggerState, so every line the session writes carries them. Up to 1.8 it binds `{ jobID }`
// to the job process's own lines only (`job started`, `shutting down`, …) and never calls
// setLoggerState: the session's lines (errors, closes, turns) carry no job fields at all.
const agentsDir = dirname(entry ?? createRequire(import.meta.url).resolve('@livekit/agents'));
const jobProc = readFileSync(join(agentsDir, 'ipc', 'job_proc_lazy_main.js'), 'utf8');
if (/\bsetLoggerState\(/.test(jobProc)) {
  const { setLoggerState } = await import(pathToFileURL(join(agentsDir, 'log_core.js')).href);
  const jobId = `AJ_${scenario.replace(/[^a-z0-9]/gi, '')}${mode === 'pretty' ? 'P' : 'J'}`;
  setLoggerState(
    log().child({ jobID: jobId, room_id: `RM_${scenario.replace(/[^a-z0-9]/gi, '')}` }),
    loggerOptions(),
  );
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function sessionScenario() {
  const llm = new inference.LLM({ model: 'openai/gpt-4.1-mini' });
  const session = new voice.AgentSession({ llm, turnHandling: { turnDetection: 'manual' } });
  const closed = new Promise((resolve) => session.on(voice.AgentSessionEventTypes.Close, resolve));
  session.on(voice.AgentSessionEventTypes.Error, (e) =>
    process.stderr.write(
      'ERR EVENT ' +
        String(e.error?.error?.message ?? e.error?.message ?? e) +
        ' ' +
        e.error?.recoverable +
        '\n',
    ),
  );
  await session.start({ agent: new voice.Agent({ instructions: 'You are a helpful voice agent.' }) });
  // Four user turns: with the default max_unrecoverable_errors (3) the 4th failure closes the session.
  for (let turn = 0; turn < 5; turn++) {
    const handle = session.generateReply({ userInput: `user turn ${turn + 1}` });
    await Promise.race([handle.waitForPlayout().catch(() => undefined), closed, sleep(15_000)]);
    if (await Promise.race([closed.then(() => true), sleep(50).then(() => false)])) break;
  }
  await Promise.race([closed, sleep(2000)]);
  await session.close().catch(() => undefined);
}

async function sttScenario() {
  const stt = new inference.STT({ model: 'deepgram/nova-3' });
  const stream = stt.stream();
  const done = (async () => {
    try {
      for await (const _ of stream) {
        // no events expected
      }
    } catch {
      // a standalone stream raises its final failure to the caller, which may not log it
    }
  })();
  await Promise.race([done, sleep(12_000)]);
  stream.close();
}

if (scenario === 'stt-429') await sttScenario();
else await sessionScenario();
await sleep(200);
process.exit(0);
