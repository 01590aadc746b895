// RoomObserver's decisions without a browser: which rooms it joins, when it leaves, how it retries,
// what it says. The host and ListRooms are stand-ins that record what they were asked; the real
// thing (Chromium, livekit-client, a LiveKit server) is exercised in test/observer.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveRoom } from '../livekit/credentials.js';
import type { AgentEvent } from '../../shared/events.js';
import { RoomObserver, type RoomHost } from './observer.js';
import type { Observation, SeenPeer } from '../../shared/observation.js';

/** What the page reports, less the room and time the harness adds. */
type Seen = Observation extends infer O ? (O extends unknown ? Omit<O, 'room' | 'time'> : never) : never;

const agent: SeenPeer = { identity: 'agent-AJ_a1', kind: 4, attributes: { 'lk.agent.state': 'listening' } };
const user: SeenPeer = { identity: 'caller', kind: 0, attributes: {} };

class Harness {
  live: LiveRoom[] | { error: string } = [];
  joins: string[] = [];
  leaves: string[] = [];
  notices: string[] = [];
  statuses: unknown[] = [];
  events: AgentEvent[] = [];
  report: (o: Observation) => void = () => undefined;
  exit: (why: string) => void = () => undefined;
  launches = 0;
  failLaunch = false;
  readonly observer: RoomObserver;
  constructor(opts: { names?: string[]; pattern?: string; maxRooms?: number } = {}) {
    this.observer = new RoomObserver({
      credentials: { url: 'ws://lk.test', apiKey: 'k', apiSecret: 'secret-secret-secret-secret-secret' },
      pollMs: 60_000, // polls are driven by the test
      ...opts,
      onEvent: (e) => this.events.push(e),
      onNotice: (l) => this.notices.push(l),
      onStatus: (st) => this.statuses.push(st),
      list: async () => this.live,
      launch: async (report, exit) => {
        this.launches++;
        if (this.failLaunch) throw new Error('cannot start the browser at /bin/true: boom');
        this.report = report;
        this.exit = exit;
        const host: RoomHost = {
          join: async (room) => void this.joins.push(room),
          leave: async (room) => void this.leaves.push(room),
          close: async () => undefined,
        };
        return host;
      },
    });
  }
  poll(): Promise<void> {
    return (this.observer as unknown as { poll(): Promise<void> }).poll();
  }
  see(room: string, o: Seen): void {
    this.report({ room, time: Date.now(), ...o } as Observation);
  }
}

const harnesses: Harness[] = [];
function harness(opts?: ConstructorParameters<typeof Harness>[0]): Harness {
  const h = new Harness(opts);
  harnesses.push(h);
  return h;
}
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.observer.stop();
});

describe('RoomObserver decisions', () => {
  it('joins matching live rooms that have someone in them, up to the cap, and says why not the rest', async () => {
    const h = harness({ pattern: 'dev-*', maxRooms: 2 });
    h.live = [
      { name: 'dev-1', sid: 'RM_1', numParticipants: 2 },
      { name: 'dev-empty', sid: 'RM_e', numParticipants: 0 },
      { name: 'prod-1', sid: 'RM_p', numParticipants: 2 },
      { name: 'dev-2', sid: 'RM_2', numParticipants: 1 },
      { name: 'dev-3', sid: 'RM_3', numParticipants: 1 },
    ];
    await h.observer.start();
    expect(h.joins).toEqual(['dev-1', 'dev-2']);
    expect(h.notices).toContain('not observing room dev-3: already watching 2 rooms (--max-rooms)');
    await h.poll();
    expect(h.notices.filter((n) => n.includes('dev-3'))).toHaveLength(1); // said once
  });

  it('waits for a named room that is not live, saying so once, and never joins it early', async () => {
    const h = harness({ names: ['demo'] });
    await h.observer.start();
    await h.poll();
    expect(h.joins).toEqual([]);
    expect(h.notices).toEqual([
      'room demo is not live on ws://lk.test: waiting for it to start (deadair never creates rooms)',
    ]);
    h.live = [{ name: 'demo', sid: 'RM_d', numParticipants: 1 }];
    await h.poll();
    expect(h.joins).toEqual(['demo']);
  });

  it('leaves once the last user has gone, and rejoins only when someone new arrives', async () => {
    const h = harness({ names: ['demo'] });
    h.live = [{ name: 'demo', sid: 'RM_d', numParticipants: 2 }];
    await h.observer.start();
    h.see('demo', { type: 'connected', participants: [agent, user] });
    expect(h.notices).toContain('observing room demo (1 user, 1 agent)');
    h.see('demo', { type: 'participant_left', peer: user });
    expect(h.leaves).toEqual(['demo']);
    expect(h.notices).toContain('leaving room demo: no user is left in it');
    h.see('demo', { type: 'disconnected', reason: 'CLIENT_INITIATED' });
    h.live = [{ name: 'demo', sid: 'RM_d', numParticipants: 1 }]; // the agent is still there
    await h.poll();
    expect(h.joins).toEqual(['demo']);
    h.live = [{ name: 'demo', sid: 'RM_d', numParticipants: 2 }]; // a user came back
    await h.poll();
    expect(h.joins).toEqual(['demo', 'demo']);
  });

  it('stays while only the agent is there and no user has come yet', async () => {
    const h = harness({ names: ['demo'] });
    h.live = [{ name: 'demo', sid: 'RM_d', numParticipants: 1 }];
    await h.observer.start();
    h.see('demo', { type: 'connected', participants: [agent] });
    expect(h.leaves).toEqual([]);
  });

  it('retries a failed join with growing waits, and a room that ended is not rejoined', async () => {
    const h = harness({ names: ['demo'] });
    h.live = [{ name: 'demo', sid: 'RM_d', numParticipants: 1 }];
    await h.observer.start();
    h.see('demo', { type: 'join_failed', message: 'could not establish pc connection' });
    h.see('demo', { type: 'disconnected', reason: 'JOIN_FAILURE' }); // after join_failed: not counted twice
    expect(h.notices.filter((n) => n.startsWith('cannot observe room demo'))).toEqual([
      'cannot observe room demo: could not establish pc connection (trying again in 1 s)',
    ]);
    await h.poll(); // too early
    expect(h.joins).toEqual(['demo']);
    await new Promise((r) => setTimeout(r, 1050));
    await h.poll();
    expect(h.joins).toEqual(['demo', 'demo']);
    h.see('demo', { type: 'join_failed', message: 'still no' });
    expect(h.notices.at(-1)).toBe('cannot observe room demo: still no (trying again in 2 s)');
    // It connects, then the room is deleted: said once, not rejoined.
    h.see('demo', { type: 'connected', participants: [agent, user] });
    h.see('demo', { type: 'disconnected', reason: 'ROOM_DELETED' });
    expect(h.notices.at(-1)).toBe('room demo ended (ROOM_DELETED)');
    await h.poll();
    expect(h.joins).toHaveLength(2);
  });

  it('forgets a room that is no longer live, and one of the same name later is new', async () => {
    const h = harness({ names: ['demo'] });
    h.live = [{ name: 'demo', sid: 'RM_1', numParticipants: 1 }];
    await h.observer.start();
    h.see('demo', { type: 'connected', participants: [user] });
    h.live = [];
    await h.poll();
    expect(h.leaves).toEqual(['demo']);
    expect(h.notices).toContain('room demo finished');
    h.live = [{ name: 'demo', sid: 'RM_2', numParticipants: 1 }];
    await h.poll();
    expect(h.joins).toEqual(['demo', 'demo']);
  });

  it('says an unreachable server once, and again when it answers', async () => {
    const h = harness({ pattern: '*' });
    h.live = { error: 'cannot reach LiveKit at ws://lk.test: connection refused' };
    await h.observer.start();
    await h.poll();
    expect(h.notices).toEqual([
      'cannot reach LiveKit at ws://lk.test: connection refused (retrying every 60 s)',
    ]);
    await h.poll();
    h.live = [];
    await h.poll();
    expect(h.notices.at(-1)).toBe('LiveKit at ws://lk.test answers again');
    // The status, once per change: what the tray's offline icon follows.
    expect(h.statuses).toEqual([
      { online: false, why: 'cannot reach LiveKit at ws://lk.test: connection refused' },
      { online: true },
    ]);
  });

  it('counts the observer as away while reconnecting, and through a lost browser', async () => {
    const h = harness({ names: ['demo'] });
    h.live = [{ name: 'demo', sid: 'RM_d', numParticipants: 2 }];
    await h.observer.start();
    h.see('demo', { type: 'connected', participants: [agent, user] });
    h.see('demo', { type: 'reconnecting' });
    h.see('demo', { type: 'reconnecting' });
    expect(h.notices.filter((n) => n.includes('lost; reconnecting'))).toHaveLength(1);
    h.see('demo', { type: 'reconnected', participants: [agent, user] });
    expect(h.notices.at(-1)).toBe('reconnected to room demo');
    const states = () => h.events.flatMap((e) => (e.kind === 'observer_connection' ? [e.state] : []));
    expect(states()).toEqual(['connected', 'reconnecting', 'connected']);
    // The browser dies: the room is down until a new browser rejoins it.
    h.exit('the observer browser exited');
    expect(states().at(-1)).toBe('disconnected');
    expect(h.notices.at(-1)).toBe('the observer browser exited; restarting it');
    await new Promise((r) => setTimeout(r, 1050));
    await h.poll();
    expect(h.launches).toBe(2);
    expect(h.joins).toEqual(['demo', 'demo']);
  });

  it('keeps trying to bring a lost browser back, saying why once', async () => {
    const h = harness({ names: ['demo'] });
    h.live = [{ name: 'demo', sid: 'RM_d', numParticipants: 2 }];
    await h.observer.start();
    h.exit('the observer browser exited');
    h.failLaunch = true;
    await new Promise((r) => setTimeout(r, 1050));
    await h.poll();
    await h.poll(); // backing off: not yet
    expect(h.launches).toBe(2);
    expect(h.notices.filter((n) => n.includes('cannot start the browser'))).toEqual([
      'cannot start the browser at /bin/true: boom (trying again)',
    ]);
  });
});
