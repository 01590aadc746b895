// Drives the REAL @livekit/agents framework (LLM, STT and an AgentSession) against a local gateway
// stand-in, in JSON and pretty modes, and checks that `deadair analyze` names what really happened.
// The recordings committed per framework version get the same checks in real-agents-fixtures.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { realAgentsChecks } from './support/real-agents.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deadair-real-'));
  // @ts-expect-error: a plain .mjs script without types
  const { generate } = (await import('./real-agents/generate.mjs')) as {
    generate: (d: string) => Promise<string[]>;
  };
  await generate(dir);
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(['json', 'pretty'])('real agents-js output (%s, recorded now)', (mode) => {
  realAgentsChecks(mode, () => dir);
});
