// How a session's turns are worded: `analyze`'s report and the session's HTML export say the same
// thing of the same session. Plain functions of plain data.

import type { SessionSummary } from './types.js';

/**
 * `3 agent`, or `3 agent (1 spoken)` when fewer replies were heard than begun. A reply heard is a
 * reply given, whether or not the log wrote its start (Python marks replies by their playout
 * alone). How many were heard is said only where it is known: the log shows playout, or every
 * reply died (a log without speech records, at INFO, shows none spoken whatever was).
 */
export function agentTurnsText(s: SessionSummary): string {
  const t = s.turns;
  const agent = Math.max(t.agent, t.spoken);
  const known = s.playoutLogged === true || (s.deadTurns > 0 && s.deadTurns >= agent);
  return `${agent} agent${known && t.spoken < agent ? ` (${t.spoken} spoken)` : ''}`;
}

/**
 * `3 agent / 3 user`. `blind`: the files with no user turn records (the tracker's
 * filesWithoutTurnEvidence): a session read only from them shows its user turns as unknown
 * (`user turns not logged`), not as none.
 */
export function turnsText(s: SessionSummary, blind: ReadonlySet<string> = new Set()): string {
  const unknownUsers = s.turns.user === 0 && s.files.length > 0 && s.files.every((f) => blind.has(f));
  return `${agentTurnsText(s)} / ${unknownUsers ? 'user turns not logged' : `${s.turns.user} user`}`;
}
