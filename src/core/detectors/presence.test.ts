import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../shared/events.js';
import { connectionEvent, participantEvent } from '../rooms/events.js';
import { Due } from './context.js';
import type { Change } from './finding.js';
import { foldContext, foldEvent } from './fold.js';

const T0 = Date.UTC(2026, 10, 24, 15, 0, 0);
const user = { identity: 'caller-1', kind: 0 };
const agent = { identity: 'agent-AJ_room1', kind: 4 };

/** Room events as the mapper makes them, attributed and folded as the tracker does. */
function setup() {
  const ctx = foldContext();
  const fold = (ev: AgentEvent) => {
    const s = ctx.attribution.attribute(ev);
    const c: Change = { session: s?.id ?? '', created: [], escalated: [] };
    if (s) foldEvent(ctx, s, ev, c);
    return c.created.map((f) => f.cause);
  };
  const tick = (dt: number) => {
    const changes: Change[] = [];
    ctx.presence.tick(ctx, T0 + dt, changes);
    return changes.flatMap((c) => c.created.map((f) => f.cause));
  };
  return { ctx, fold, tick };
}

describe('room presence', () => {
  it('never_joined: a user waits 20 s in a room and no agent comes', () => {
    const { ctx, fold, tick } = setup();
    fold(participantEvent('demo', user, true, T0));
    expect(tick(19_999)).toEqual([]);
    expect(tick(20_000)).toEqual(['never_joined']);
    expect(tick(30_000)).toEqual([]); // once per room
    const f = ctx.attribution.sessions.get('demo')?.findings.get('never_joined');
    expect(f?.summary).toMatch(/^caller-1 joined room demo at \d\d:\d\d:\d\d and no agent came for 20 s\.$/);
    expect(f).toMatchObject({ time: T0 + 20_000, since: T0 }); // since: the user's join it cites
  });

  it('never_joined: an agent that joins but never starts its session while a user waits', () => {
    const { ctx, fold } = setup();
    fold(participantEvent('demo', user, true, T0));
    fold(participantEvent('demo', agent, true, T0 + 1000));
    const s = ctx.attribution.sessions.get('AJ_room1');
    expect(s?.startWaitSince).toBe(T0 + 1000);
    const due = new Due();
    const c: Change = { session: 'AJ_room1', created: [], escalated: [] };
    due.reset(T0 + 21_000);
    if (s) ctx.presence.startWaitTimer(ctx, s, due, c);
    expect(c.created.map((f) => f.cause)).toEqual(['never_joined']);
    expect(c.created[0]?.summary).toMatch(
      /never started its session: no agent state for 20 s while caller-1 waited/,
    );
    expect(c.created[0]).toMatchObject({ time: T0 + 21_000, since: T0 + 1000 });
  });

  it('agent_left: the agent leaves while the user stays', () => {
    const { ctx, fold } = setup();
    fold(participantEvent('demo', user, true, T0));
    fold(
      participantEvent('demo', { ...agent, attributes: { 'lk.agent.state': 'listening' } }, true, T0 + 500),
    );
    expect(fold(participantEvent('demo', agent, false, T0 + 9000))).toEqual(['agent_left']);
    expect(ctx.attribution.sessions.get('AJ_room1')?.exited).toBe(true);
  });

  it('counts no silence while the observer is away, and shifts a waiting turn by the gap', () => {
    const { ctx, fold } = setup();
    fold(participantEvent('demo', { ...agent, attributes: { 'lk.agent.state': 'listening' } }, true, T0));
    const s = ctx.attribution.sessions.get('AJ_room1');
    if (!s) throw new Error('no session');
    s.pending = {
      time: T0 + 1000,
      evidence: { file: '/l/a.log', line: 1, text: 'User turn committed' },
      replyBegun: false,
      failed: false,
      dead: false,
      silentRaised: false,
      hangRaised: false,
    };
    fold(connectionEvent('demo', 'reconnecting', T0 + 2000));
    expect(ctx.presence.away(s)).toBe(true);
    fold(connectionEvent('demo', 'connected', T0 + 7000));
    expect(ctx.presence.away(s)).toBe(false);
    expect(s.pending?.time).toBe(T0 + 6000);
  });
});
