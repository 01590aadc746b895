// What `deadair analyze` must say about what the real @livekit/agents framework printed in each
// scenario of test/real-agents/generate.mjs: the same expectations for a recording made now
// (test/real-agents.test.ts) and for the recordings committed per framework version
// (test/real-agents-fixtures.test.ts).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BIN } from './cli.js';

export interface Cause {
  cause: string;
  severity: string;
  component: string;
  line: number;
  summary: string;
  remedy: string;
}
export interface Session {
  id: string;
  job: string | null;
  roomSid: string | null;
  verdict: string;
  causes: Cause[];
  quota: { category: string | null; terminal: boolean } | null;
  closeReason: string | null;
  deadTurns: number;
}

export function analyze(file: string): Promise<{ code: number; sessions: Session[] }> {
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

export const causeIds = (s: Session) => s.causes.map((c) => c.cause);

/** The checks of every scenario, on `<at()>/<scenario>.<mode>.log`. */
export function realAgentsChecks(mode: string, at: () => string): void {
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
}
