// How detectors speak: a session has at most one finding per cause, created on its first evidence
// and updated on each repeat; what changed (created, escalated, recovered) is written to a Change.
// Failures are roots, and what follows a root (a close, dead turns, silences) points at it.

import type { ProviderError } from '../../shared/events.js';
import type { CauseId, Component, Evidence, Finding, Severity } from '../../shared/types.js';
import { remedyOf, SILENCE_CAUSES, titleOf } from '../causes.js';
import { own, type Session } from '../session.js';
import { summaryOf } from '../wording.js';

/** What changed when an event was folded in: new findings and findings whose severity rose. */
export interface Change {
  session: string;
  created: Finding[];
  escalated: Finding[];
  /** Silence findings whose session spoke again. */
  recovered?: Finding[];
}

export const NO_CHANGE: Change = { session: '', created: [], escalated: [] };

/** Create or update the session's finding for a cause. */
export function raise(
  s: Session,
  cause: CauseId,
  severity: Severity,
  component: Component,
  time: number,
  evidence: Evidence,
  change: Change,
  e?: ProviderError,
): Finding {
  if (cause === 'agent_silent' || cause === 'stuck_thinking' || cause === 'rate_limited') s.silenced = true;
  let f = s.findings.get(cause);
  if (f) {
    f.count++;
    f.recovered = undefined; // it is happening again
    if (!Number.isNaN(time)) f.lastTime = time;
    f.evidence[1] = evidence;
    // Keep the most informative quota: a later line may carry the category an earlier one lacked.
    if (e?.quota && (!f.quota || (!f.quota.category && e.quota.category)))
      f.quota = { ...f.quota, ...e.quota };
    if (f.status === undefined && e?.status !== undefined) f.status = e.status;
    if (rank(severity) < rank(f.severity)) {
      f.severity = severity;
      change.escalated.push(f);
    }
    return f;
  }
  // Every field from the start, in one order: findings are updated on every repeat, and objects
  // of one shape keep those updates fast.
  f = {
    id: `${s.id}/${cause}`,
    session: s.id,
    room: s.room || undefined,
    job: s.job || undefined,
    cause,
    severity,
    component,
    time,
    lastTime: time,
    count: 1,
    title: titleOf(cause, component),
    summary: '',
    remedy: '',
    evidence: [evidence],
    quota: e?.quota || undefined,
    status: e?.status,
    consequenceOf: undefined,
    recovered: undefined,
    since: undefined,
  };
  // Failures are roots; closes, dead turns and silences are what failures lead to.
  const isRoot = cause !== 'closed_with_error' && cause !== 'dead_turns' && !SILENCE_CAUSES.has(cause);
  if (cause === 'credits_exhausted' && (s.root === 'rate_limited' || s.root === 'untyped_429')) {
    // The gateway answers 429 before it says why: the credits explain the rate limit seen first.
    const first = s.findings.get(s.root);
    if (first) first.consequenceOf = cause;
    for (const other of s.findings.values()) if (other.consequenceOf === s.root) other.consequenceOf = cause;
    s.root = cause;
  } else if (s.root && s.root !== cause) f.consequenceOf = s.root;
  else if (!s.root && isRoot) s.root = cause;
  f.summary = summaryOf(f, e);
  f.remedy = remedyOf({
    cause,
    component,
    quota: f.quota,
    status: f.status,
    count: 1,
    label: e?.label ?? s.lastLabel,
    detail: e?.detail,
  });
  own(s).findings.set(cause, f);
  change.created.push(f);
  return f;
}

/** The session's finding for `cause`, made critical if it was not (and said so). */
export function makeCritical(s: Session, cause: CauseId, change: Change): Finding | undefined {
  const f = s.findings.get(cause);
  if (f && f.severity !== 'critical') {
    f.severity = 'critical';
    change.escalated.push(f);
    return f;
  }
  return undefined;
}

function rank(s: Severity): number {
  return s === 'critical' ? 0 : s === 'warning' ? 1 : 2;
}
