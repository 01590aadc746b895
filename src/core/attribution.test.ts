import { describe, expect, it } from 'vitest';
import { parseAll } from '../../test/support/lines.js';
import type { AgentEvent } from '../shared/events.js';
import { Attribution } from './attribution.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
let t = T0;
const pino = (msg: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ level: 30, time: (t += 100), pid: 7, hostname: 'h', ...extra, msg });

/** Each line of `file`, attributed in order; the ids of the sessions they went to. */
function attribute(a: Attribution, lines: string[], file = '/l/a.log'): (string | undefined)[] {
  return (parseAll(lines.join('\n'), { file }) as AgentEvent[]).map((ev) => {
    const s = a.attribute(ev);
    if (s) a.touch(s, ev);
    if (s && ev.kind === 'session_close') s.closed = true; // what the close detector does
    return s?.id;
  });
}

describe('attribution', () => {
  it('gives a pid-only line to the job that process was seen running', () => {
    const a = new Attribution();
    expect(
      attribute(a, [
        pino('starting job', { jobID: 'AJ_p', room_id: 'RM_p' }),
        pino('failed to generate LLM completion, retrying in 100ms', {
          llm: 'openai.LLM',
          attempt: 1,
          error: { statusCode: 401, message: '401' },
        }),
      ]),
    ).toEqual(['AJ_p', 'AJ_p']);
  });

  it('folds the lines a process wrote before it named its job into the job', () => {
    const a = new Attribution();
    expect(
      attribute(a, [pino('Creating speech handle'), pino('Creating speech handle', { jobID: 'AJ_q' })]),
    ).toEqual(['pid-7@a.log', 'AJ_q']);
    expect([...a.sessions.keys()]).toEqual(['AJ_q']);
    expect(a.sessions.get('AJ_q')?.start).toBe(t - 100);
  });

  it('counts a line several live jobs could own as ambiguous on each, not guessed', () => {
    const a = new Attribution();
    const ids = attribute(a, [
      pino('Creating speech handle', { jobID: 'AJ_a' }),
      pino('Creating speech handle', { jobID: 'AJ_b' }),
      "2026-11-24 12:05:01,000 - ERROR livekit.agents - failed to generate LLM completion after 4 attempts (caused by APIStatusError: message='boom', status_code=500, retryable=True)",
    ]);
    expect(ids).toEqual(['AJ_a', 'AJ_b', 'worker@a.log']);
    expect([a.sessions.get('AJ_a')?.ambiguous, a.sessions.get('AJ_b')?.ambiguous]).toEqual([1, 1]);
  });

  it("starts a job's next session when a closed one begins another turn, and finds both by id", () => {
    const a = new Attribution();
    const ids = attribute(a, [
      pino('Creating speech handle', { jobID: 'AJ_n' }),
      pino('AgentSession closed', { jobID: 'AJ_n', reason: 'user_initiated' }),
      pino('some chatter', { jobID: 'AJ_n' }),
      pino('Creating speech handle', { jobID: 'AJ_n' }),
    ]);
    expect(ids).toEqual(['AJ_n', 'AJ_n', 'AJ_n', 'AJ_n#2']);
    expect(a.find('AJ_n')?.closed).toBe(true);
    expect(a.find('AJ_n#2')?.closed).toBe(false);
  });

  it('approves a bulk owner only while attributing its line would change nothing', () => {
    const a = new Attribution();
    attribute(a, [pino('Creating speech handle', { jobID: 'AJ_b', room_id: 'RM_b' })]);
    expect(a.bulkOwner('AJ_b', 7, 'RM_b', undefined, '/l/a.log')?.id).toBe('AJ_b');
    expect(a.bulkOwner('AJ_b', 8, 'RM_b', undefined, '/l/a.log')).toBeUndefined(); // a new pid
    expect(a.bulkOwner('AJ_b', 7, 'RM_b', undefined, '/l/b.log')).toBeUndefined(); // another file
    expect(a.bulkOwner('AJ_b', 7, 'RM_b', 'room', '/l/a.log')).toBeUndefined(); // a room not learnt
  });

  it('forgets sessions ended before the cutoff; the job seen again gets its next session', () => {
    const a = new Attribution();
    attribute(a, [pino('Creating speech handle', { jobID: 'AJ_r' })]);
    const s = a.sessions.get('AJ_r');
    if (s) s.closed = true;
    const epoch = a.epoch;
    expect(a.prune(t + 1).map((x) => x.id)).toEqual(['AJ_r']);
    expect(a.epoch).toBe(epoch + 1);
    expect(attribute(a, [pino('Creating speech handle', { jobID: 'AJ_r' })])).toEqual(['AJ_r#2']);
  });
});
