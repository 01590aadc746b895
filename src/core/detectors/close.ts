// The session closes. On an error (closed_with_error) the close may be the only line that names
// the cause, its open streams and unanswered replies are dead turns, and the warnings that ended
// the session (rate limit, provider error, dead turns) become critical. Any close that leaves a
// failed turn unanswered counts it (dead-turns.ts, `unansweredFailure`).

import type { AgentEvent } from '../../shared/events.js';
import { causeOfError, defaultSeverity } from '../causes.js';
import type { Session } from '../session.js';
import type { FoldContext } from './context.js';
import { closeGroups, unansweredFailure } from './dead-turns.js';
import { raise, type Change } from './finding.js';

type CloseEvent = AgentEvent & { kind: 'session_close' };

export function sessionClosed(ctx: FoldContext, s: Session, ev: CloseEvent, change: Change): void {
  // An announced close ("closing agent session due to …") is followed by the session's last lines,
  // then its final "AgentSession closed": until then, what it logs is still its own (attribution).
  if (ev.closing) s.closingAt ??= ev.time;
  else s.closingAt = undefined;
  if (s.closed && s.closeReason === (ev.reason ?? s.closeReason)) {
    // agents-js logs "closing due to an unrecoverable error" then "AgentSession closed": one close.
    ctx.attribution.untrack(s);
    // A turn committed while it closed is never answered, and no one waits for it.
    if (!ev.closing) s.pending = undefined;
    return;
  }
  s.closed = true;
  s.closeReason = ev.reason ?? s.closeReason;
  // Its lines are no longer the bulk reader's to take: it checks `closed` (see BulkHooks.open).
  s.thinkingSince = undefined;
  ctx.attribution.untrack(s);
  if (ev.reason === 'error' || ev.error) closedOnError(s, ev, change);
  // Counted after the close's own dead turns, which may be this very turn.
  unansweredFailure(s, change);
  s.pending = undefined;
}

function closedOnError(s: Session, ev: CloseEvent, change: Change): void {
  let e = ev.error;
  // Python's close line names the error, not its stream (`AgentSession is closing due to
  // unrecoverable error: message='Invalid response status (429 Too Many Requests)', …`). The session
  // closes from the failing stream's error event, after that stream logged its failure
  // (agent_session.py, `_on_error`): the stream is the one that failed last.
  if (e && (e.component === 'session' || e.component === 'unknown') && s.lastComponent)
    e = { ...e, component: s.lastComponent };
  if (e && (e.status !== undefined || e.quota)) {
    // The close line may be the only one carrying the cause (e.g. an STT error that closes at once).
    const cause = causeOfError(e);
    raise(s, cause, defaultSeverity(cause), e.component, ev.time, ev.evidence, change, e);
  }
  closeGroups(s, ev.time, ev.evidence, e, change);
  // Warnings that ended the session become critical.
  for (const cause of ['rate_limited', 'provider_error', 'dead_turns'] as const) {
    const f = s.findings.get(cause);
    if (f && f.severity !== 'critical') {
      f.severity = 'critical';
      f.lastTime = ev.time;
      change.escalated.push(f);
    }
  }
  raise(s, 'closed_with_error', 'critical', e?.component ?? 'session', ev.time, ev.evidence, change, e);
}
