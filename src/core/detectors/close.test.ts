import { describe, expect, it } from 'vitest';
import { parseAll } from '../../../test/support/lines.js';
import type { AgentEvent } from '../../shared/events.js';
import { newSession } from '../session.js';
import type { Change } from './finding.js';
import { foldContext, foldEvent } from './fold.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
let t = T0;
const pino = (level: number, msg: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ level, time: (t += 100), pid: 1, hostname: 'h', jobID: 'AJ_1', ...extra, msg });
const denied = { statusCode: 401, message: '401 Incorrect API key provided' };
const closing = (error: object) =>
  pino(50, 'AgentSession is closing due to an unrecoverable error', {
    type: 'llm_error',
    error,
    recoverable: false,
  });

function run(lines: string[]) {
  const ctx = foldContext();
  const s = newSession('AJ_1', 'AJ_1');
  const c: Change = { session: 'AJ_1', created: [], escalated: [] };
  for (const ev of parseAll(lines.join('\n'), { file: '/l/a.log' }) as AgentEvent[]) foldEvent(ctx, s, ev, c);
  return { ctx, s, c };
}

describe('closed_with_error', () => {
  it('counts every reply begun since the agent last spoke as dead when a 401 closes the session', () => {
    const { s, c } = run([
      pino(30, 'Creating speech handle'),
      pino(30, 'Creating speech handle'),
      closing(denied),
      pino(30, 'AgentSession closed', { reason: 'error' }),
    ]);
    expect(s).toMatchObject({ closed: true, closeReason: 'error', deadTurns: 2 });
    expect(c.created.map((f) => f.cause)).toEqual(['key_rejected', 'dead_turns', 'closed_with_error']);
    expect(s.findings.get('closed_with_error')).toMatchObject({
      severity: 'critical',
      component: 'llm',
      consequenceOf: 'key_rejected',
    });
    expect(s.findings.get('dead_turns')?.severity).toBe('critical');
  });

  it('takes the two lines agents-js writes for one close as one close', () => {
    const { ctx, s } = run([closing(denied)]);
    const epoch = ctx.attribution.epoch;
    const c: Change = { session: 'AJ_1', created: [], escalated: [] };
    for (const ev of parseAll(pino(30, 'AgentSession closed', { reason: 'error' }), { file: '/l/a.log' }))
      foldEvent(ctx, s, ev, c);
    expect(c.created).toEqual([]);
    expect(ctx.attribution.epoch).toBe(epoch);
    expect(s.findings.get('closed_with_error')?.count).toBe(1);
  });

  it('raises nothing for a session the user ended', () => {
    const { s, c } = run([
      pino(30, 'Creating speech handle'),
      pino(30, 'AgentSession closed', { reason: 'user_initiated' }),
    ]);
    expect(s).toMatchObject({ closed: true, closeReason: 'user_initiated' });
    expect(c.created).toEqual([]);
  });
});
