// Real end to end: the real livekit-server (--dev), a real @livekit/agents (Node) worker registered
// with it and dispatched into `e2e-*` rooms, its inference STT/LLM/TTS pointed at the gateway
// stand-in, a real caller speaking espeak-ng audio through @livekit/rtc-node — and `deadair watch
// --rooms 'e2e-*' <the agent's log>` watching both. Each scenario is one call
// (test/support/e2e-scenarios.ts).
import { describe } from 'vitest';
import { findChromium } from '../src/observer/browser.js';
import { openCall } from './support/e2e-call.js';
import { nodeAgentsVersion } from './support/agents.js';
import { defineScenarios } from './support/e2e-scenarios.js';
import { livekitSkipReason } from './support/livekit-server.js';

// The release the agent runs: the repo's, or DEADAIR_AGENTS_DIR's (test/support/agents.ts).
const AGENTS_VERSION = nodeAgentsVersion();
const chromium = findChromium(process.env);
const why = livekitSkipReason('real agents, real LiveKit', () =>
  chromium ? '' : 'no Chromium or Chrome found (set DEADAIR_CHROMIUM)',
);

describe.skipIf(why !== '')(
  'a real Node agent (@livekit/agents) on a real LiveKit server, watched by deadair',
  () => {
    defineScenarios(
      '',
      openCall,
      ['healthy', 'credits', 'ratelimit', 'hang', 'killed'],
      `node-${AGENTS_VERSION}`,
    );
  },
);
