// RoomObserver: finds the rooms to watch (RoomService.ListRooms), joins each as a hidden,
// subscribe-only participant in one browser, turns what it sees into AgentEvents, and keeps at it
// through drops, restarts, bad credentials and browser crashes — saying what is wrong in one line.
//
// Two server behaviours shape it: a hidden participant keeps a room (and its agent job) alive, so
// the observer leaves once the last visible user has gone; and joining a finished room creates it
// again, so it joins only rooms that ListRooms reports live.

import { shownUrl } from '../redact.js';
import type { LiveKitCredentials, LiveRoom } from '../livekit/credentials.js';
import { listRooms, observerIdentity, observerToken, roomMatcher } from '../livekit/credentials.js';
import type { AgentEvent } from '../../shared/events.js';
import { RoomMapper } from './mapper.js';
import type { Observation } from '../../shared/observation.js';

/**
 * Where livekit-client runs: one browser context that joins and leaves rooms and reports what it
 * sees. The CLI launches headless Chromium (src/observer/browser.ts), the tray app a hidden renderer;
 * everything else — discovery, tokens, retries, mapping to events — is here, on this side of it.
 */
export interface RoomHost {
  join(room: string, url: string, token: string): Promise<void>;
  leave(room: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts a host; it reports each observation, and once why it stopped when it stops on its own. */
export type LaunchRoomHost = (
  onObservation: (o: Observation) => void,
  onExit: (why: string) => void,
) => Promise<RoomHost>;

export interface RoomObserverOptions {
  credentials: LiveKitCredentials;
  /** Rooms named exactly (`--room`). */
  names?: string[];
  /** Rooms whose names match a shell-style pattern (`--rooms 'dev-*'`). */
  pattern?: string;
  /** At most this many rooms at once (default 20). */
  maxRooms?: number;
  /** How often to ask the server for its live rooms (default 2 s). */
  pollMs?: number;
  onEvent: (ev: AgentEvent) => void;
  /** One human line per state change or problem. */
  onNotice: (line: string) => void;
  /**
   * Whether the server answers (its room list), on each change: offline with the reason when it
   * stops answering, online when it answers again (the tray's offline icon).
   */
  onStatus?: (s: { online: true } | { online: false; why: string }) => void;
  /** Starts the host livekit-client runs in (headless Chromium in the CLI). */
  launch: LaunchRoomHost;
  list?: (c: LiveKitCredentials) => Promise<LiveRoom[] | { error: string }>;
}

type Status = 'joining' | 'connected' | 'reconnecting' | 'retry' | 'left';

interface Watched {
  mapper: RoomMapper;
  status: Status;
  sid: string;
  failures: number;
  retryAt: number;
  /** Left because the users had gone: rejoin only when the room has more than these agents. */
  leftWith?: number;
  everUsers: boolean;
}

/** Rooms that go away for good: do not rejoin them. */
const ROOM_GONE = new Set(['ROOM_DELETED', 'ROOM_CLOSED']);

export class RoomObserver {
  private host: RoomHost | undefined;
  private readonly watched = new Map<string, Watched>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private polling = false;
  private lastListError = '';
  private readonly said = new Set<string>();
  private readonly match: (name: string) => boolean;
  private readonly identity = observerIdentity();
  private relaunchAt = 0;
  private launches = 0;

  constructor(private readonly o: RoomObserverOptions) {
    const names = new Set(o.names ?? []);
    const pattern = o.pattern ? roomMatcher(o.pattern) : undefined;
    this.match = (name) => names.has(name) || (pattern?.(name) ?? false);
  }

  /** Starts the browser and the first discovery; throws one line when the browser cannot start. */
  async start(): Promise<void> {
    this.host = await this.launch();
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.o.pollMs ?? 2000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const host = this.host;
    this.host = undefined;
    if (host) {
      for (const [name, w] of this.watched)
        if (w.status === 'connected' || w.status === 'reconnecting')
          await host.leave(name).catch(() => undefined);
      await host.close();
    }
  }

  private launch(): Promise<RoomHost> {
    this.launches++;
    const onObservation = (o: Observation) => this.observe(o);
    const onExit = (why: string) => this.lost(why);
    return this.o.launch(onObservation, onExit);
  }

  private notice(line: string, once?: string): void {
    if (once !== undefined) {
      if (this.said.has(once)) return;
      this.said.add(once);
    }
    this.o.onNotice(line);
  }

  private emit(w: Watched, o: Observation): void {
    for (const ev of w.mapper.map(o)) this.o.onEvent(ev);
  }

  /** One round of discovery: join what is live and wanted, let go of what finished. */
  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      if (!this.host) {
        if (Date.now() < this.relaunchAt) return;
        try {
          this.host = await this.launch();
          this.notice('observer browser restarted; rejoining rooms');
        } catch (e) {
          this.relaunchAt = Date.now() + Math.min(60_000, 2000 * 2 ** Math.min(5, this.launches));
          const why = (e as Error).message;
          this.notice(`${why} (trying again)`, `launch ${why}`);
          return;
        }
      }
      const live = await (this.o.list ?? listRooms)(this.o.credentials);
      if ('error' in live) {
        if (live.error !== this.lastListError) {
          this.notice(`${live.error} (retrying every ${+((this.o.pollMs ?? 2000) / 1000).toFixed(2)} s)`);
          this.o.onStatus?.({ online: false, why: live.error });
        }
        this.lastListError = live.error;
        return;
      }
      if (this.lastListError) {
        this.notice(`LiveKit at ${shownUrl(this.o.credentials.url)} answers again`);
        this.o.onStatus?.({ online: true });
      }
      this.lastListError = '';
      const byName = new Map(live.map((r) => [r.name, r]));
      for (const name of this.o.names ?? [])
        if (!byName.has(name) && !this.watched.has(name))
          this.notice(
            `room ${name} is not live on ${shownUrl(this.o.credentials.url)}: waiting for it to start (deadair never creates rooms)`,
            `wait ${name}`,
          );
      // Rooms that finished: forget them (a room of the same name later is a new room).
      for (const [name, w] of this.watched) {
        const r = byName.get(name);
        if (r && (w.sid === '' || r.sid === '' || r.sid === w.sid)) continue;
        if (w.status === 'connected' || w.status === 'reconnecting' || w.status === 'joining')
          await this.host.leave(name).catch(() => undefined);
        if (w.status !== 'left') this.notice(`room ${name} finished`);
        this.watched.delete(name);
      }
      const cap = this.o.maxRooms ?? 20;
      for (const r of live) {
        if (!this.match(r.name)) continue;
        const w = this.watched.get(r.name);
        if (w) {
          if (w.status === 'retry' && Date.now() >= w.retryAt) await this.join(r, w);
          else if (w.status === 'left' && w.leftWith !== undefined && r.numParticipants > w.leftWith)
            await this.join(r, w);
          continue;
        }
        if (r.numParticipants === 0) continue; // joining would keep an empty room alive
        const active = [...this.watched.values()].filter((x) => x.status !== 'left').length;
        if (active >= cap) {
          this.notice(
            `not observing room ${r.name}: already watching ${cap} rooms (--max-rooms)`,
            `cap ${r.name}`,
          );
          continue;
        }
        await this.join(r, {
          mapper: new RoomMapper(r.name),
          status: 'joining',
          sid: r.sid,
          failures: 0,
          retryAt: 0,
          everUsers: false,
        });
      }
    } finally {
      this.polling = false;
    }
  }

  private async join(r: LiveRoom, w: Watched): Promise<void> {
    if (!this.host) return;
    this.watched.set(r.name, w);
    w.status = 'joining';
    w.sid = r.sid;
    w.leftWith = undefined;
    // A fresh short-lived token for every attempt: a rejoin never reuses an expired one.
    const token = await observerToken(this.o.credentials, r.name, {
      identity: this.identity,
      ttlSeconds: 600,
    });
    try {
      await this.host.join(r.name, this.o.credentials.url, token);
    } catch (e) {
      this.failed(r.name, w, (e as Error).message.split('\n')[0] ?? 'the browser did not answer');
    }
  }

  private failed(name: string, w: Watched, why: string): void {
    w.failures++;
    w.status = 'retry';
    const wait = Math.min(30_000, 1000 * 2 ** Math.min(5, w.failures - 1));
    w.retryAt = Date.now() + wait;
    this.notice(`cannot observe room ${name}: ${why} (trying again in ${Math.round(wait / 1000)} s)`);
  }

  private observe(o: Observation): void {
    const w = this.watched.get(o.room);
    if (!w || this.stopped) return;
    switch (o.type) {
      case 'join_failed':
        this.failed(o.room, w, o.message);
        return;
      case 'connected': {
        w.status = 'connected';
        w.failures = 0;
        this.emit(w, o);
        const users = w.mapper.users().length;
        const agents = w.mapper.agents().length;
        this.notice(
          `observing room ${o.room} (${users} user${users === 1 ? '' : 's'}, ${agents} agent${agents === 1 ? '' : 's'})`,
        );
        if (users > 0) w.everUsers = true;
        this.maybeLeave(o.room, w);
        return;
      }
      case 'reconnecting':
        this.emit(w, o);
        if (w.status === 'reconnecting') return; // the signal, then the media: one drop
        w.status = 'reconnecting';
        this.notice(`connection to room ${o.room} lost; reconnecting`);
        return;
      case 'reconnected':
        w.status = 'connected';
        this.emit(w, o);
        this.notice(`reconnected to room ${o.room}`);
        return;
      case 'disconnected': {
        if (w.status === 'left') return; // we left on purpose
        // A join that failed (join_failed says why), or a stale report of one already retried.
        if (w.status === 'joining' || w.status === 'retry') return;
        this.emit(w, o);
        if (o.reason === 'CLIENT_INITIATED') return;
        if (ROOM_GONE.has(o.reason)) {
          w.status = 'left';
          this.notice(`room ${o.room} ended (${o.reason})`);
          return;
        }
        this.failed(o.room, w, `disconnected (${o.reason})`);
        return;
      }
      default:
        this.emit(w, o);
        if (w.mapper.users().length > 0) w.everUsers = true;
        if (o.type === 'participant_left') this.maybeLeave(o.room, w);
    }
  }

  /** A hidden observer keeps a room alive: leave when no visible user is left. */
  private maybeLeave(name: string, w: Watched): void {
    if (w.mapper.users().length > 0) return;
    if (!w.everUsers && w.mapper.agents().length > 0) return; // waiting for the first user
    w.status = 'left';
    w.leftWith = w.mapper.agents().length;
    this.notice(`leaving room ${name}: no user is left in it`);
    void this.host?.leave(name).catch(() => undefined);
  }

  /** The browser went away: every room is down until a new browser rejoins them. */
  private lost(why: string): void {
    if (this.stopped) return;
    this.host = undefined;
    this.relaunchAt = Date.now() + 1000;
    this.notice(`${why}; restarting it`);
    const now = Date.now();
    for (const [name, w] of this.watched) {
      if (w.status === 'left') continue;
      this.emit(w, { room: name, time: now, type: 'disconnected', reason: 'BROWSER_EXITED' });
      w.status = 'retry';
      w.retryAt = 0;
    }
  }
}
