// Who is in each room, as the room observer sees it: never_joined (a user waits with no agent, or
// the agent joined but never started its session), agent_left (the agent left while a user stayed,
// with no close logged), and the observer's own gaps — while it is away no silence is counted.

import type { AgentEvent } from '../../shared/events.js';
import type { Evidence } from '../../shared/types.js';
import type { Session } from '../session.js';
import { clock, likelyCause, seconds, someOf } from '../wording.js';
import { arm, type Due, type FoldContext } from './context.js';
import { raise, type Change } from './finding.js';
import { sourceOf } from './silence.js';

/** What the room observer saw of one room: who is there, and whether it is watching right now. */
interface RoomState {
  name: string;
  users: Set<string>;
  agents: Set<string>;
  /** A user has been in the room with no agent since then. */
  waitingSince?: number;
  waitingEvidence?: Evidence;
  neverJoinedRaised: boolean;
  /** The observer lost its connection at this time (silence is not counted while it is away). */
  downSince?: number;
}

export class Presence {
  private readonly rooms = new Map<string, RoomState>();

  /** Is the observer away from the session's room? (Its reconnection requeues the session.) */
  away(s: Session): boolean {
    return s.room !== undefined && this.rooms.size > 0 && this.rooms.get(s.room)?.downSince !== undefined;
  }

  /** Room-side signals: who joined or left, and the observer's own connection. */
  roomEvent(ctx: FoldContext, s: Session, ev: AgentEvent, change: Change): void {
    const name = ev.ctx.roomName ?? ev.evidence.room;
    if (!name) return;
    const r = this.room(name);
    if (ev.kind === 'observer_connection') {
      if (ev.state === 'connected' && r.downSince !== undefined) {
        // The time the observer was away does not count toward any silence.
        const gap = ev.time - r.downSince;
        r.downSince = undefined;
        if (r.waitingSince !== undefined) r.waitingSince += gap;
        for (const x of ctx.attribution.sessions.values()) {
          if (x.room !== name) continue;
          // A turn only the room saw: whether it was answered while the observer was away is
          // unknown, so it is no longer pending. One the log saw too still is, from now.
          if (x.pending && sourceOf(x.pending.evidence) === 'room' && x.pending.alsoSeen === undefined)
            x.pending = undefined;
          else if (x.pending) x.pending.time += gap;
          if (x.thinkingSince !== undefined) x.thinkingSince += gap;
          arm(ctx, x, ev.time); // its timers run again
        }
      } else if (ev.state !== 'connected') r.downSince ??= ev.time;
      return;
    }
    if (ev.kind === 'participant_joined') {
      if (ev.agent) {
        r.agents.add(ev.participant);
        r.waitingSince = undefined;
        // Joined, but is its session running? The agent sets lk.agent.state when it starts.
        if (ev.state !== undefined) s.started = true;
        if (!s.started && s.startWaitSince === undefined) {
          s.startWaitSince = ev.time;
          s.startWaitEvidence = ev.evidence;
          arm(ctx, s, ev.time + ctx.limits.neverJoinedMs);
        }
      } else {
        r.users.add(ev.participant);
        if (r.agents.size === 0 && r.waitingSince === undefined) {
          r.waitingSince = ev.time;
          r.waitingEvidence = ev.evidence;
        }
      }
      return;
    }
    if (ev.kind !== 'participant_left') return;
    if (!ev.agent) {
      r.users.delete(ev.participant);
      if (r.users.size === 0) r.waitingSince = undefined;
      return;
    }
    r.agents.delete(ev.participant);
    if (r.users.size > 0 && !s.closed) {
      const f = raise(s, 'agent_left', 'critical', 'session', ev.time, ev.evidence, change);
      f.summary = `The agent left the room at ${clock(ev.time)} while ${someOf(r.users)} stayed, and no session close was logged${likelyCause(s)}.`;
      s.exited = true;
      s.pending = undefined;
      ctx.attribution.untrack(s);
    }
  }

  /** Rooms where a user has waited `neverJoinedMs` with no agent by `now`: never_joined, once each. */
  tick(ctx: FoldContext, now: number, changes: Change[]): void {
    const { neverJoinedMs } = ctx.limits;
    for (const r of this.rooms.values()) {
      if (r.downSince !== undefined || r.waitingSince === undefined || r.neverJoinedRaised) continue;
      if (r.agents.size > 0 || r.users.size === 0 || now - r.waitingSince < neverJoinedMs) continue;
      r.neverJoinedRaised = true;
      ctx.attribution.epoch++; // a room timer may create a session
      const s = ctx.attribution.roomSession(r.name);
      const change: Change = { session: s.id, created: [], escalated: [] };
      const f = raise(
        s,
        'never_joined',
        'critical',
        'session',
        r.waitingSince + neverJoinedMs,
        r.waitingEvidence ?? { room: r.name, text: '' },
        change,
      );
      s.room ??= r.name;
      f.room ??= r.name;
      f.since ??= r.waitingSince;
      f.summary = `${someOf(r.users)} joined room ${r.name} at ${clock(r.waitingSince)} and no agent came for ${seconds(neverJoinedMs)} s.`;
      changes.push(change);
    }
  }

  /** The agent joined but has shown no life for `neverJoinedMs` while a user waits: never_joined. */
  startWaitTimer(ctx: FoldContext, s: Session, due: Due, change: Change): void {
    const { neverJoinedMs } = ctx.limits;
    if (s.startWaitSince === undefined || !due.at(s.startWaitSince + neverJoinedMs)) return;
    const r = s.room !== undefined ? this.rooms.get(s.room) : undefined;
    if (r && r.users.size > 0 && !s.findings.has('never_joined')) {
      const since = s.startWaitSince;
      s.startWaitSince = undefined;
      const f = raise(
        s,
        'never_joined',
        'critical',
        'session',
        since + neverJoinedMs,
        s.startWaitEvidence ?? { room: r.name, text: '' },
        change,
      );
      f.since = since;
      f.summary = `The agent joined room ${r.name} at ${clock(since)} but never started its session: no agent state for ${seconds(neverJoinedMs)} s while ${someOf(r.users)} waited (its entrypoint looks stuck before the session started).`;
    } else if (r && r.users.size === 0) {
      due.at(due.now + 1000); // nobody is waiting yet: look again in a second
    }
  }

  private room(name: string): RoomState {
    let r = this.rooms.get(name);
    if (!r)
      this.rooms.set(name, (r = { name, users: new Set(), agents: new Set(), neverJoinedRaised: false }));
    return r;
  }
}
