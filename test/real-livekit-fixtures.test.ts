// `deadair analyze` on what real agents logged during real calls on a real LiveKit server
// (test/fixtures/real-livekit, recorded by test/real-livekit/record.sh): fast, no server needed.
// A log alone cannot show everything the room shows (an INFO log has no user turns): these check
// what each log can show.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from './support/cli.js';

interface Session {
  id: string;
  verdict: string;
  turns: { user: number; agent: number; spoken: number };
  causes: { cause: string; severity: string }[];
  quota: { category: string | null; terminal: boolean } | null;
  endsWaiting: { since: string; file: string | null; line: number | null } | null;
}

function analyze(file: string): Promise<{ code: number; sessions: Session[] }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, 'analyze', '--json', file], (err, stdout, stderr) => {
      try {
        resolve({
          code: err ? Number(err.code) : 0,
          sessions: (JSON.parse(stdout) as { sessions: Session[] }).sessions,
        });
      } catch {
        reject(new Error(`analyze printed no JSON (exit ${String(err?.code)}): ${stderr}`));
      }
    });
  });
}

const DIR = join(ROOT, 'test/fixtures/real-livekit');
const dirs = readdirSync(DIR).filter((d) => /^(node|python)-\d+\.\d+\.\d+$/.test(d));
const cases = dirs.flatMap((d) =>
  ['start', 'dev'].map((mode) => ({ d, mode, at: (s: string) => join(DIR, d, `${s}.${mode}.log`) })),
);
const causes = (ss: Session[]) => ss.flatMap((s) => s.causes);

describe('real calls, as the real agents logged them', () => {
  it('hold both frameworks', () => {
    expect(dirs.some((d) => d.startsWith('node-'))).toBe(true);
    expect(dirs.some((d) => d.startsWith('python-'))).toBe(true);
  });

  describe.each(cases)('$d, $mode', ({ at }) => {
    it('names credits exhausted, terminal, as the cause of the failure', async () => {
      const { code, sessions } = await analyze(at('credits'));
      expect(code).toBe(1);
      const failed = sessions.find((s) => s.verdict === 'failed');
      expect(failed?.causes[0]).toMatchObject({ cause: 'credits_exhausted', severity: 'critical' });
      expect(failed?.quota).toMatchObject({ category: 'MaxGatewayCredits', terminal: true });
    });

    it('calls a rate limit that recovered degraded, with nothing critical', async () => {
      const { code, sessions } = await analyze(at('ratelimit'));
      expect(code).toBe(0);
      expect(sessions.map((s) => s.verdict)).toContain('degraded');
      expect(causes(sessions).map((c) => c.cause)).toContain('rate_limited');
      expect(causes(sessions).filter((c) => c.severity === 'critical')).toEqual([]);
    });

    it('calls a healthy call of three answered turns healthy', async () => {
      const { code, sessions } = await analyze(at('healthy'));
      expect(code).toBe(0);
      expect(causes(sessions)).toEqual([]);
      expect(sessions.every((s) => s.verdict === 'healthy')).toBe(true);
    });
  });

  // agents-js 1.9 at DEBUG (`dev`) ends a user turn with `end of user turn` (after `received user
  // transcript`), and writes a `User turn committed` while its session closes, after "closing agent
  // session due to participant disconnect" and before "AgentSession closed": one session still.
  for (const d of dirs.filter((x) => x.startsWith('node-')))
    it(`${d}, dev: reads the three user turns of a healthy call into one session`, async () => {
      const { sessions } = await analyze(join(DIR, d, 'healthy.dev.log'));
      expect(sessions).toHaveLength(1);
      expect(sessions[0]?.turns).toMatchObject({ user: 3, spoken: 3 });
    });

  // agents-js up to 1.8 names the job only in the worker's `received job request`: its job process
  // binds `jobID` to its own lines alone (ipc/job_proc_lazy_main.js), so at INFO every line of the
  // session names just its pid. One call is still one session, the job's (1.9 binds it everywhere).
  for (const d of dirs.filter((x) => x.startsWith('node-')))
    it(`${d}: reads each call into one session, of its job`, async () => {
      for (const call of ['healthy', 'credits', 'ratelimit', 'hang', 'killed'])
        for (const mode of ['start', 'dev']) {
          const { sessions } = await analyze(join(DIR, d, `${call}.${mode}.log`));
          expect(
            sessions.map((s) => s.id),
            `${call}.${mode}`,
          ).toEqual([expect.stringMatching(/^AJ_\w+$/)]);
        }
    });

  // Python marks a reply only by its playout (an assistant conversation item), agents-js by its
  // speech handle and its playout: a reply heard is one given, and one begun but never heard says so.
  it('counts the replies heard in the text report, and says when one begun was never heard', async () => {
    const head = async (file: string) => {
      const text = await new Promise<string>((resolve) =>
        execFile(
          process.execPath,
          [BIN, 'analyze', join(DIR, file)],
          { env: { ...process.env, NO_COLOR: '1' } },
          (_e, out) => resolve(out),
        ),
      );
      return text.split('\n').find((l) => l.includes(' · turns '));
    };
    expect(await head('python-1.8.9/healthy.dev.log')).toMatch(/ · turns 3 agent \/ 3 user$/);
    for (const d of dirs.filter((x) => x.startsWith('node-'))) {
      expect(await head(`${d}/healthy.dev.log`)).toMatch(/ · turns 3 agent \/ 3 user$/);
      expect(await head(`${d}/hang.dev.log`)).toMatch(/ · turns 1 agent \(0 spoken\) \/ 1 user$/);
    }
  });

  it('says the killed worker’s log stops while its user waits, and no finished call’s does', async () => {
    for (const d of dirs.filter((x) => x.startsWith('node-'))) {
      const [killed] = (await analyze(join(DIR, d, 'killed.dev.log'))).sessions;
      expect(killed?.endsWaiting, d).toMatchObject({ file: join(DIR, d, 'killed.dev.log') });
      expect(killed?.endsWaiting?.line, d).toBeGreaterThan(0);
      for (const call of ['healthy', 'credits', 'ratelimit'])
        for (const s of (await analyze(join(DIR, d, `${call}.dev.log`))).sessions)
          expect(s.endsWaiting, `${d} ${call}`).toBeNull();
    }
    const text = await new Promise<string>((resolve) =>
      execFile(
        process.execPath,
        [BIN, 'analyze', join(DIR, 'node-1.9.0', 'killed.dev.log')],
        { env: { ...process.env, NO_COLOR: '1' } },
        (_e, out) => resolve(out),
      ),
    );
    expect(text).toMatch(
      /\n {2}ends {4}the log stops right after the user's turn at \d\d:\d\d:\d\d \(\S*killed\.dev\.log:\d+\): no reply heard and no close/,
    );
  });

  it('gives each log one verdict, whatever other logs are read with it (their later lines pass none of its deadlines)', async () => {
    const killed = join(DIR, 'node-1.9.0', 'killed.dev.log');
    const [alone] = (await analyze(killed)).sessions;
    const together = await new Promise<Session[]>((resolve, reject) =>
      execFile(
        process.execPath,
        [BIN, 'analyze', '--json', killed, join(DIR, 'python-1.8.9', 'hang.dev.log')],
        (_e, out) => {
          try {
            resolve((JSON.parse(out) as { sessions: Session[] }).sessions);
          } catch (e) {
            reject(e as Error);
          }
        },
      ),
    );
    const same = together.find((s) => s.id === alone?.id);
    expect(same?.verdict).toBe(alone?.verdict);
    expect(same?.causes).toEqual(alone?.causes);
    expect(same?.endsWaiting).toEqual(alone?.endsWaiting);
  });

  it('has the killed worker only from agents-js, whose log just stops', () => {
    for (const d of dirs.filter((x) => x.startsWith('node-')))
      expect(existsSync(join(DIR, d, 'killed.start.log'))).toBe(true);
  });
});
