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

  // agents-js ≤ 1.8 at INFO (a real worker's `start` log): the worker names the job, its job
  // process names only its pid (ipc/job_proc_lazy_main.js binds `jobID` to its own lines alone).
  const request = (job: string, pid = 7) =>
    pino('received job request', { pid, version: '1.8.1', jobId: job, resuming: false, agentName: 'a' });
  const inJob = (msg: string, pid: number, extra: Record<string, unknown> = {}) =>
    pino(msg, { pid, ...extra });

  it('gives a job process that names no job the one job requested and not yet claimed', () => {
    const a = new Attribution();
    const ids = attribute(a, [
      pino('registered worker', { version: '1.8.1' }),
      request('AJ_r'),
      inJob('participantValue.trackPublications', 9),
      inJob('Creating speech handle', 9, { speech_id: 's1' }),
      inJob('failed to generate LLM completion, retrying in 100ms', 9, { llm: 'inference.LLM', attempt: 1 }),
      inJob('AgentActivity mainTask: exiting', 9),
      inJob('AgentSession closed', 9, { reason: 'participant_disconnected' }),
      // The next call: a new job, a new process.
      request('AJ_s'),
      inJob('Creating speech handle', 12, { speech_id: 's2' }),
    ]);
    expect(ids).toEqual([undefined, 'AJ_r', undefined, 'AJ_r', 'AJ_r', 'AJ_r', 'AJ_r', 'AJ_s', 'AJ_s']);
    expect([...a.sessions.keys()].sort()).toEqual(['AJ_r', 'AJ_s']);
    expect([...(a.sessions.get('AJ_r')?.pids ?? [])]).toEqual([9]);
  });

  it('leaves a process to itself when several requested jobs could be its, or it is the worker', () => {
    const a = new Attribution();
    const ids = attribute(a, [
      request('AJ_a'),
      request('AJ_b'),
      inJob('Creating speech handle', 9),
      inJob('Creating speech handle', 7), // the worker's own pid: not a job process
    ]);
    expect(ids).toEqual(['AJ_a', 'AJ_b', 'pid-9@a.log', 'pid-7@a.log']);
    // Python's job processes always stamp their job: its requests teach nothing of the kind.
    const py = new Attribution();
    const pyIds = attribute(py, [
      JSON.stringify({
        message: 'received job request',
        level: 'INFO',
        name: 'livekit.agents',
        job_id: 'AJ_p',
        room: 'r',
        timestamp: '2026-11-24T12:00:00.000000+00:00',
      }),
      inJob('Creating speech handle', 9),
    ]);
    expect(pyIds).toEqual(['AJ_p', 'pid-9@a.log']);
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
