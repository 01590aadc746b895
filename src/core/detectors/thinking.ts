// stuck_thinking: the agent entered `thinking` and stayed there — a warning after `thinkingMs`,
// critical after twice that. Any other state, or speech (silence.ts, `answered`), ends it.

import type { Evidence } from '../../shared/types.js';
import type { Session } from '../session.js';
import { clock, likelyCause } from '../wording.js';
import { arm, type Due, type FoldContext } from './context.js';
import { raise, type Change } from './finding.js';

/** The agent's state changed at `time` (speaking is handled as speech, by the fold). */
export function thinkingState(
  ctx: FoldContext,
  s: Session,
  state: string,
  time: number,
  evidence: Evidence,
): void {
  if (state === 'thinking') {
    if (s.thinkingSince === undefined) {
      s.thinkingSince = time;
      s.thinkingEvidence = evidence;
      arm(ctx, s, time + ctx.limits.thinkingMs);
    }
  } else s.thinkingSince = undefined;
}

/** stuck_thinking and its escalation, for a tick at `due.now`. */
export function thinkingTimers(ctx: FoldContext, s: Session, due: Due, change: Change): void {
  if (s.thinkingSince === undefined) return;
  const { thinkingMs } = ctx.limits;
  if (!s.findings.has('stuck_thinking') && due.at(s.thinkingSince + thinkingMs)) {
    const f = raise(
      s,
      'stuck_thinking',
      'warning',
      'llm',
      s.thinkingSince + thinkingMs,
      s.thinkingEvidence ?? { text: '' },
      change,
    );
    f.since = s.thinkingSince;
    f.summary = `The agent has been thinking since ${clock(s.thinkingSince)} without answering${likelyCause(s)}.`;
  }
  const f = s.findings.get('stuck_thinking');
  if (f && f.severity !== 'critical' && due.at(s.thinkingSince + 2 * thinkingMs)) {
    f.severity = 'critical';
    change.escalated.push(f);
  }
}
