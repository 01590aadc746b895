import { describe, expect, it } from 'vitest';
import { parseAll } from '../../../test/support/lines.js';
import type { AgentEvent } from '../../shared/events.js';
import { newSession } from '../session.js';
import { Due } from './context.js';
import type { Change } from './finding.js';
import { foldContext, foldEvent } from './fold.js';
import { thinkingTimers } from './thinking.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const state = (dt: number, s: string) =>
  parseAll(
    JSON.stringify({
      level: 30,
      time: T0 + dt,
      pid: 1,
      hostname: 'h',
      jobID: 'AJ_1',
      old_state: 'listening',
      new_state: s,
      msg: 'agent state changed',
    }),
    { file: '/l/a.log' },
  )[0] as AgentEvent;

function setup() {
  const ctx = foldContext();
  const s = newSession('AJ_1', 'AJ_1');
  const due = new Due();
  const at = (dt: number) => {
    const c: Change = { session: 'AJ_1', created: [], escalated: [] };
    due.reset(T0 + dt);
    thinkingTimers(ctx, s, due, c);
    return [...c.created.map((f) => `+${f.cause}`), ...c.escalated.map((f) => `!${f.cause}`)];
  };
  const fold = (ev: AgentEvent) => foldEvent(ctx, s, ev, { session: 'AJ_1', created: [], escalated: [] });
  return { s, at, fold };
}

describe('stuck_thinking', () => {
  it('warns after 15 s in thinking and turns critical after 30 s', () => {
    const { s, at, fold } = setup();
    const ev = state(0, 'thinking');
    fold(ev);
    expect(at(14_999)).toEqual([]);
    expect(at(15_000)).toEqual(['+stuck_thinking']);
    expect(s.findings.get('stuck_thinking')).toMatchObject({
      severity: 'warning',
      evidence: [ev.evidence],
      time: T0 + 15_000,
      since: T0, // the state line it cites
    });
    expect(at(29_999)).toEqual([]);
    expect(at(30_000)).toEqual(['!stuck_thinking']);
    expect(s.findings.get('stuck_thinking')?.severity).toBe('critical');
  });

  it('counts from the first thinking state, and stops when the agent leaves it', () => {
    const { at, fold } = setup();
    fold(state(0, 'thinking'));
    fold(state(5000, 'thinking'));
    fold(state(10_000, 'listening'));
    expect(at(15_000)).toEqual([]);
  });

  it('ends when the agent speaks', () => {
    const { s, fold } = setup();
    fold(state(0, 'thinking'));
    fold(state(1000, 'speaking'));
    expect(s.thinkingSince).toBeUndefined();
  });
});
