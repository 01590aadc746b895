// What the real @livekit/agents releases printed in the scenarios of test/real-agents/generate.mjs,
// committed per version (test/fixtures/real/: the version in package-lock.json at the top, earlier
// releases in <version>/; see its README), checked with the expectations a recording made now gets
// in real-agents.test.ts: a release deadair was not built against must read the same.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';
import { analyze, causeIds, realAgentsChecks, type Session } from './support/real-agents.js';

const FIXTURES = join(ROOT, 'test/fixtures/real');

const versions = [
  { version: '1.9.0', at: FIXTURES },
  { version: '1.8.1', at: join(FIXTURES, '1.8.1') },
];
const cases = ['json', 'pretty'].flatMap((mode) => versions.map((v) => ({ mode, ...v })));

describe.each(cases)('real agents-js $version output ($mode, committed)', ({ mode, at }) => {
  realAgentsChecks(mode, () => at);
});

describe.each(['json', 'pretty'])('job fields across agents-js releases (%s)', (mode) => {
  it('1.9 binds the job to every line: the session is the job', async () => {
    const [s] = (await analyze(join(FIXTURES, `llm-credits.${mode}.log`))).sessions as [Session];
    expect(s).toMatchObject({ job: `AJ_llmcredits${mode === 'json' ? 'J' : 'P'}`, roomSid: 'RM_llmcredits' });
  });

  // 1.8's job process binds `{ jobID }` to its own lines only (ipc/job_proc_lazy_main.js) and never
  // rebinds the framework's logger: what the session writes names its process alone.
  it('1.8 names no job on the session lines: the session is the process, still one', async () => {
    const { sessions } = await analyze(join(FIXTURES, '1.8.1', `llm-credits.${mode}.log`));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ job: null, roomSid: null, verdict: 'failed', deadTurns: 4 });
    expect((sessions[0] as Session).id).toMatch(/^pid-\d+@llm-credits\./);
  });
});

describe.each(['json', 'pretty'])('real agents-js 1.7.1 output (%s, committed)', (mode) => {
  // 1.7's inference websocket (inference/utils.js connectWs) turns every handshake failure into
  // APIConnectionError "Error connecting to LiveKit WebSocket": the gateway's bare 429 leaves no
  // status in the log, so it reads as the connection failure it was logged as — with a remedy that
  // says a refusal (429, 401) reads the same in those releases.
  it('reads an STT refused with 429 as the connection error 1.7 logs, and says what it may hide', async () => {
    const { code, sessions } = await analyze(join(FIXTURES, '1.7.1', `stt-429.${mode}.log`));
    expect(code).toBe(0);
    expect(sessions).toHaveLength(1);
    const [s] = sessions as [Session];
    expect(s.verdict).toBe('degraded');
    expect(causeIds(s)).toEqual(['provider_error']);
    expect(s.causes[0]).toMatchObject({ component: 'stt', severity: 'warning' });
    expect(s.causes[0]?.summary).toContain('Error connecting to LiveKit WebSocket');
    expect(s.causes[0]?.remedy).toMatch(/before 1\.8 also reports the gateway refusing the connection/);
    expect(s.quota).toBeNull();
  });
});
