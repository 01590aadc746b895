// Room-side detectors on recorded room event streams and a fake clock: never_joined, agent_left,
// and no silence counted while the observer itself is disconnected.
import { describe, expect, it } from 'vitest';
import {
  agentStateEvent,
  connectionEvent,
  participantEvent,
  speakerEvents,
  transcriptionEvent,
} from './events.js';
import type { AgentEvent } from '../../shared/events.js';
import { SessionTracker } from '../tracker.js';

const T0 = Date.UTC(2026, 10, 24, 15, 0, 0);
const agent = { identity: 'agent-AJ_room1', kind: 4, attributes: { 'lk.agent.state': 'listening' } };
const user = { identity: 'caller-1', kind: 0 };

function run(stream: [number, AgentEvent | AgentEvent[] | undefined][], ticks: number[]) {
  const t = new SessionTracker();
  const created: string[] = [];
  const steps = [...stream.map(([at, e]) => ({ at, e })), ...ticks.map((at) => ({ at, e: undefined }))].sort(
    (a, b) => a.at - b.at,
  );
  for (const { at, e } of steps) {
    const evs = e === undefined ? [] : Array.isArray(e) ? e : [e];
    for (const ev of evs) for (const f of t.ingest(ev).created) created.push(`${at}:${f.cause}`);
    if (e === undefined)
      for (const c of t.tick(T0 + at)) for (const f of c.created) created.push(`${at}:${f.cause}`);
  }
  return { created, sessions: t.summaries() };
}

describe('room-side detectors', () => {
  it('never_joined: a user waits 20 s in a room and no agent comes', () => {
    const r = run([[0, participantEvent('demo', user, true, T0)]], [19_000, 20_000]);
    expect(r.created).toEqual(['20000:never_joined']);
    const s = r.sessions.find((x) => x.causes.some((c) => c.cause === 'never_joined'));
    expect(s?.room).toBe('demo');
    expect(s?.verdict).toBe('silent');
    expect(s?.causes[0]?.summary).toMatch(
      /^caller-1 joined room demo at \d\d:\d\d:\d\d and no agent came for 20 s\.$/,
    );
  });

  it('never_joined stays quiet when the agent arrives in time', () => {
    const r = run(
      [
        [0, participantEvent('demo', user, true, T0)],
        [3_000, participantEvent('demo', agent, true, T0 + 3_000)],
      ],
      [30_000],
    );
    expect(r.created).toEqual([]);
  });

  it('agent_left: the agent leaves while the user stays, with no close', () => {
    const r = run(
      [
        [0, participantEvent('demo', user, true, T0)],
        [1_000, participantEvent('demo', agent, true, T0 + 1_000)],
        [5_000, participantEvent('demo', agent, false, T0 + 5_000)],
      ],
      [10_000],
    );
    expect(r.created).toEqual(['5000:agent_left']);
    const s = r.sessions.find((x) => x.job === 'AJ_room1');
    expect(s?.room).toBe('demo');
    expect(s?.causes[0]?.summary).toMatch(/left the room at \d\d:\d\d:\d\d while caller-1 stayed/);
  });

  it('agent_left stays quiet when the user left first', () => {
    const r = run(
      [
        [0, participantEvent('demo', user, true, T0)],
        [1_000, participantEvent('demo', agent, true, T0 + 1_000)],
        [4_000, participantEvent('demo', user, false, T0 + 4_000)],
        [5_000, participantEvent('demo', agent, false, T0 + 5_000)],
      ],
      [10_000],
    );
    expect(r.created).toEqual([]);
  });

  it('agent_silent from the room: the user stops speaking and the agent never starts', () => {
    const userSpoke = transcriptionEvent(
      'demo',
      user,
      { 'lk.transcription_final': 'true' },
      'hello?',
      false,
      T0 + 2_000,
    );
    const r = run(
      [
        [0, participantEvent('demo', agent, true, T0)],
        [500, participantEvent('demo', user, true, T0 + 500)],
        [2_000, userSpoke],
        [
          2_100,
          agentStateEvent(
            'demo',
            { ...agent, attributes: { 'lk.agent.state': 'thinking' } },
            'listening',
            T0 + 2_100,
          ),
        ],
      ],
      [9_000, 10_000],
    );
    expect(r.created).toEqual(['10000:agent_silent']);
  });

  it('counts no silence while the observer itself was disconnected', () => {
    const r = run(
      [
        [0, participantEvent('demo', agent, true, T0)],
        [500, participantEvent('demo', user, true, T0 + 500)],
        [2_000, speakerEvents('demo', [user], [], T0 + 2_000)],
        [3_000, connectionEvent('demo', 'reconnecting', T0 + 3_000)],
        [33_000, connectionEvent('demo', 'connected', T0 + 33_000)],
      ],
      [10_000, 20_000, 33_500, 37_999, 38_000],
    );
    // The turn only the room saw: whether the agent answered while the observer was away is
    // unknown, so it is no silence, not even later.
    expect(r.created).toEqual([]);
    const later = run(
      [
        [0, participantEvent('demo', agent, true, T0)],
        [500, participantEvent('demo', user, true, T0 + 500)],
        [2_000, speakerEvents('demo', [user], [], T0 + 2_000)],
        [3_000, connectionEvent('demo', 'reconnecting', T0 + 3_000)],
        [33_000, connectionEvent('demo', 'connected', T0 + 33_000)],
        [34_000, speakerEvents('demo', [user], [], T0 + 34_000)],
      ],
      [40_000, 41_999, 42_000],
    );
    // A turn that ends once it is back is watched again.
    expect(later.created).toEqual(['42000:agent_silent']);
  });
  it('one turn seen by the log and the room is one turn, and its silence cites both', () => {
    const t = new SessionTracker();
    const logLine: AgentEvent = {
      kind: 'user_turn_end',
      time: T0 + 1_000,
      ctx: { jobId: 'AJ_room1', roomName: 'demo' },
      format: 'pino-json',
      message: 'User turn committed',
      evidence: { file: '/var/log/agent.log', line: 42, offset: 4096, text: '{"msg":"User turn committed"}' },
    };
    t.ingest(participantEvent('demo', agent, true, T0));
    t.ingest(participantEvent('demo', user, true, T0));
    t.ingest(logLine);
    for (const ev of speakerEvents('demo', [user], [], T0 + 1_400)) t.ingest(ev);
    expect(t.tick(T0 + 8_999)).toEqual([]);
    const fired = t.tick(T0 + 9_000); // the deadline runs from the first report (the log’s)
    const f = fired[0]?.created[0];
    expect(f?.cause).toBe('agent_silent');
    expect(f?.evidence.map((e) => e.file ?? `room ${e.room}`)).toEqual(['/var/log/agent.log', 'room demo']);
    expect(t.summaries()).toHaveLength(1);
    expect(t.summaries()[0]?.turns.user).toBe(1);
  });
  it('never_joined: the agent joined but never started its session (no state in 20 s)', () => {
    const bare = { identity: 'agent-AJ_stuck1', kind: 4 };
    const r = run(
      [
        [0, participantEvent('demo', user, true, T0)],
        [1_000, participantEvent('demo', bare, true, T0 + 1_000)],
      ],
      [20_000, 21_000],
    );
    expect(r.created).toEqual(['21000:never_joined']);
    const s = r.sessions.find((x) => x.job === 'AJ_stuck1');
    expect(s?.causes[0]?.summary).toMatch(
      /^The agent joined room demo at \d\d:\d\d:\d\d but never started its session: no agent state for 20 s while caller-1 waited/,
    );
    // …and stays quiet when the state comes in time.
    const ok = run(
      [
        [0, participantEvent('demo', user, true, T0)],
        [1_000, participantEvent('demo', bare, true, T0 + 1_000)],
        [
          6_000,
          agentStateEvent(
            'demo',
            { ...bare, attributes: { 'lk.agent.state': 'listening' } },
            undefined,
            T0 + 6_000,
          ),
        ],
      ],
      [30_000],
    );
    expect(ok.created).toEqual([]);
  });
});
