import { describe, expect, it } from 'vitest';
import { parseAll } from '../../../test/support/lines.js';
import type { AgentEvent, ProviderError } from '../../shared/events.js';
import { newSession } from '../session.js';
import { Due } from './context.js';
import type { Change } from './finding.js';
import { foldContext } from './fold.js';
import { providerError, rateLimitTimer } from './provider-errors.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
/** An agents-js retry warning for `error`, as parsed from its line. */
function retry(dt: number, error: object, attempt = 1): AgentEvent & { error: ProviderError } {
  const text = JSON.stringify({
    level: 40,
    time: T0 + dt,
    pid: 1,
    hostname: 'h',
    jobID: 'AJ_1',
    llm: 'inference.LLM',
    attempt,
    error,
    msg: 'failed to generate LLM completion, retrying in 100ms',
  });
  const ev = parseAll(text, { file: '/l/a.log' })[0];
  if (ev?.kind !== 'error') throw new Error(`not an error: ${text}`);
  return ev;
}
const quota = (category: string) => ({
  type: 'APIStatusError',
  message: `429 "LLM token credit quota exceeded, category: ${category}"`,
  body: `LLM token credit quota exceeded, category: ${category}`,
  retryable: true,
  statusCode: 429,
});

function setup() {
  const ctx = foldContext();
  const s = newSession('AJ_1', 'AJ_1');
  const c: Change = { session: 'AJ_1', created: [], escalated: [] };
  const error = (ev: AgentEvent & { error: ProviderError }) =>
    providerError(ctx, s, ev.time, ev.evidence, ev.error, c);
  return { ctx, s, c, error };
}

describe('provider errors', () => {
  it('names an exhausted credit quota credits_exhausted, critical at once', () => {
    const { s, error } = setup();
    error(retry(0, quota('MaxGatewayCredits')));
    expect(s.errors).toBe(1);
    expect(s.findings.get('credits_exhausted')).toMatchObject({
      severity: 'critical',
      component: 'llm',
      quota: { category: 'MaxGatewayCredits', terminal: true },
    });
    expect(s.root).toBe('credits_exhausted');
  });

  it('names a rate limit rate_limited, a warning that turns critical after 2 min without speech', () => {
    const { ctx, s, c, error } = setup();
    error(retry(0, quota('MaxConcurrentGatewayLLMRpm')));
    expect(s.findings.get('rate_limited')?.severity).toBe('warning');
    const due = new Due();
    due.reset(T0 + 119_999);
    rateLimitTimer(ctx, s, due, c);
    expect(c.escalated).toEqual([]);
    expect(due.next).toBe(T0 + 120_000);
    due.reset(T0 + 120_000);
    rateLimitTimer(ctx, s, due, c);
    expect(c.escalated.map((f) => [f.cause, f.severity])).toEqual([['rate_limited', 'critical']]);
    expect(c.escalated[0]?.summary).toBe(
      'The LLM has been rate limited for 2 min without the agent speaking.',
    );
  });

  it('explains a rate limit seen first by the credits that ran out', () => {
    const { s, error } = setup();
    error(retry(0, quota('MaxConcurrentGatewayLLMRpm')));
    error(retry(100, quota('MaxGatewayCredits'), 2));
    expect(s.root).toBe('credits_exhausted');
    expect(s.findings.get('rate_limited')?.consequenceOf).toBe('credits_exhausted');
  });

  it('names a 401 key_rejected and a 500 provider_error (a warning)', () => {
    const { s, error } = setup();
    error(retry(0, { statusCode: 401, message: '401 Incorrect API key provided' }));
    error(retry(100, { statusCode: 500, message: '500 Internal Server Error' }, 2));
    expect(s.findings.get('key_rejected')).toMatchObject({ severity: 'critical', status: 401 });
    expect(s.findings.get('provider_error')).toMatchObject({
      severity: 'warning',
      consequenceOf: 'key_rejected',
    });
  });

  it('marks the awaited turn failed with the first error, so its silence counts again', () => {
    const { ctx, s, error } = setup();
    s.pending = {
      time: T0,
      evidence: { file: '/l/a.log', line: 1, text: 'User turn committed' },
      replyBegun: true,
      failed: false,
      dead: false,
      silentRaised: false,
      hangRaised: false,
    };
    const first = retry(100, { statusCode: 500, message: 'boom' });
    error(first);
    error(retry(200, { statusCode: 500, message: 'boom' }, 2));
    expect(s.pending).toMatchObject({ failed: true, errorEvidence: first.evidence });
    expect(s.dueAt).toBe(T0 + ctx.limits.silenceMs);
  });
});
