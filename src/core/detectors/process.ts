// process_died: the job process exited, crashed or was killed as unresponsive while its session
// was live — the user was left talking to no one. (A worker that hangs without exiting is found by
// silence.ts, from a user turn that nothing follows.)

import type { Evidence } from '../../shared/types.js';
import type { Session } from '../session.js';
import type { FoldContext } from './context.js';
import { unansweredFailure } from './dead-turns.js';
import { raise, type Change } from './finding.js';

export function processEnded(
  ctx: FoldContext,
  s: Session,
  time: number,
  evidence: Evidence,
  crashed: boolean,
  code: number | undefined,
  reason: string | undefined,
  change: Change,
): void {
  const wasLive = !s.closed && !s.exited;
  if (wasLive) unansweredFailure(s, change);
  s.exited = true;
  ctx.attribution.untrack(s);
  if (!crashed || !wasLive) return;
  const f = raise(s, 'process_died', 'critical', 'process', time, evidence, change);
  const why =
    code !== undefined
      ? `exited with code ${code}`
      : reason === 'unresponsive'
        ? 'became unresponsive and was killed'
        : `ended (${reason ?? 'crashed'})`;
  f.summary = `The agent's job process ${why} while the session was live: the user was left talking to no one.`;
}
