import { describe, expect, it } from 'vitest';
import { parseAll } from '../../../test/support/lines.js';
import type { AgentEvent } from '../../shared/events.js';
import { newSession } from '../session.js';
import { Due } from './context.js';
import type { Change } from './finding.js';
import { foldContext, foldEvent } from './fold.js';
import { answered, awaitAnswer, silenceTimers } from './silence.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const line = (dt: number, msg: string) =>
  JSON.stringify({ level: 30, time: T0 + dt, pid: 1, hostname: 'h', jobID: 'AJ_1', msg });
const one = (text: string): AgentEvent => parseAll(text, { file: '/l/a.log' })[0] as AgentEvent;
const change = (): Change => ({ session: 'AJ_1', created: [], escalated: [] });

function setup() {
  const ctx = foldContext();
  const s = newSession('AJ_1', 'AJ_1');
  const due = new Due();
  /** Run the silence timers at `dt` after T0; the causes raised. */
  const at = (dt: number) => {
    const c = change();
    due.reset(T0 + dt);
    silenceTimers(ctx, s, due, c);
    return c.created.map((f) => f.cause);
  };
  return { ctx, s, due, at };
}

describe('silence after a user turn', () => {
  it('raises agent_silent 8 s after an unanswered turn, not before, and says when the user spoke', () => {
    const { ctx, s, due, at } = setup();
    const turn = one(line(0, 'User turn committed'));
    foldEvent(ctx, s, turn, change());
    expect(s.userTurns).toBe(1);
    expect(at(7999)).toEqual([]);
    expect(due.next).toBe(T0 + 8000);
    expect(at(8000)).toEqual(['agent_silent']);
    const f = s.findings.get('agent_silent');
    expect(f?.evidence[0]).toBe(turn.evidence);
    expect(f?.summary).toMatch(
      /^The user finished speaking at \d\d:\d\d:\d\d and the agent never answered\.$/,
    );
    expect(at(9000)).toEqual([]); // once per turn
  });

  it('does not count a turn whose reply began, unless the reply failed', () => {
    const { ctx, s, at } = setup();
    foldEvent(ctx, s, one(line(0, 'User turn committed')), change());
    foldEvent(ctx, s, one(line(500, 'Creating speech handle')), change());
    expect(at(8000)).toEqual([]);
    if (s.pending) s.pending.failed = true;
    expect(at(8001)).toEqual(['agent_silent']);
  });

  it('takes the log and the room reporting one turn end a moment apart as one turn with two pieces of evidence', () => {
    const { ctx, s, at } = setup();
    const log = one(line(0, 'User turn committed'));
    awaitAnswer(ctx, s, log.time, log.evidence);
    const room = { room: 'r', text: 'caller-1 stopped speaking' };
    awaitAnswer(ctx, s, T0 + 1200, room);
    expect(s.userTurns).toBe(1);
    expect(at(8000)).toEqual(['agent_silent']);
    expect(s.findings.get('agent_silent')?.evidence).toEqual([log.evidence, room]);
  });

  it('ends the silence when the agent speaks, and says it recovered', () => {
    const { ctx, s, at } = setup();
    foldEvent(ctx, s, one(line(0, 'User turn committed')), change());
    at(8000);
    const c = change();
    answered(s, T0 + 9000, c);
    expect(s.pending).toBeUndefined();
    expect(c.recovered?.map((f) => [f.cause, f.recovered])).toEqual([['agent_silent', T0 + 9000]]);
  });

  it('calls a worker that writes nothing for 60 s while the user waits hung (process_died)', () => {
    const { ctx, s, at } = setup();
    const turn = one(line(0, 'User turn committed'));
    foldEvent(ctx, s, turn, change());
    s.end = T0 + 30_000; // it wrote something 30 s later
    expect(at(60_000)).toEqual(['agent_silent']);
    expect(at(89_999)).toEqual([]);
    expect(at(90_000)).toEqual(['process_died']);
    expect(s.findings.get('process_died')?.summary).toMatch(/wrote nothing for 60 s while the user waited/);
  });

  it('tells a hung worker what to look for in a hang, not a traceback its evidence does not hold', () => {
    const { ctx, s, at } = setup();
    const turn = one(line(0, 'User turn committed'));
    foldEvent(ctx, s, turn, change());
    s.end = T0; // its last line, the turn's
    at(60_000);
    const f = s.findings.get('process_died');
    expect(f?.evidence[0]).toBe(turn.evidence);
    expect(f?.remedy).not.toMatch(/traceback|exit code/);
    expect(f?.remedy).toMatch(/still alive/);
    expect(f?.remedy).toMatch(/event loop/);
    expect(f?.remedy).toMatch(/timeout/);
  });

  it('dates a silence from the turn it cites, and declares it at its deadline', () => {
    const { ctx, s, at } = setup();
    foldEvent(ctx, s, one(line(0, 'User turn committed')), change());
    s.end = T0;
    at(60_000);
    expect(s.findings.get('agent_silent')).toMatchObject({ time: T0 + 8000, since: T0 });
    expect(s.findings.get('process_died')).toMatchObject({ time: T0 + 60_000, since: T0 });
  });
});
