// Drives the REAL @livekit/agents framework (LLM, STT and an AgentSession) against a local gateway
// stand-in, in JSON and pretty modes, and checks that `deadair analyze` names what really happened.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './support/cli.js';

interface Cause {
  cause: string;
  severity: string;
  component: string;
  line: number;
}
interface Session {
  id: string;
  verdict: string;
  causes: Cause[];
  quota: { category: string | null; terminal: boolean } | null;
  closeReason: string | null;
  deadTurns: number;
}

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

function analyze(file: string): Promise<{ code: number; sessions: Session[] }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, 'analyze', '--json', file], (err, stdout, stderr) => {
      const code = err ? Number(err.code) : 0;
      try {
        resolve({ code, sessions: (JSON.parse(stdout) as { sessions: Session[] }).sessions });
      } catch {
        reject(new Error(`analyze printed no JSON (exit ${code}): ${stderr}`));
      }
    });
  });
}

const causeIds = (s: Session) => s.causes.map((c) => c.cause);

const FIXTURES = join(ROOT, 'test/fixtures/real');
const cases = ['json', 'pretty'].flatMap((mode) => [
  { mode, source: 'recorded now', at: () => dir },
  { mode, source: 'committed fixture', at: () => FIXTURES },
]);

describe.each(cases)('real agents-js output ($mode, $source)', ({ mode, at }) => {
  it('names credits exhausted, with the terminal category, as the cause', async () => {
    const { code, sessions } = await analyze(join(at(), `llm-credits.${mode}.log`));
    expect(code).toBe(1);
    expect(sessions).toHaveLength(1);
    const [s] = sessions as [Session];
    expect(s.verdict).toBe('failed');
    expect(s.causes[0]).toMatchObject({ cause: 'credits_exhausted', severity: 'critical', component: 'llm' });
    expect(s.quota).toMatchObject({ category: 'MaxGatewayCredits', terminal: true });
    expect(s.closeReason).toBe('error');
    expect(s.deadTurns).toBe(4);
    expect(causeIds(s)).toContain('closed_with_error');
  });

  it('names a rate limit that closes the session, and one that recovers', async () => {
    const closes = (await analyze(join(at(), `llm-ratelimit.${mode}.log`))).sessions[0] as Session;
    expect(closes.verdict).toBe('failed');
    expect(closes.causes[0]).toMatchObject({ cause: 'rate_limited', severity: 'critical' });
    expect(closes.quota).toMatchObject({ category: 'MaxConcurrentGatewayLLMRpm', terminal: false });
    const recovers = await analyze(join(at(), `llm-ratelimit-recovers.${mode}.log`));
    expect(recovers.code).toBe(0);
    expect(recovers.sessions[0]).toMatchObject({ verdict: 'degraded', deadTurns: 0 });
    expect(causeIds(recovers.sessions[0] as Session)).toEqual(['rate_limited']);
  });

  it('names a provider 500 with its dead turns', async () => {
    const s = (await analyze(join(at(), `llm-500.${mode}.log`))).sessions[0] as Session;
    expect(s.verdict).toBe('failed');
    expect(causeIds(s)).toEqual(['provider_error', 'dead_turns', 'closed_with_error']);
  });

  it('names a rejected key, even though the framework logs nothing until the close', async () => {
    const s = (await analyze(join(at(), `llm-401.${mode}.log`))).sessions[0] as Session;
    expect(s.verdict).toBe('failed');
    expect(s.causes[0]).toMatchObject({ cause: 'key_rejected', component: 'llm' });
    expect(s.deadTurns).toBe(4);
  });

  it('names a bare STT 429 as untyped', async () => {
    const s = (await analyze(join(at(), `stt-429.${mode}.log`))).sessions[0] as Session;
    expect(s.verdict).toBe('failed');
    expect(s.causes[0]).toMatchObject({ cause: 'untyped_429', component: 'stt', severity: 'critical' });
    expect(s.quota).toBeNull();
  });

  it('calls a healthy session healthy and exits 0', async () => {
    const { code, sessions } = await analyze(join(at(), `llm-ok.${mode}.log`));
    expect(code).toBe(0);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ verdict: 'healthy', causes: [] });
  });
});
