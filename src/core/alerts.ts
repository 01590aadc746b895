// AlertPolicy: which findings become alerts (a notification, a spoken clip). One incident, one
// alert: a finding that is the consequence of one already alerted (the close after credits ran
// out) raises nothing, and neither does a root cause found after the silence it explains was
// alerted (an LLM that times out on every retry: the user's wait is heard first); one alert per
// session and cause; a per-cause switch and a severity floor;
// a burst of sessions failing for one cause within seconds becomes one alert ("3 agents: out of
// inference credits"); a global and a per-session snooze; at most N alerts a minute. Pure: the
// caller passes findings and the time in, and gets alerts out.

import type { CauseId, Finding, Severity } from '../shared/types.js';
import { clipFor, componentWord, SILENCE_CAUSES, type AlertClip } from './causes.js';

export interface Alert {
  /** `<session>/<cause>` of the finding that raised it, or `burst/<cause>/<time>`. */
  id: string;
  finding: Finding;
  /** The cause in words: a notification's title. */
  title: string;
  /** Where, and what to do: a notification's body. */
  body: string;
  clip: AlertClip;
  /** Sessions this alert stands for (more than one for a burst). */
  sessions: string[];
}

export interface AlertPolicyOptions {
  /** Findings below this severity raise no alert (default: critical). */
  minSeverity?: Severity;
  /** Causes switched off (false). */
  causes?: Partial<Record<CauseId, boolean>>;
  /** Sessions failing for one cause within this window make one alert (default 10 s; 0: off). */
  burstMs?: number;
  /** At most this many alerts a minute (default 6). */
  maxPerMinute?: number;
}

const RANK: Record<Severity, number> = { critical: 2, warning: 1, info: 0 };

interface Burst {
  first: Alert;
  until: number;
  held: Finding[];
}

export class AlertPolicy {
  private readonly raised = new Set<string>();
  private readonly minRank: number;
  private readonly bursts = new Map<CauseId, Burst>();
  private readonly sent: number[] = [];
  private heldBack = 0;
  private snoozedUntil = 0;
  private readonly sessionSnooze = new Map<string, number>();
  /** Per session, the silences and consequences it alerted (what a root found later explains). */
  private readonly alertedEffects = new Map<string, Finding[]>();
  /** Called with each finding's id as its alert is decided (the watcher journals it once shown). */
  onRaise?: (id: string) => void;
  /**
   * The room SID of a session known by no room name (agents-js names none): where a notification
   * says it happened, as the terminal and `analyze` name such a session.
   */
  roomSidOf?: (session: string) => string | undefined;

  constructor(private readonly opts: AlertPolicyOptions = {}) {
    this.minRank = RANK[opts.minSeverity ?? 'critical'];
  }

  /** An alert raised before a restart (from the journal): never raise it again. */
  markRaised(id: string): void {
    this.raised.add(id);
  }

  /**
   * An alert sent before a restart, at `at` (from the journal): it counts toward the per-minute cap
   * and opens its cause's burst window as it did, so a watcher restarted in a loop alerts no more
   * than one left running.
   */
  restoreSent(at: number, cause: CauseId | undefined, title: string, now = Date.now()): void {
    if (at > now - 60_000) {
      this.sent.push(at);
      this.sent.sort((a, b) => a - b);
    }
    const burstMs = this.opts.burstMs ?? 10_000;
    if (cause && burstMs > 0 && at + burstMs > now) {
      const f = { title, session: '' } as Finding;
      const first: Alert = { id: '', finding: f, title, body: '', clip: clipFor(cause), sessions: [] };
      this.bursts.set(cause, { first, until: at + burstMs, held: [] });
    }
  }

  /** Called with each alert as it is sent, before the caller shows it (the watcher journals it after). */
  onSend?: (alert: Alert, at: number) => void;

  /** No alerts until `until` (epoch ms) — for every session, or for one. */
  snooze(until: number, session?: string): void {
    if (session === undefined) this.snoozedUntil = until;
    else this.sessionSnooze.set(session, until);
  }

  /** Is this finding of a severity and cause that alert at all (the floor, the switches)? */
  eligible(f: Pick<Finding, 'severity' | 'cause'>): boolean {
    return RANK[f.severity] >= this.minRank && this.opts.causes?.[f.cause] !== false;
  }

  /** The alert this finding (new, or escalated) raises now, if any. */
  consider(f: Finding, now = Date.now()): Alert | undefined {
    if (!this.eligible(f)) return undefined;
    if (this.raised.has(f.id)) return undefined;
    this.raised.add(f.id);
    this.onRaise?.(f.id);
    // One incident, one alert: a consequence of a root cause already alerted stays quiet, and so
    // does a root cause whose consequence was alerted first — a silence it explains, still going
    // on (the agent has not spoken since), or a finding that names it as its cause.
    if (f.consequenceOf && this.raised.has(`${f.session}/${f.consequenceOf}`)) return undefined;
    if (!f.consequenceOf && this.explainsAlerted(f)) return undefined;
    if (now < this.snoozedUntil || now < (this.sessionSnooze.get(f.session) ?? 0)) return undefined;
    const burstMs = this.opts.burstMs ?? 10_000;
    const burst = this.bursts.get(f.cause);
    if (burstMs > 0 && burst && now < burst.until) {
      burst.held.push(f);
      this.noteEffect(f);
      return undefined;
    }
    const alert = this.limit(makeAlert(f, [f.session], this.roomSid(f)), now);
    if (alert && burstMs > 0) this.bursts.set(f.cause, { first: alert, until: now + burstMs, held: [] });
    if (alert) this.noteEffect(f);
    return alert;
  }

  private roomSid(f: Finding): string | undefined {
    return f.room === undefined ? this.roomSidOf?.(f.session) : undefined;
  }

  /** Was a silence or a consequence this root cause explains alerted for its session? */
  private explainsAlerted(root: Finding): boolean {
    const effects = this.alertedEffects.get(root.session);
    if (effects === undefined) return false;
    return effects.some(
      (g) =>
        g.consequenceOf === root.cause ||
        (SILENCE_CAUSES.has(g.cause) && g.recovered === undefined && g.consequenceOf === undefined),
    );
  }

  private noteEffect(f: Finding): void {
    if (f.consequenceOf === undefined && !SILENCE_CAUSES.has(f.cause)) return;
    const effects = this.alertedEffects.get(f.session);
    if (effects === undefined) this.alertedEffects.set(f.session, [f]);
    else effects.push(f);
  }

  /** Time passes: bursts whose window closed become one alert for all their sessions. */
  tick(now: number): Alert[] {
    const out: Alert[] = [];
    for (const [cause, b] of this.bursts) {
      if (now < b.until) continue;
      this.bursts.delete(cause);
      if (b.held.length === 0) continue;
      const sessions = [b.first.finding.session, ...b.held.map((f) => f.session)];
      const last = b.held[b.held.length - 1] as Finding;
      const alert = makeAlert(last, sessions, this.roomSid(last));
      alert.id = `burst/${cause}/${now}`;
      alert.title = `${sessions.length} agents: ${lowerFirst(b.first.title)}`;
      alert.body = `${sessions.length} sessions within ${Math.round((this.opts.burstMs ?? 10_000) / 1000)} s: ${sessions.slice(0, 4).join(', ')}${sessions.length > 4 ? ', …' : ''}\n${last.remedy}`;
      const limited = this.limit(alert, now);
      if (limited) out.push(limited);
    }
    return out;
  }

  /** The per-minute cap: beyond it alerts are held back, and the next one says how many. */
  private limit(alert: Alert, now: number): Alert | undefined {
    while (this.sent.length > 0 && (this.sent[0] as number) <= now - 60_000) this.sent.shift();
    if (this.sent.length >= (this.opts.maxPerMinute ?? 6)) {
      this.heldBack++;
      return undefined;
    }
    this.sent.push(now);
    this.onSend?.(alert, now);
    if (this.heldBack > 0) {
      alert.body += `\n(${this.heldBack} more alert${this.heldBack === 1 ? ' was' : 's were'} held back by the rate limit)`;
      this.heldBack = 0;
    }
    return alert;
  }
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

function makeAlert(f: Finding, sessions: string[], roomSid?: string): Alert {
  return {
    id: f.id,
    finding: f,
    title: f.title,
    body: notificationBody(f, roomSid),
    clip: clipFor(f.cause),
    sessions,
  };
}

/**
 * A finding read from what a log already held (`--from-start`, a restart's catch-up, a replay on
 * standard input) that last happened more than `windowMs` before `now` (both epoch ms): news of
 * the past, not of the agent running now — reported, not alerted (the setting alerts.historyMinutes).
 * A finding with no time is not history.
 */
export function isHistory(f: Pick<Finding, 'lastTime'>, now: number, windowMs: number): boolean {
  return Number.isFinite(f.lastTime) && f.lastTime < now - windowMs;
}

/**
 * "room demo · job AJ_x — <remedy>": where it happened, then what to do. `roomSid`: the room of a
 * session known by its SID alone.
 */
export function notificationBody(f: Finding, roomSid?: string): string {
  const where: string[] = [];
  if (f.room) where.push(`room ${f.room}`);
  else if (roomSid) where.push(`room ${roomSid}`);
  if (f.job) where.push(`job ${f.job}`);
  if (where.length === 0) where.push(f.session);
  const what = f.quota?.category ? ` (${componentWord(f.component)}, ${f.quota.category})` : '';
  return `${where.join(' · ')}${what}\n${f.remedy}`;
}
