// `deadair analyze` on logs written exactly as livekit-agents (Python) writes them.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from './support/cli.js';

interface Session {
  id: string;
  room: string | null;
  roomSid: string | null;
  verdict: string;
  causes: {
    cause: string;
    severity: string;
    component: string;
    status?: number;
    file: string;
    line: number;
  }[];
  quota: { category: string | null; terminal: boolean; hint: string | null } | null;
  closeReason: string | null;
  deadTurns: number;
}
interface Output {
  sessions: Session[];
  summary: { rawLines: number; files: { format: string }[] };
}

const dir = join(ROOT, 'test/fixtures/python');
function analyze(...args: string[]): Promise<{ code: number; out: Output; text: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, 'analyze', '--json', ...args], (err, stdout, stderr) => {
      try {
        resolve({ code: err ? Number(err.code) : 0, out: JSON.parse(stdout) as Output, text: stdout });
      } catch {
        reject(new Error(`analyze printed no JSON (exit ${String(err?.code)}): ${stderr}`));
      }
    });
  });
}
const byId = (o: Output) => Object.fromEntries(o.sessions.map((s) => [s.id, s]));
const ids = (s: Session | undefined) => s?.causes.map((c) => c.cause);

describe('Python fixtures', () => {
  it('production JSON: keeps two interleaved jobs apart and names credits exhausted', async () => {
    const { code, out } = await analyze(join(dir, 'start-credits.jsonl'));
    expect(code).toBe(1);
    expect(out.summary.files[0]?.format).toBe('python-json');
    const s = byId(out);
    expect(s.AJ_cR3d1tsA).toMatchObject({
      room: 'support-call-17',
      verdict: 'failed',
      closeReason: 'error',
      deadTurns: 4,
    });
    expect(s.AJ_cR3d1tsA?.quota).toMatchObject({
      category: 'MaxGatewayCredits',
      terminal: true,
      hint: expect.stringMatching(/out of LiveKit Inference credits/),
    });
    expect(ids(s.AJ_cR3d1tsA)).toEqual(['credits_exhausted', 'dead_turns', 'closed_with_error']);
    expect(s.AJ_h3althyB).toMatchObject({ room: 'support-call-18', verdict: 'healthy', causes: [] });
    expect(out.sessions).toHaveLength(2);
  });

  it('production JSON: a rate limit that recovers is degraded, exit 0', async () => {
    const { code, out } = await analyze(join(dir, 'start-ratelimit.jsonl'));
    expect(code).toBe(0);
    expect(out.sessions[0]).toMatchObject({ id: 'AJ_rAt3L1m', verdict: 'degraded', deadTurns: 0 });
    expect(out.sessions[0]?.quota).toMatchObject({ category: 'MaxConcurrentGatewayLLMRpm', terminal: false });
  });

  it('dev text: an STT handshake 429 is untyped and counted once despite the doubled traceback', async () => {
    const { out } = await analyze(join(dir, 'dev-stt-429.log'));
    expect(out.summary.files[0]?.format).toBe('python-text');
    expect(out.sessions).toHaveLength(1);
    expect(out.sessions[0]).toMatchObject({ id: 'AJ_sTt429x', room: 'dev-room', verdict: 'failed' });
    expect(out.sessions[0]?.causes[0]).toMatchObject({
      cause: 'untyped_429',
      component: 'stt',
      severity: 'critical',
    });
    expect(out.summary.rawLines).toBe(0);
  });

  it('dev text: three tolerated 500s and the fourth closes: provider error with four dead turns', async () => {
    const { out } = await analyze(join(dir, 'dev-dead-turns.log'));
    expect(out.sessions[0]).toMatchObject({ verdict: 'failed', deadTurns: 4 });
    expect(ids(out.sessions[0])).toEqual(['provider_error', 'dead_turns', 'closed_with_error']);
  });

  it('console mode with the thread executor: a 401 on the close line is a rejected key', async () => {
    const { out } = await analyze(join(dir, 'console-key-rejected.log'));
    expect(out.summary.files[0]?.format).toBe('python-console');
    expect(out.sessions).toHaveLength(1);
    expect(out.sessions[0]?.causes[0]).toMatchObject({
      cause: 'key_rejected',
      status: 401,
      component: 'llm',
    });
  });

  it('names a job process killed mid-session and one that hung', async () => {
    const s = byId((await analyze(join(dir, 'start-process-died.jsonl'))).out);
    expect(ids(s.AJ_k1ll3d9)).toEqual(['process_died']);
    expect(ids(s.AJ_hung0001)).toEqual(['process_died']);
  });

  it('reads 1.3–1.5 logs that name the room by SID only', async () => {
    const { out } = await analyze(join(dir, 'start-v1.4.jsonl'));
    expect(out.sessions[0]).toMatchObject({ id: 'AJ_0ldV3rs', roomSid: 'RM_0ldR00m', verdict: 'failed' });
    expect(out.sessions[0]?.causes[0]?.cause).toBe('credits_exhausted');
  });

  it('garbage-laden dev text: same verdicts, every garbage line kept as raw', async () => {
    const { out } = await analyze(join(dir, 'garbage-mixed.log'));
    const s = byId(out);
    expect(s.AJ_cR3d1tsA?.verdict).toBe('failed');
    expect(s.AJ_cR3d1tsA?.causes[0]?.cause).toBe('credits_exhausted');
    expect(s.AJ_h3althyB?.verdict).toBe('healthy');
    expect(out.summary.rawLines).toBeGreaterThanOrEqual(4);
  });

  it('a whole directory at once: one session per job, even when two files carry the same job', async () => {
    const { code, out } = await analyze(dir);
    expect(code).toBe(1);
    expect(out.sessions).toHaveLength(9);
    const credits = out.sessions.find((s) => s.id === 'AJ_cR3d1tsA') as Session & { files: string[] };
    expect(credits.files).toHaveLength(2);
  });
});
