// AlertPolicy: which findings become alerts (a notification, a spoken clip). A first slice of the
// policy: a severity floor, one alert per session and cause, and one incident, one alert — a
// finding that is the consequence of one already alerted (the close after credits ran out) does
// not raise another. Pure: the caller passes findings in, gets alerts out.

import type { Finding, Severity } from '../shared/types.js';
import { clipFor, componentWord, type AlertClip } from './causes.js';

export interface Alert {
  /** `<session>/<cause>`: the finding that raised it. */
  id: string;
  finding: Finding;
  /** The cause in words: a notification's title. */
  title: string;
  /** Where, and what to do: a notification's body. */
  body: string;
  clip: AlertClip;
}

export interface AlertPolicyOptions {
  /** Findings below this severity raise no alert (default: critical). */
  minSeverity?: Severity;
}

const RANK: Record<Severity, number> = { critical: 2, warning: 1, info: 0 };

export class AlertPolicy {
  private readonly raised = new Set<string>();
  /** Called with each alert's id as it is raised (the watcher journals it). */
  onRaise?: (id: string) => void;
  private readonly minRank: number;

  constructor(opts: AlertPolicyOptions = {}) {
    this.minRank = RANK[opts.minSeverity ?? 'critical'];
  }

  /** An alert raised before a restart (from the journal): never raise it again. */
  markRaised(id: string): void {
    this.raised.add(id);
  }

  /** The alert this finding (new, or escalated) raises, if any. */
  consider(f: Finding): Alert | undefined {
    if (RANK[f.severity] < this.minRank) return undefined;
    if (this.raised.has(f.id)) return undefined;
    // One incident, one alert: a consequence of a root cause already alerted stays quiet.
    if (f.consequenceOf && this.raised.has(`${f.session}/${f.consequenceOf}`)) {
      this.raised.add(f.id);
      return undefined;
    }
    this.raised.add(f.id);
    this.onRaise?.(f.id);
    return { id: f.id, finding: f, title: f.title, body: notificationBody(f), clip: clipFor(f.cause) };
  }
}

/** "room demo · job AJ_x — <remedy>": where it happened, then what to do. */
export function notificationBody(f: Finding): string {
  const where: string[] = [];
  if (f.room) where.push(`room ${f.room}`);
  if (f.job) where.push(`job ${f.job}`);
  if (where.length === 0) where.push(f.session);
  const what = f.quota?.category ? ` (${componentWord(f.component)}, ${f.quota.category})` : '';
  return `${where.join(' · ')}${what}\n${f.remedy}`;
}
