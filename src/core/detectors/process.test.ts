import { describe, expect, it } from 'vitest';
import { parseAll } from '../../../test/support/lines.js';
import type { AgentEvent } from '../../shared/events.js';
import { newSession } from '../session.js';
import type { Change } from './finding.js';
import { foldContext, foldEvent } from './fold.js';

const py = (second: number, message: string, extra = '') =>
  `{"message": "${message}", "level": "INFO", "name": "livekit.agents"${extra}, "pid": 55, "job_id": "AJ_d", "timestamp": "2026-11-24T19:05:0${second}.000000+00:00"}`;

function run(lines: string[]) {
  const ctx = foldContext();
  const s = newSession('AJ_d', 'AJ_d');
  const c: Change = { session: 'AJ_d', created: [], escalated: [] };
  for (const ev of parseAll(lines.join('\n'), { file: '/l/d.log' }) as AgentEvent[]) foldEvent(ctx, s, ev, c);
  return { s, c };
}

describe('process_died', () => {
  it('flags a job process that exits non-zero while its session is live, naming the code', () => {
    const { s, c } = run([
      py(1, 'Creating speech handle'),
      py(2, 'process exited with non-zero exit code -9'),
    ]);
    expect(s.exited).toBe(true);
    expect(c.created.map((f) => [f.cause, f.severity])).toEqual([['process_died', 'critical']]);
    expect(c.created[0]?.summary).toBe(
      "The agent's job process exited with code -9 while the session was live: the user was left talking to no one.",
    );
    expect(c.created[0]?.remedy).toMatch(/read the traceback or exit code in the evidence/);
    expect(c.created[0]?.since).toBeUndefined();
  });

  it('says an unresponsive process was killed', () => {
    const { c } = run([py(1, 'Creating speech handle'), py(2, 'process is unresponsive, killing process')]);
    expect(c.created[0]?.summary).toMatch(/became unresponsive and was killed/);
  });

  it('raises nothing for a process that exits after its session closed', () => {
    const { s, c } = run([
      py(1, 'AgentSession closed', ', "reason": "user_initiated"'),
      py(2, 'process exited with non-zero exit code 1'),
    ]);
    expect(s.exited).toBe(true);
    expect(c.created).toEqual([]);
  });
});
