// Real end to end with the REAL Python framework: a livekit-agents worker (the version below, from
// the venv scripts/python-agents.sh makes) on the real livekit-server (--dev), dispatched into
// `e2e-*` rooms, its inference STT/LLM/TTS on the gateway stand-in, a real caller speaking
// espeak-ng audio, and `deadair watch --rooms 'e2e-*' <the worker's log>` watching. Python agents
// also broadcast `lk.agent.session` to the hidden observer: the room's evidence joins the log's.
import { describe } from 'vitest';
import { findChromium } from '../src/observer/browser.js';
import { pythonAgents, startPythonAgent } from './support/agents.js';
import { openCall } from './support/e2e-call.js';
import { defineScenarios } from './support/e2e-scenarios.js';
import { livekitSkipReason } from './support/livekit-server.js';

const VERSION = '1.8.9';
const chromium = findChromium(process.env);
const venv = pythonAgents(VERSION);
const why = livekitSkipReason('real Python agents, real LiveKit', () =>
  !chromium ? 'no Chromium or Chrome found (set DEADAIR_CHROMIUM)' : 'why' in venv ? venv.why : '',
);

describe.skipIf(why !== '')(
  `a real Python agent (livekit-agents ${VERSION}) on a real LiveKit server`,
  () => {
    const python = 'python' in venv ? venv.python : '';
    defineScenarios(
      'py-',
      (o) => openCall({ ...o, startAgent: (a) => startPythonAgent({ python, ...a }) }),
      ['healthy', 'credits', 'ratelimit', 'hang'],
      `python-${VERSION}`,
    );
  },
);
