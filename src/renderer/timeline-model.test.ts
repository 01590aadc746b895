// What the lanes draw, as data: ghosts, state segments, gaps, zoom.
import { describe, expect, it } from 'vitest';
import type { StoredEvent, StoredTurn } from '../shared/store.js';
import type { Finding, SessionSummary } from '../shared/types.js';
import {
  closeTime,
  DEFAULT_SILENCE_MS,
  findingOf,
  findingView,
  gaps,
  ghosts,
  isEvidence,
  silenceDelay,
  stateSegments,
  zoom,
} from './timeline-model.js';

const T = 1_800_000_000_000;
const summary = (o: Partial<SessionSummary> = {}): SessionSummary => ({
  id: 's',
  pids: [],
  files: [],
  start: T,
  end: T + 60_000,
  turns: { agent: 0, user: 0, spoken: 0 },
  errors: 0,
  deadTurns: 0,
  verdict: 'silent',
  causes: [],
  live: false,
  ...o,
});
let n = 0;
const ev = (time: number, kind: StoredEvent['kind'], detail?: StoredEvent['detail']): StoredEvent => ({
  id: `e${n++}`,
  session: 's',
  time,
  kind,
  source: 'log',
  message: kind,
  ...(detail ? { detail } : {}),
});

describe('ghosts', () => {
  it('a turn with no speech gets a reply ghost to its deadline; an answered one none', () => {
    const turns: StoredTurn[] = [
      { id: 'a', userEnd: T + 1000, replyBegun: T + 1500, spoke: T + 2000, errors: 0 },
      { id: 'b', userEnd: T + 10_000, errors: 0 },
    ];
    const g = ghosts(summary(), turns, [], T + 100_000);
    expect(g).toEqual([
      {
        kind: 'reply',
        from: T + 10_000,
        deadline: T + 10_000 + DEFAULT_SILENCE_MS,
        to: T + 10_000 + DEFAULT_SILENCE_MS,
        waiting: false,
        ref: 'b',
        label: 'no reply',
      },
    ]);
  });

  it('while live, the last unanswered turn’s ghost grows to now', () => {
    const turns: StoredTurn[] = [{ id: 'b', userEnd: T + 10_000, errors: 0 }];
    const [g] = ghosts(summary({ live: true }), turns, [], T + 30_000);
    expect(g).toMatchObject({ waiting: true, to: T + 30_000, deadline: T + 18_000 });
    // Before the deadline it reaches the deadline already (what is expected), and is waiting.
    const [early] = ghosts(summary({ live: true }), turns, [], T + 12_000);
    expect(early).toMatchObject({ waiting: true, to: T + 18_000 });
  });

  it('a reply ghost stops at the close, and a turn logged after the close waits for nothing', () => {
    const turns: StoredTurn[] = [
      { id: 'a', userEnd: T + 10_000, errors: 0 },
      { id: 'late', userEnd: T + 14_000, errors: 0 },
    ];
    const close = ev(T + 12_000, 'session_close');
    const g = ghosts(summary({ end: T + 12_500 }), turns, [close], T + 100_000);
    expect(g.map((x) => [x.ref, x.from, x.to, x.deadline, x.waiting])).toEqual([
      ['a', T + 10_000, T + 12_000, T + 18_000, false],
    ]);
    // Still flagged live (its process not gone yet), a closed session awaits nothing either.
    const live = ghosts(summary({ live: true, end: T + 12_500 }), turns, [close], T + 100_000);
    expect(live.map((x) => [x.ref, x.to, x.waiting, x.label])).toEqual([
      ['a', T + 12_000, false, 'no reply'],
    ]);
    // An ended session whose close is not among the events held: it stops at the last event.
    const ended = ghosts(summary({ end: T + 13_000 }), turns, [], T + 100_000);
    expect(ended.map((x) => [x.ref, x.to])).toEqual([['a', T + 13_000]]);
    expect(closeTime(summary({ end: T + 13_000 }), [])).toBe(T + 13_000);
    expect(closeTime(summary({ live: true }), [])).toBeUndefined();
  });

  it('learns the silence delay from the session’s agent_silent finding', () => {
    const turns: StoredTurn[] = [{ id: 'b', userEnd: T + 10_000, errors: 0 }];
    const f = { cause: 'agent_silent', time: T + 13_000 } as Finding;
    expect(silenceDelay(turns, [f])).toBe(3000);
    expect(silenceDelay(turns, [])).toBe(DEFAULT_SILENCE_MS);
  });

  it('thinking as the last state with no speech after it is a ghost; thinking then speaking is not', () => {
    const stuck = [
      ev(T + 1000, 'agent_state', { state: 'listening' }),
      ev(T + 2000, 'agent_state', { state: 'thinking' }),
    ];
    const g = ghosts(summary({ end: T + 40_000 }), [], stuck, T + 50_000);
    expect(g.map((x) => [x.kind, x.from, x.to])).toEqual([['thinking', T + 2000, T + 40_000]]);
    // Events that stop short of the session's end do not tell its last state.
    expect(
      ghosts(summary({ end: T + 40_000 }), [], stuck, T + 50_000, { complete: true, reachesEnd: false }),
    ).toEqual([]);
    const fine = [...stuck, ev(T + 3000, 'agent_speech')];
    expect(ghosts(summary(), [], fine, T + 50_000)).toEqual([]);
  });

  it('a run of three or more errors before a close is a retry storm; an old error is not part of it', () => {
    const events = [
      ev(T, 'error'),
      ev(T + 100_000, 'error'),
      ev(T + 100_500, 'error'),
      ev(T + 102_000, 'error'),
      ev(T + 110_000, 'session_close'),
    ];
    const g = ghosts(summary({ end: T + 110_000 }), [], events, T + 200_000);
    expect(g.map((x) => [x.kind, x.from, x.to, x.label])).toEqual([
      ['retry-storm', T + 100_000, T + 110_000, '3 errors, then closed'],
    ]);
    expect(ghosts(summary(), [], events.slice(2), T)).toEqual([]);
    // Nor when some of the window's events were not fetched.
    expect(ghosts(summary(), [], events, T, { complete: false, reachesEnd: true })).toEqual([]);
  });
});

describe('state segments and gaps', () => {
  it('each state lasts until the next; the last is open to the end', () => {
    const s = stateSegments(
      [
        ev(T, 'agent_state', { state: 'listening' }),
        ev(T + 5, 'user_turn_end'),
        ev(T + 10, 'agent_state', { state: 'thinking' }),
      ],
      T + 100,
    );
    expect(s.map((x) => [x.state, x.from, x.to, x.open])).toEqual([
      ['listening', T, T + 10, false],
      ['thinking', T + 10, T + 100, true],
    ]);
  });

  it('a minute with nothing is a gap; the observer away is one too', () => {
    const g = gaps([
      ev(T, 'user_turn_end'),
      ev(T + 61_000, 'agent_speech'),
      ev(T + 62_000, 'observer_connection', { state: 'reconnecting' }),
      ev(T + 70_000, 'observer_connection', { state: 'connected' }),
      ev(T + 71_000, 'agent_speech'),
    ]);
    expect(g).toEqual([
      { from: T, to: T + 61_000, why: 'no output' },
      { from: T + 62_000, to: T + 70_000, why: 'observer away' },
    ]);
  });
});

describe('zoom', () => {
  it('keeps the moment under the pointer where it is', () => {
    const v = zoom({ from: 0, to: 1000 }, 0.5, 250);
    expect(v).toEqual({ from: 125, to: 625 });
    expect(zoom({ from: 0, to: 100 }, 0.01, 50).to - zoom({ from: 0, to: 100 }, 0.01, 50).from).toBe(50);
  });
});

describe('findingOf', () => {
  const f = (o: Partial<Finding>): Finding =>
    ({
      cause: 'provider_error',
      component: 'llm',
      time: T,
      lastTime: T + 10_000,
      evidence: [],
      ...o,
    }) as Finding;
  it('is the finding whose evidence is the line, else the finding of the same component whose span holds an error', () => {
    const line = { ...ev(T + 5000, 'error', { component: 'llm' }), file: '/a.log', offset: 120, line: 3 };
    const credits = f({ cause: 'credits_exhausted', evidence: [{ file: '/a.log', offset: 120, text: 'x' }] });
    const stt = f({ cause: 'untyped_429', component: 'stt' });
    expect(findingOf(line, [stt, credits])?.cause).toBe('credits_exhausted');
    const retry = { ...line, offset: 999 };
    expect(findingOf(retry, [stt, credits])?.cause).toBe('credits_exhausted');
    expect(findingOf({ ...retry, time: T + 20_000 }, [stt, credits])).toBeUndefined();
    // A turn marker is not explained by a finding it is not the evidence of.
    expect(
      findingOf({ ...ev(T + 5000, 'user_turn_end'), file: '/a.log', offset: 5 }, [credits]),
    ).toBeUndefined();
  });
});

describe('a finding’s view', () => {
  it('spans from its first evidence to its last time, padded, at least as wide as asked', () => {
    const f = { time: T + 9000, lastTime: T + 9000 } as Finding;
    // A silence found at its deadline, 8 s after the turn: the turn is in view, not off its left.
    const v = findingView(f, T + 1000, 12_000);
    expect(v.from).toBeLessThan(T + 1000);
    expect(v.to).toBeGreaterThan(T + 9000);
    expect(v.to - v.from).toBeGreaterThanOrEqual(12_000);
    // Without its evidence's time: around the finding, as before.
    expect(findingView(f, undefined, 12_000)).toEqual({ from: T + 5000, to: T + 17_000 });
    // Evidence after the finding's start does not narrow it.
    expect(findingView(f, T + 9500, 12_000)).toEqual(findingView(f, undefined, 12_000));
  });

  it('matches an evidence to its event by file and offset, else by line', () => {
    const line = { ...ev(T, 'user_turn_end'), file: '/a.log', offset: 120, line: 3 };
    expect(isEvidence({ file: '/a.log', offset: 120, text: '' }, line)).toBe(true);
    expect(isEvidence({ file: '/a.log', offset: 121, line: 3, text: '' }, line)).toBe(false);
    expect(isEvidence({ file: '/a.log', line: 3, text: '' }, line)).toBe(true);
    expect(isEvidence({ file: '/b.log', offset: 120, text: '' }, line)).toBe(false);
    expect(isEvidence({ room: 'r', text: '' }, { ...ev(T, 'user_turn_end'), room: 'r' })).toBe(false);
  });
});
