// `deadair demo` end to end: the bundled scenario through the real pipeline, alerts and summary.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from './support/cli.js';

function demo(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'demo', ...args],
      { env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
  });
}

/** `--json` output: one record a line. */
const jsonLines = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** The verdicts of the summary that ends it, by session. */
const verdicts = (lines: Record<string, unknown>[]) =>
  Object.fromEntries(
    (lines.at(-1) as { sessions: { id: string; verdict: string }[] }).sessions.map((s) => [s.id, s.verdict]),
  );

/** What the scenario does to each session. */
const FATES = {
  AJ_dem0Hea1thy: 'healthy',
  AJ_dem0Cred1ts: 'failed',
  AJ_dem0RateL1m: 'degraded',
  AJ_dem0S1lent: 'silent',
};

describe('deadair demo', () => {
  it('names each session’s fate, alerts twice (credits, silence), and ends with the summary', async () => {
    const r = await demo(['--speed', '20', '--json', '--no-notify'], { DEADAIR_ALSA_DEVICE: 'null' });
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    const findings = lines
      .filter((l) => l.type === 'finding')
      .map((l) => `${String(l.session)}:${String(l.cause)}`);
    expect(findings).toEqual(
      expect.arrayContaining([
        'AJ_dem0Cred1ts:credits_exhausted',
        'AJ_dem0RateL1m:rate_limited',
        'AJ_dem0S1lent:agent_silent',
      ]),
    );
    expect(findings.some((f) => f.startsWith('AJ_dem0Hea1thy'))).toBe(false);
    expect(lines.filter((l) => l.type === 'alert').map((l) => l.clip)).toEqual([
      'credits-exhausted',
      'agent-silent',
    ]);
    expect(verdicts(lines)).toEqual(FATES);
    expect(r.stderr).not.toMatch(/spoken alert not played/);
  });

  it('keeps the scenario at its fastest: every fate seen live and in the summary, the log stamped as scripted', async () => {
    const r = await demo(['--speed', '1000', '--json', '--no-notify', '--no-sound']);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    const live = lines
      .filter((l) => l.type === 'finding')
      .map((l) => `${String(l.session)}:${String(l.cause)}`);
    expect(live).toEqual(
      expect.arrayContaining(['AJ_dem0Cred1ts:credits_exhausted', 'AJ_dem0S1lent:agent_silent']),
    );
    expect(verdicts(lines)).toEqual(FATES);
    // The scenario is over and its watcher stopped: the summary claims no session still live,
    // not even the two its script leaves open (support-1, onboarding-3: no close line).
    const sessions = (lines.at(-1) as { sessions: { id: string; live: unknown; closeReason: unknown }[] })
      .sessions;
    expect(Object.fromEntries(sessions.map((s) => [s.id, s.live]))).toEqual(
      Object.fromEntries(Object.keys(FATES).map((id) => [id, false])),
    );
    expect(
      sessions
        .filter((s) => s.closeReason === null)
        .map((s) => s.id)
        .sort(),
    ).toEqual(['AJ_dem0Hea1thy', 'AJ_dem0RateL1m']);
  });

  it('reads well as text, and rejects a bad --speed in one line', async () => {
    const r = await demo(['--speed', '20', '--no-notify', '--no-sound']);
    expect(r.stdout).toMatch(/CRITICAL Out of inference credits — room sales-2/);
    expect(r.stdout).toMatch(/The user finished speaking at \d\d:\d\d:\d\d and the agent never answered/);
    // The silent session's first line is its user's turn, at the turn's time (within the session).
    const silent = r.stdout.split('\n\n').find((b) => b.includes('✗ SILENT')) ?? '';
    const spoke = /what {4}The user finished speaking at (\d\d:\d\d:\d\d)/.exec(silent)?.[1];
    expect(silent).toMatch(new RegExp(`\\n  first   ${spoke}  \\S+python-agent\\.log:\\d+ · no answer for `));
    expect(r.stdout).toMatch(/4 sessions — 1 failed, 1 silent, 1 degraded, 1 healthy/);
    const bad = await demo(['--speed', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("deadair: --speed must be a number between 0 and 1000, not 'fast'\n");
  });

  it('is what npm start runs where the tray app cannot, saying why in one line', async () => {
    const { ROOT } = await import('./support/cli.js');
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [`${ROOT}/scripts/start.mjs`, '--speed', '20', '--json', '--no-notify'],
        {
          env: { ...process.env, NO_COLOR: '1', DEADAIR_HEADLESS: '1', DEADAIR_ALSA_DEVICE: 'null' },
          timeout: 60_000,
        },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
      );
    });
    expect(r.stderr.split('\n')[0]).toBe(
      'deadair: the tray app cannot start here: DEADAIR_HEADLESS=1; running the demo instead',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"cause":"credits_exhausted"');
  }, 60_000);
});
