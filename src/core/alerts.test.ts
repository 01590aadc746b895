import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../test/support/lines.js';
import type { Finding } from '../shared/types.js';
import { AlertPolicy } from './alerts.js';

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

  it('alerts once per session and cause, and again for another session', () => {
    const policy = new AlertPolicy();
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
