// A provider's error names its cause (causes.ts, `causeOfError`): credits_exhausted, rate_limited,
// untyped_429, key_rejected or provider_error. A retryable rate limit that lasts
// `rateLimitCriticalMs` without the agent speaking becomes critical. Every error also marks the
// awaited turn as failed (silence again) and counts toward its stream's dead turns.

import type { ProviderError } from '../../shared/events.js';
import type { Evidence, Severity } from '../../shared/types.js';
import { causeOfError, componentWord, defaultSeverity } from '../causes.js';
import type { Session } from '../session.js';
import { arm, type Due, type FoldContext } from './context.js';
import { countRetry } from './dead-turns.js';
import { raise, type Change } from './finding.js';

export function providerError(
  ctx: FoldContext,
  s: Session,
  time: number,
  evidence: Evidence,
  e: ProviderError,
  change: Change,
): void {
  s.errors++;
  const p = s.pending;
  if (p) {
    // A reply that began and failed is silence again.
    if (!p.failed) {
      p.failed = true;
      p.error = e;
      p.errorEvidence = evidence;
    }
    arm(ctx, s, p.time + ctx.limits.silenceMs);
  }
  if (e.label) s.lastLabel = e.label;
  if (e.component !== 'session' && e.component !== 'unknown') s.lastComponent = e.component;
  const cause = causeOfError(e);
  if (cause === 'rate_limited' && !e.quota?.terminal && s.rateLimitedSince === undefined) {
    s.rateLimitedSince = time;
    arm(ctx, s, time + ctx.limits.rateLimitCriticalMs);
  }
  const severity: Severity =
    cause === 'provider_error' && e.stage !== 'retry' && !e.recoverable ? 'warning' : defaultSeverity(cause);
  raise(s, cause, severity, e.component, time, evidence, change, e);
  countRetry(ctx, s, time, evidence, e, change);
}

/** rate_limited escalates when it has lasted too long without the agent speaking. */
export function rateLimitTimer(ctx: FoldContext, s: Session, due: Due, change: Change): void {
  if (s.rateLimitedSince === undefined) return;
  const f = s.findings.get('rate_limited');
  if (f && f.severity !== 'critical' && due.at(s.rateLimitedSince + ctx.limits.rateLimitCriticalMs)) {
    f.severity = 'critical';
    f.summary = `The ${componentWord(f.component)} has been rate limited for ${Math.round((due.now - s.rateLimitedSince) / 60_000)} min without the agent speaking.`;
    change.escalated.push(f);
  }
}
