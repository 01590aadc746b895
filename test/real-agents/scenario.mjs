// Runs one scenario with the REAL @livekit/agents framework and lets it log to stdout exactly as an
// agent does (`node agent.js start > agent.log`). Usage:
//   node scenario.mjs <scenario> <json|pretty> <gatewayUrl>
// The job bindings (`jobID`, `room_id`) are set exactly as the framework's job process does
// (ipc/job_proc_lazy_main.js: logger.child({ jobID, room_id }) + setLoggerState).
import { pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { initializeLogger, inference, log, loggerOptions, voice } from '@livekit/agents';

const [scenario, mode, gatewayUrl] = process.argv.slice(2);
process.env.LIVEKIT_INFERENCE_URL = gatewayUrl;
process.env.LIVEKIT_API_KEY ??= 'devkey';
process.env.LIVEKIT_API_SECRET ??= 'devsecret-devsecret-devsecret-devsecret';

initializeLogger({ pretty: mode === 'pretty', level: mode === 'pretty' ? 'debug' : 'info' });

// Bind the job fields the way a job subprocess does.
const agentsDir = dirname(createRequire(import.meta.url).resolve('@livekit/agents'));
const { setLoggerState } = await import(pathToFileURL(join(agentsDir, 'log_core.js')).href);
const jobId = `AJ_${scenario.replace(/[^a-z0-9]/gi, '')}${mode === 'pretty' ? 'P' : 'J'}`;
setLoggerState(
  log().child({ jobID: jobId, room_id: `RM_${scenario.replace(/[^a-z0-9]/gi, '')}` }),
  loggerOptions(),
);

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
