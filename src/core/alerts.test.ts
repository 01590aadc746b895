import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../test/support/lines.js';
import type { Finding } from '../shared/types.js';
import { AlertPolicy, isHistory } from './alerts.js';

const pino = (level: number, msg: string, extra: Record<string, unknown>, job: string) =>
  JSON.stringify({
    level,
    time: 1764000300000,
    pid: 1,
    hostname: 'h',
    jobID: job,
    room_id: 'RM_1',
    ...extra,
    msg,
  });
const quota = {
  message: '429 "LLM token credit quota exceeded, category: MaxGatewayCredits"',
  statusCode: 429,
};
const credits = (job: string) => [
  pino(
    40,
    'failed to generate LLM completion, retrying in 100ms',
    { llm: 'inference.LLM', attempt: 1, error: quota },
    job,
  ),
  pino(50, 'AgentSession is closing due to an unrecoverable error', { type: 'llm_error', error: quota }, job),
];

function findingsOf(lines: string[]): Finding[] {
  return analyzeText({ '/l/a.log': lines.join('\n') }).flatMap((s) =>
    [...s.causes].sort((a, b) => a.time - b.time || 0),
  );
}

describe('AlertPolicy', () => {
  it('raises one alert for a session that runs out of credits and then closes', () => {
    const policy = new AlertPolicy();
    const alerts = findingsOf(credits('AJ_1'))
      .map((f) => policy.consider(f))
      .filter(Boolean);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      id: 'AJ_1/credits_exhausted',
      title: 'Out of inference credits',
      clip: 'credits-exhausted',
    });
    expect(alerts[0]?.body).toMatch(/^job AJ_1 \(LLM, MaxGatewayCredits\)\nTop up/);
  });

  it("names a session known by its room's SID alone by that SID, as the terminal does", () => {
    const policy = new AlertPolicy({ burstMs: 0 });
    policy.roomSidOf = (session) => (session === 'AJ_1' ? 'RM_1' : undefined);
    const [a1, a2] = findingsOf([...credits('AJ_1'), ...credits('AJ_2')])
      .map((f) => policy.consider(f))
      .filter(Boolean);
    expect(a1?.body).toMatch(/^room RM_1 · job AJ_1 \(LLM, MaxGatewayCredits\)\n/);
    expect(a2?.body).toMatch(/^job AJ_2 \(LLM/);
  });

  it('alerts once per session and cause, and again for another session', () => {
    const policy = new AlertPolicy({ burstMs: 0 });
    const fs = findingsOf([...credits('AJ_1'), ...credits('AJ_2')]);
    const first = fs.map((f) => policy.consider(f)).filter(Boolean);
    const again = fs.map((f) => policy.consider(f)).filter(Boolean);
    expect(first.map((a) => a?.id)).toEqual(['AJ_1/credits_exhausted', 'AJ_2/credits_exhausted']);
    expect(again).toHaveLength(0);
  });

  it('keeps warnings quiet below the severity floor, and raises them when asked', () => {
    const warning = findingsOf([
      pino(
        40,
        'failed to generate LLM completion, retrying in 100ms',
        {
          llm: 'x',
          attempt: 1,
          error: { message: '429 "quota exceeded, category: MaxConcurrentGatewayLLMRpm"', statusCode: 429 },
        },
        'AJ_w',
      ),
    ]);
    expect(warning.map((f) => f.severity)).toEqual(['warning']);
    expect(new AlertPolicy().consider(warning[0] as Finding)).toBeUndefined();
    expect(new AlertPolicy({ minSeverity: 'warning' }).consider(warning[0] as Finding)?.clip).toBe(
      'rate-limited',
    );
  });
});

describe('AlertPolicy: bursts, snooze, rate limit, switches', () => {
  const finding = (session: string, cause: Finding['cause'] = 'credits_exhausted'): Finding => ({
    id: `${session}/${cause}`,
    session,
    job: session,
    cause,
    severity: 'critical',
    component: 'llm',
    time: 0,
    lastTime: 0,
    count: 1,
    title: cause === 'credits_exhausted' ? 'Out of inference credits' : 'Agent silent',
    summary: '',
    remedy: 'Top up.',
    evidence: [],
  });

  it('alerts the first session at once and collapses the rest of a burst into one alert', () => {
    const p = new AlertPolicy({ burstMs: 10_000 });
    expect(p.consider(finding('AJ_1'), 0)?.title).toBe('Out of inference credits');
    expect(p.consider(finding('AJ_2'), 2_000)).toBeUndefined();
    expect(p.consider(finding('AJ_3'), 4_000)).toBeUndefined();
    expect(p.consider(finding('AJ_9', 'agent_silent'), 4_500)?.title).toBe('Agent silent');
    expect(p.tick(9_999)).toEqual([]);
    const [burst] = p.tick(10_000);
    expect(burst?.title).toBe('3 agents: out of inference credits');
    expect(burst?.sessions).toEqual(['AJ_1', 'AJ_2', 'AJ_3']);
    expect(p.consider(finding('AJ_4'), 30_000)?.title).toBe('Out of inference credits');
  });

  it('stays quiet while snoozed, globally or for one session, and never raises those later', () => {
    const p = new AlertPolicy({ burstMs: 0 });
    p.snooze(5_000);
    expect(p.consider(finding('AJ_1'), 1_000)).toBeUndefined();
    p.snooze(60_000, 'AJ_2');
    expect(p.consider(finding('AJ_2'), 6_000)).toBeUndefined();
    expect(p.consider(finding('AJ_3'), 6_000)?.sessions).toEqual(['AJ_3']);
    expect(p.consider(finding('AJ_1'), 7_000)).toBeUndefined();
  });

  it('caps alerts a minute and says how many were held back', () => {
    const p = new AlertPolicy({ burstMs: 0, maxPerMinute: 2 });
    const got = ['A', 'B', 'C', 'D'].map((s, i) => p.consider(finding(s), i * 1000));
    expect(got.map((a) => a?.sessions[0])).toEqual(['A', 'B', undefined, undefined]);
    expect(p.consider(finding('E'), 61_000)?.body).toMatch(
      /\(2 more alerts were held back by the rate limit\)$/,
    );
  });

  it('honours a cause switched off', () => {
    expect(
      new AlertPolicy({ causes: { credits_exhausted: false } }).consider(finding('AJ_1'), 0),
    ).toBeUndefined();
  });
});

describe('AlertPolicy: one incident, one alert, whichever finding comes first', () => {
  const finding = (cause: Finding['cause'], over: Partial<Finding> = {}): Finding => ({
    id: `AJ_t/${cause}`,
    session: 'AJ_t',
    room: undefined,
    job: 'AJ_t',
    cause,
    severity: 'critical',
    component: cause === 'agent_silent' ? 'session' : 'llm',
    time: 0,
    lastTime: 0,
    count: 1,
    title: cause,
    summary: '',
    remedy: '',
    evidence: [],
    quota: undefined,
    status: undefined,
    consequenceOf: undefined,
    recovered: undefined,
    ...over,
  });

  it('keeps quiet a root cause found after the silence it explains was alerted', () => {
    // An LLM that times out on every retry: the user's wait passes 8 s before the last attempt fails.
    const policy = new AlertPolicy({ burstMs: 0 });
    expect(policy.consider(finding('agent_silent'), 1000)?.id).toBe('AJ_t/agent_silent');
    expect(policy.consider(finding('provider_error'), 2000)).toBeUndefined();
  });

  it('keeps quiet a root cause that an alerted finding names as its cause', () => {
    const policy = new AlertPolicy({ burstMs: 0 });
    const silent = finding('agent_silent', { consequenceOf: 'provider_error' });
    expect(policy.consider(silent, 1000)?.id).toBe('AJ_t/agent_silent');
    expect(policy.consider(finding('provider_error'), 2000)).toBeUndefined();
  });

  it('alerts a root cause when the silence it follows was over (the agent spoke since)', () => {
    const policy = new AlertPolicy({ burstMs: 0 });
    const silent = finding('agent_silent');
    expect(policy.consider(silent, 1000)).toBeDefined();
    silent.recovered = 1500;
    expect(policy.consider(finding('provider_error'), 2000)?.id).toBe('AJ_t/provider_error');
  });

  it('alerts a root cause of another session, and one a silence of another cause does not explain', () => {
    const policy = new AlertPolicy({ burstMs: 0 });
    expect(policy.consider(finding('agent_silent', { consequenceOf: 'rate_limited' }), 1000)).toBeDefined();
    expect(policy.consider(finding('provider_error'), 2000)?.id).toBe('AJ_t/provider_error');
    const other = finding('provider_error', { id: 'AJ_u/provider_error', session: 'AJ_u', job: 'AJ_u' });
    expect(policy.consider(other, 3000)?.id).toBe('AJ_u/provider_error');
  });
});

describe('history: what a backlog held, long over', () => {
  it('is a finding last seen over the window before now; one with no time never is', () => {
    const now = 1764000300000;
    const window = 10 * 60_000;
    expect(isHistory({ lastTime: now - window - 1 }, now, window)).toBe(true);
    expect(isHistory({ lastTime: now - window }, now, window)).toBe(false);
    // Stamped ahead of the wall clock (another machine's clock, a zone not learnt yet): news.
    expect(isHistory({ lastTime: now + 3_600_000 }, now, window)).toBe(false);
    expect(isHistory({ lastTime: Number.NaN }, now, window)).toBe(false);
    expect(isHistory({ lastTime: now - 60_000 }, now, 30_000)).toBe(true);
  });

  it('is counted only for findings that alert at all (the severity floor, the switches)', () => {
    const p = new AlertPolicy({ minSeverity: 'warning', causes: { rate_limited: false } });
    expect(p.eligible({ severity: 'critical', cause: 'credits_exhausted' })).toBe(true);
    expect(p.eligible({ severity: 'warning', cause: 'agent_silent' })).toBe(true);
    expect(p.eligible({ severity: 'info', cause: 'agent_silent' })).toBe(false);
    expect(p.eligible({ severity: 'critical', cause: 'rate_limited' })).toBe(false);
  });
});
