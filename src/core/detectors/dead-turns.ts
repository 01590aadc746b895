// dead_turns: user turns that got no answer because a provider failed. A stream's retries form a
// group; a group that runs out of attempts (or that the next failure opens over) is a lost turn,
// and the agent speaking again recovers the open ones. Two rules count what the frameworks do not
// log: at an error close every reply begun since the agent last spoke is lost (a 401 is not
// retried), and a session or log that ends on a failed, unanswered turn makes its error critical.

import type { ProviderError } from '../../shared/events.js';
import type { Component, Evidence, Finding } from '../../shared/types.js';
import { causeOfError, componentWord, remedyOf } from '../causes.js';
import { NO_GROUPS, type RetryGroup, type Session } from '../session.js';
import type { FoldContext } from './context.js';
import { makeCritical, raise, type Change } from './finding.js';

/** A provider error at `time`: track its retry group; each group that exhausts its attempts is one turn the user sat through. */
export function countRetry(
  ctx: FoldContext,
  s: Session,
  time: number,
  evidence: Evidence,
  e: ProviderError,
  change: Change,
): void {
  const comp = e.component;
  // Dead turns are the LLM and TTS failures the session tolerates (STT and realtime errors close
  // it at once); the gateway's counters line accompanies a retry line and is not a turn itself.
  if ((comp !== 'llm' && comp !== 'tts') || e.counters) return;
  let g = s.groups.get(comp);
  // A final error with no retries open is a failure of its own (a 401 is not retried): a lost turn
  // when it fails a turn not yet counted, or when the log shows no user turns at all. Python logs a
  // reply's final error (`Error in _llm_inference_task`) after the session has already acted on it,
  // so the one that comes after the session closed is the close's own failure, counted there.
  if (e.stage !== 'retry' && g && !g.open) {
    if (s.closed) return;
    const p = s.pending;
    if (p ? p.dead : s.userEvidence) return;
  }
  const startsGroup =
    (e.stage === 'retry' && (e.attempt === 1 || (e.attempt === undefined && (!g || !g.open)))) ||
    (e.stage !== 'retry' && g !== undefined && !g.open);
  if (startsGroup || !g) {
    if (g?.open) deadTurn(s, time, evidence, e, change); // the previous failure never recovered
    g = { component: comp, open: true, maxAttempt: 0 };
    const groups =
      s.groups === NO_GROUPS ? new Map<Component, RetryGroup>() : (s.groups as Map<Component, RetryGroup>);
    groups.set(comp, g);
    s.groups = groups;
    s.grouped = true;
  }
  if (e.attempt !== undefined) g.maxAttempt = Math.max(g.maxAttempt, e.attempt);
  if (e.stage !== 'retry' || g.maxAttempt >= ctx.limits.maxAttempts - 1) {
    // Out of attempts: this turn is lost.
    if (g.open && e.stage !== 'retry') {
      g.open = false;
      deadTurn(s, time, evidence, e, change);
    }
  }
}

/** One more turn the user sat through because `e`'s component failed. */
export function deadTurn(
  s: Session,
  time: number,
  evidence: Evidence,
  e: ProviderError,
  change: Change,
): Finding {
  s.deadTurns++;
  if (s.pending?.failed) s.pending.dead = true;
  const f = raise(s, 'dead_turns', 'warning', e.component, time, evidence, change, e);
  f.count = s.deadTurns;
  f.remedy = remedyOf(f);
  f.summary = `${s.deadTurns} user turn${s.deadTurns === 1 ? '' : 's'} got no answer: the ${componentWord(e.component)} failed each time.`;
  return f;
}

/** The agent spoke: the frameworks reset their error counters, so open failures recovered. */
export function recoverGroups(s: Session): void {
  if (!s.grouped) return;
  s.grouped = false;
  for (const g of s.groups.values()) {
    if (g.open) {
      g.open = false;
      s.deadTurns = Math.max(0, s.deadTurns - 1);
    }
  }
  s.groups = NO_GROUPS;
}

/** The session closes on error `e` at `time`: its open streams and its unanswered replies are lost. */
export function closeGroups(
  s: Session,
  time: number,
  evidence: Evidence,
  e: ProviderError | undefined,
  change: Change,
): void {
  const streamed = e !== undefined && (e.component === 'llm' || e.component === 'tts') ? e : undefined;
  // Open failing streams end here: their turns are lost too.
  let open = 0;
  for (const g of s.groups.values()) {
    if (g.open) {
      g.open = false;
      open++;
      if (streamed) deadTurn(s, time, evidence, streamed, change);
    }
  }
  // The session closes on a failure it was told of (its error event) before the reply's own error
  // line, if any, is written (Python logs that line after the close's): with no failing stream open,
  // the close's error failed the awaited turn, which is lost as well — or, in a log that shows no
  // user turns (INFO), a turn the log has not shown.
  const p = s.pending;
  if (streamed && open === 0 && (p ? !p.dead : !s.userEvidence)) {
    if (p && !p.failed) {
      p.failed = true;
      p.error = streamed;
      p.errorEvidence = evidence;
    }
    deadTurn(s, time, evidence, streamed, change);
  }
  // Errors that are not retried (a 401) are counted silently: every reply begun since the agent
  // last spoke, up to the close, was a turn the user sat through in silence.
  if (streamed && s.unanswered > s.deadTurns) {
    const missing = s.unanswered - s.deadTurns;
    for (let i = 0; i < missing; i++) deadTurn(s, time, evidence, streamed, change);
  }
}

/**
 * The session ends (or the log does) with the user's latest turn unanswered because its reply
 * failed: a dead turn the user sat through, and the error that caused it is critical.
 */
export function unansweredFailure(s: Session, change: Change): void {
  const p = s.pending;
  if (!p?.failed || p.error === undefined) return;
  const e = p.error;
  if (!p.dead) deadTurn(s, p.time, p.errorEvidence ?? p.evidence, e, change);
  makeCritical(s, causeOfError(e), change);
  makeCritical(s, 'dead_turns', change);
}
