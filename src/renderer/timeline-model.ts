// What the session view draws, as plain data computed from what the store answers: which lane each
// event goes in, the agent's state as segments, the gaps, and what should have happened and did
// not (ghosts). Pure functions of (events, turns, summary, now): the components only place them.

import { lanesOf, type Lane } from '../shared/lanes.js';
import type { StoredEvent, StoredTurn } from '../shared/store.js';
import type { Evidence, Finding, SessionSummary } from '../shared/types.js';

/** agent_silent's default delay; the session's own is learnt from its finding when it has one. */
export const DEFAULT_SILENCE_MS = 8000;
/** A run of errors this close together before a close is a retry storm. */
export const STORM_GAP_MS = 30_000;
export const STORM_MIN_ERRORS = 3;
/** No event at all for this long is drawn as a gap (no log output, nothing seen in the room). */
export const GAP_MS = 60_000;

export interface View {
  from: number;
  to: number;
}

export interface Ghost {
  kind: 'reply' | 'thinking' | 'retry-storm';
  from: number;
  /** When it should have ended: the silence deadline of a reply. */
  deadline?: number;
  to: number;
  /** Still growing: the session is live and nothing has come yet. */
  waiting: boolean;
  /** The turn (reply ghosts) or the first event (others) it stands for. */
  ref: string;
  label: string;
}

export interface StateSegment {
  state: string;
  from: number;
  to: number;
  event: string;
  /** The last state of the session, with nothing after it. */
  open: boolean;
}

export interface Gap {
  from: number;
  to: number;
  why: 'no output' | 'observer away';
}

/** The events of each lane, in time order. */
export function byLane(events: readonly StoredEvent[]): Map<Lane, StoredEvent[]> {
  const m = new Map<Lane, StoredEvent[]>();
  for (const ev of events)
    for (const lane of lanesOf(ev)) {
      let l = m.get(lane);
      if (!l) m.set(lane, (l = []));
      l.push(ev);
    }
  return m;
}

/** Where a session's time ends for drawing: now while it is live, else its last event. */
export function sessionEnd(s: SessionSummary, now: number): number {
  const end = Number.isFinite(s.end) ? s.end : s.start;
  return s.live ? Math.max(end, now) : end;
}

/** How long a session lasts, one rule for the list and the header: up to now while it is live. */
export function sessionDuration(s: SessionSummary, now: number): number {
  return sessionEnd(s, now) - s.start;
}

/** The room a session is listed under: its name, else its sid (agents-js logs only the sid). */
export function roomOf(s: SessionSummary): string | undefined {
  return s.room ?? s.roomSid;
}

/**
 * The silence delay the session was judged with: its agent_silent finding fired that long after
 * the unanswered turn it names (the default when it has none).
 */
export function silenceDelay(turns: readonly StoredTurn[], findings: readonly Finding[]): number {
  const f = findings.find((x) => x.cause === 'agent_silent');
  if (!f) return DEFAULT_SILENCE_MS;
  let best: number | undefined;
  for (const t of turns)
    if (t.userEnd !== undefined && t.spoke === undefined && t.userEnd <= f.time) best = t.userEnd;
  const d = best === undefined ? NaN : f.time - best;
  return d > 0 && d < 10 * 60_000 ? d : DEFAULT_SILENCE_MS;
}

/** The agent's state over time, from its state changes (the last one open to the end). */
export function stateSegments(events: readonly StoredEvent[], end: number): StateSegment[] {
  const states = events.filter((e) => e.kind === 'agent_state' && e.detail?.state);
  return states.map((e, i) => {
    const next = states[i + 1];
    return {
      state: e.detail?.state ?? '',
      from: e.time,
      to: next ? next.time : Math.max(end, e.time),
      event: e.id,
      open: !next,
    };
  });
}

/**
 * What should have happened and did not:
 * - a reply: a user turn with no speech after it, from the turn's end to the silence deadline (and
 *   on to now while the session is live and it is the last turn: the user is still waiting);
 * - thinking that never ended: the last state is `thinking` and the agent never spoke after it;
 * - a retry storm: the run of errors (each within STORM_GAP_MS of the next) that preceded a close.
 */
export function ghosts(
  summary: SessionSummary,
  turns: readonly StoredTurn[],
  events: readonly StoredEvent[],
  now: number,
  /**
   * What `events` are: every event of their time range (`complete`), up to the session's end
   * (`reachesEnd`). The last state is the session's only if they reach its end, and a storm is a
   * storm only if no event is missing from it; reply ghosts come from the turns, always whole.
   */
  held: { complete: boolean; reachesEnd: boolean } = { complete: true, reachesEnd: true },
): Ghost[] {
  const out: Ghost[] = [];
  const silence = silenceDelay(turns, summary.causes);
  const end = sessionEnd(summary, now);
  // Nothing is awaited past the session's close (or, without one in view, its last event once it
  // has ended): a reply ghost stops there, and a turn logged after it waits for nothing.
  const closed = closeTime(summary, events);
  turns.forEach((t, i) => {
    if (t.userEnd === undefined || t.spoke !== undefined) return;
    if (closed !== undefined && t.userEnd > closed) return;
    const deadline = t.userEnd + silence;
    const last = i === turns.length - 1;
    const waiting = summary.live && last && closed === undefined;
    const to = waiting ? Math.max(deadline, now) : deadline;
    out.push({
      kind: 'reply',
      from: t.userEnd,
      deadline,
      to: closed !== undefined ? Math.max(t.userEnd, Math.min(to, closed)) : to,
      waiting,
      ref: t.id,
      label: waiting ? 'no reply yet' : 'no reply',
    });
  });

  const states = events.filter((e) => e.kind === 'agent_state' && e.detail?.state);
  const lastState = states[states.length - 1];
  if (held.complete && held.reachesEnd && lastState?.detail?.state === 'thinking') {
    const spokeAfter = events.some((e) => e.kind === 'agent_speech' && e.time >= lastState.time);
    if (!spokeAfter)
      out.push({
        kind: 'thinking',
        from: lastState.time,
        to: Math.max(end, lastState.time),
        waiting: summary.live,
        ref: lastState.id,
        label: 'thinking, never spoke',
      });
  }

  const close = held.complete ? events.find((e) => e.kind === 'session_close') : undefined;
  if (close) {
    const errors = events.filter((e) => e.kind === 'error' && e.time <= close.time);
    let k = errors.length;
    let at = close.time;
    while (k > 0 && at - (errors[k - 1] as StoredEvent).time <= STORM_GAP_MS) {
      k--;
      at = (errors[k] as StoredEvent).time;
    }
    const storm = errors.slice(k);
    const first = storm[0];
    if (first && storm.length >= STORM_MIN_ERRORS)
      out.push({
        kind: 'retry-storm',
        from: first.time,
        to: close.time,
        waiting: false,
        ref: first.id,
        label: `${storm.length} errors, then closed`,
      });
  }
  return out;
}

/**
 * When the session stopped waiting for anything: its first close line, else (an ended session
 * whose close is not among `events`) its last event; undefined while it is live and open.
 */
export function closeTime(summary: SessionSummary, events: readonly StoredEvent[]): number | undefined {
  const close = events.find((e) => e.kind === 'session_close');
  if (close) return close.time;
  return summary.live || !Number.isFinite(summary.end) ? undefined : summary.end;
}

/** Stretches with nothing seen: no event for GAP_MS or more, or the room observer away. */
export function gaps(events: readonly StoredEvent[]): Gap[] {
  const out: Gap[] = [];
  let away: number | undefined;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as StoredEvent;
    const next = events[i + 1];
    if (e.kind === 'observer_connection') {
      const st = e.detail?.state ?? '';
      if (/reconnecting|disconnected/.test(st)) away ??= e.time;
      else if (away !== undefined) {
        out.push({ from: away, to: e.time, why: 'observer away' });
        away = undefined;
      }
    }
    if (next && away === undefined && next.time - e.time >= GAP_MS)
      out.push({ from: e.time, to: next.time, why: 'no output' });
  }
  return out;
}

/**
 * The finding an event bears on: the one whose evidence is this event's line (or room message);
 * else, for an error or a close, the first finding (root cause first) of the same component whose
 * span holds it — the retries between a finding's first and latest evidence are its too.
 */
export function findingOf(ev: StoredEvent, findings: readonly Finding[]): Finding | undefined {
  const exact = findings.find((f) =>
    f.evidence.some((x) =>
      ev.file !== undefined
        ? x.file === ev.file && (x.offset === ev.offset || (x.offset === undefined && x.line === ev.line))
        : x.room !== undefined && x.room === ev.room && f.time <= ev.time && ev.time <= f.lastTime,
    ),
  );
  if (exact || (ev.kind !== 'error' && ev.kind !== 'session_close')) return exact;
  const component = ev.detail?.component;
  return findings.find(
    (f) =>
      f.time <= ev.time &&
      ev.time <= Math.max(f.lastTime, f.time) &&
      (component === undefined || f.component === component),
  );
}

/** Whether an event is the line a piece of evidence names: same file, same offset (else line). */
export function isEvidence(x: Evidence, ev: StoredEvent): boolean {
  if (x.file === undefined || ev.file !== x.file) return false;
  return x.offset !== undefined ? ev.offset === x.offset : x.line !== undefined && ev.line === x.line;
}

/**
 * The view a finding opens on: from its first evidence (`evidenceAt`: the unanswered user turn of
 * a silence, the thinking that never ended) or its time, to its last time, padded; at least `span`
 * wide, the moment it began a third of the way in.
 */
export function findingView(f: Finding, evidenceAt: number | undefined, span: number): View {
  const a = Math.min(f.time, evidenceAt ?? f.time);
  const b = Math.max(f.lastTime, f.time);
  const pad = Math.max(span / 3, (b - a) * 0.1);
  return { from: a - pad, to: Math.max(b + pad, a - pad + span) };
}

/** A view around one moment: `span` wide, the moment a third of the way in. */
export function viewAround(t: number, span: number): View {
  return { from: t - span / 3, to: t + (2 * span) / 3 };
}

/** The view fitting a session (a little margin on each side). */
export function fitView(s: SessionSummary, now: number): View {
  const start = Number.isFinite(s.start) ? s.start : now - 60_000;
  const end = Math.max(sessionEnd(s, now), start + 1000);
  const m = (end - start) * 0.03;
  return { from: start - m, to: end + m };
}

/** Zoomed by `factor` (< 1 zooms in) around `at`, never narrower than 50 ms. */
export function zoom(v: View, factor: number, at: number): View {
  const span = Math.max(50, (v.to - v.from) * factor);
  const k = (at - v.from) / (v.to - v.from || 1);
  return { from: at - k * span, to: at - k * span + span };
}

/** Nice tick spacing for an axis: about `count` ticks over the span. */
export function tickStep(span: number, count: number): number {
  const steps = [
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
    600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
  ];
  const want = span / Math.max(1, count);
  return steps.find((s) => s >= want) ?? 86_400_000;
}
