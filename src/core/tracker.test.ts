import { describe, expect, it } from 'vitest';
import { analyzeText, rawLines } from '../../test/support/lines.js';
import { Pipeline } from './pipeline.js';

const T0 = 1764000300000;
let t = T0;
const pino = (level: number, msg: string, extra: Record<string, unknown> = {}, job = 'AJ_1') =>
  JSON.stringify({
    level,
    time: (t += 500),
    pid: 100,
    hostname: 'dev',
    jobID: job,
    room_id: 'RM_1',
    ...extra,
    msg,
  });

const quotaErr = (category: string) => ({
  type: 'APIStatusError',
  message: `429 "LLM token credit quota exceeded, category: ${category}"`,
  body: `LLM token credit quota exceeded, category: ${category}`,
  retryable: true,
  statusCode: 429,
});

/** One failed turn as agents-js logs it: three retry warnings, the final failure unlogged. */
function failedTurn(error: object, job = 'AJ_1'): string[] {
  return [
    pino(30, 'Creating speech handle', { speech_id: `s${t}` }, job),
    ...[1, 2, 3].map((attempt) =>
      pino(
        40,
        `failed to generate LLM completion, retrying in ${attempt === 1 ? 100 : 2000}ms`,
        { llm: 'inference.LLM', attempt, error },
        job,
      ),
    ),
  ];
}

describe('session tracker and log-side detectors', () => {
  it('calls a session open at the end of its log live while it is followed, and not once it was read to the end', () => {
    const p = new Pipeline({ baseTime: () => Date.UTC(2026, 10, 24, 12) });
    p.push(rawLines([pino(30, 'Creating speech handle', { speech_id: 's1' })].join('\n'), '/l/open.log'));
    p.drained('/l/open.log');
    // Followed (watch): more of it may come.
    expect(p.sessions().map((s) => [s.id, s.live, s.closeReason])).toEqual([['AJ_1', true, undefined]]);
    p.end();
    p.conclude();
    // Read to its end (analyze, its --json and its timeline): open, and not live.
    const [s] = p.sessions();
    expect(s).toMatchObject({ id: 'AJ_1', live: false });
    expect(s?.closeReason).toBeUndefined();
  });

  it('names credits exhausted as the cause of a session that dies after its dead turns', () => {
    const e = quotaErr('MaxGatewayCredits');
    const lines = [
      ...failedTurn(e),
      ...failedTurn(e),
      ...failedTurn(e),
      ...failedTurn(e),
      pino(50, 'AgentSession is closing due to an unrecoverable error', {
        type: 'llm_error',
        label: 'inference.LLM',
        error: e,
        recoverable: false,
      }),
      pino(30, 'AgentSession closed', { reason: 'error' }),
    ];
    const [s, ...rest] = analyzeText({ '/l/a.log': lines.join('\n') });
    expect(rest).toHaveLength(0);
    expect(s).toMatchObject({
      id: 'AJ_1',
      job: 'AJ_1',
      verdict: 'failed',
      closeReason: 'error',
      deadTurns: 4,
    });
    expect(s?.causes.map((c) => [c.cause, c.severity])).toEqual([
      ['credits_exhausted', 'critical'],
      ['dead_turns', 'critical'],
      ['closed_with_error', 'critical'],
    ]);
    const primary = s?.causes[0];
    expect(primary?.quota).toMatchObject({ category: 'MaxGatewayCredits', terminal: true });
    expect(primary?.evidence[0]?.line).toBe(2);
    expect(primary?.remedy).toMatch(/Top up/);
    expect(s?.causes[2]?.consequenceOf).toBe('credits_exhausted');
  });

  it('keeps a rate-limited session that recovers as degraded, with no dead turn', () => {
    const lines = [
      pino(30, 'Creating speech handle'),
      pino(40, 'failed to generate LLM completion, retrying in 100ms', {
        llm: 'inference.LLM',
        attempt: 1,
        error: quotaErr('MaxConcurrentGatewayLLMRpm'),
      }),
      pino(30, 'playout completed without interruption', { speech_id: 's' }),
    ];
    const [s] = analyzeText({ '/l/b.log': lines.join('\n') });
    expect(s?.verdict).toBe('degraded');
    expect(s?.deadTurns).toBe(0);
    expect(s?.causes.map((c) => [c.cause, c.severity])).toEqual([['rate_limited', 'warning']]);
  });

  it('makes a rate limit critical when the session closes on it', () => {
    const e = quotaErr('MaxConcurrentGatewayLLMTpm');
    const lines = [
      ...failedTurn(e, 'AJ_r'),
      pino(
        50,
        'AgentSession is closing due to an unrecoverable error',
        { type: 'llm_error', error: e },
        'AJ_r',
      ),
    ];
    const [s] = analyzeText({ '/l/r.log': lines.join('\n') });
    expect(s?.verdict).toBe('failed');
    expect(s?.causes[0]).toMatchObject({ cause: 'rate_limited', severity: 'critical' });
  });

  it('keeps interleaved jobs of one worker log apart', () => {
    const lines: string[] = [];
    const bad = failedTurn(quotaErr('MaxGatewayCredits'), 'AJ_bad');
    for (let i = 0; i < 4; i++) {
      lines.push(pino(30, 'Creating speech handle', {}, 'AJ_good'));
      lines.push(bad[i] as string);
      lines.push(pino(30, 'playout completed without interruption', {}, 'AJ_good'));
    }
    const sessions = analyzeText({ '/l/w.log': lines.join('\n') });
    const byId = Object.fromEntries(sessions.map((s) => [s.id, s]));
    expect(byId.AJ_good?.verdict).toBe('healthy');
    expect(byId.AJ_good?.turns).toEqual({ agent: 4, user: 0, spoken: 4 });
    expect(byId.AJ_bad?.verdict).toBe('failed');
    expect(byId.AJ_bad?.causes[0]?.cause).toBe('credits_exhausted');
  });

  it('attributes pid-only lines to the job that process runs (agents-js pipeline lines)', () => {
    const lines = [
      JSON.stringify({
        level: 30,
        time: T0,
        pid: 7,
        hostname: 'h',
        jobID: 'AJ_p',
        room_id: 'RM_p',
        msg: 'starting job',
      }),
      JSON.stringify({
        level: 40,
        time: T0 + 1,
        pid: 7,
        hostname: 'h',
        llm: 'openai.LLM',
        attempt: 1,
        error: { statusCode: 401, message: '401 Incorrect API key provided' },
        msg: 'failed to generate LLM completion, retrying in 100ms',
      }),
    ];
    const [s, ...rest] = analyzeText({ '/l/p.log': lines.join('\n') });
    expect(rest).toHaveLength(0);
    expect(s?.id).toBe('AJ_p');
    expect(s?.causes[0]).toMatchObject({ cause: 'key_rejected', severity: 'critical', status: 401 });
    expect(s?.causes[0]?.remedy).toMatch(/openai\.LLM/);
  });

  it('says a line is ambiguous instead of guessing when several jobs could own it', () => {
    const lines = [
      pino(30, 'Creating speech handle', {}, 'AJ_a'),
      pino(30, 'Creating speech handle', {}, 'AJ_b'),
      "2026-11-24 19:05:01,000 - ERROR livekit.agents - failed to generate LLM completion after 4 attempts (caused by APIStatusError: message='boom', status_code=500, retryable=True)",
    ];
    const sessions = analyzeText({ '/l/m.log': lines.join('\n') });
    const byId = Object.fromEntries(sessions.map((s) => [s.id, s]));
    expect(byId.AJ_a?.verdict).toBe('healthy');
    expect(byId.AJ_a?.ambiguous).toBe(1);
    expect(byId.AJ_b?.ambiguous).toBe(1);
    expect(byId['worker@m.log']?.causes[0]?.cause).toBe('provider_error');
  });

  it('names an STT handshake 429 that closes the session at once as untyped_429', () => {
    const lines = [
      '{"message": "failed to recognize speech: message=\'Invalid response status (429 Too Many Requests)\', status_code=429, retryable=True, retrying in 0.1s", "level": "WARNING", "name": "livekit.agents", "stt": "livekit.agents.inference.STT", "attempt": 1, "pid": 3, "job_id": "AJ_s", "room": "r", "timestamp": "2026-11-24T19:05:01.000000+00:00"}',
      '{"message": "AgentSession is closing due to unrecoverable error: failed to recognize speech after 4 attempts (caused by APIStatusError: message=\'Invalid response status (429 Too Many Requests)\', status_code=429, retryable=True)", "level": "ERROR", "name": "livekit.agents", "pid": 3, "job_id": "AJ_s", "room": "r", "timestamp": "2026-11-24T19:05:08.000000+00:00"}',
    ];
    const [s] = analyzeText({ '/l/s.log': lines.join('\n') });
    expect(s?.room).toBe('r');
    expect(s?.verdict).toBe('failed');
    expect(s?.causes[0]).toMatchObject({ cause: 'untyped_429', component: 'stt', severity: 'critical' });
    expect(s?.causes[0]?.remedy).toMatch(/likely out of credits or at the STT concurrency limit/);
  });

  it('flags a job process that exits non-zero while its session is live', () => {
    const lines = [
      '{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_d", "room": "r", "room_id": "RM_d", "timestamp": "2026-11-24T19:05:00.000000+00:00"}',
      '{"message": "Creating speech handle", "level": "DEBUG", "name": "livekit.agents", "pid": 55, "job_id": "AJ_d", "room": "r", "timestamp": "2026-11-24T19:05:01.000000+00:00"}',
      '{"message": "process exited with non-zero exit code -9", "level": "INFO", "name": "livekit.agents", "pid": 55, "timestamp": "2026-11-24T19:05:02.000000+00:00"}',
    ];
    const [s] = analyzeText({ '/l/d.log': lines.join('\n') });
    expect(s?.id).toBe('AJ_d');
    expect(s?.causes[0]).toMatchObject({ cause: 'process_died', severity: 'critical' });
    expect(s?.causes[0]?.summary).toMatch(/code -9/);
  });

  it('gives a Node crash printed to stderr to the one process session of that file', () => {
    const lines = [
      JSON.stringify({ level: 30, time: T0, pid: 9, hostname: 'h', msg: 'Creating speech handle' }),
      JSON.stringify({
        level: 40,
        time: T0 + 1,
        pid: 9,
        hostname: 'h',
        llm: 'openai.LLM',
        attempt: 1,
        error: { message: 'Connection error.' },
        msg: 'failed to generate LLM completion, retrying in 0.1ms',
      }),
      'APIConnectionError: failed to generate LLM completion after 4 attempts',
      '    at LLMStream.mainTask (file:///app/llm.js:120:19)',
      'Node.js v20.20.2',
    ];
    const sessions = analyzeText({ '/l/crash.log': lines.join('\n') });
    expect(sessions.map((s) => s.id)).toEqual(['pid-9@crash.log']);
    expect(sessions[0]?.causes.map((c) => c.cause)).toEqual(['process_died', 'provider_error', 'dead_turns']);
    expect(sessions[0]?.verdict).toBe('failed');
  });

  it('does not flag a process that exits after its session closed normally', () => {
    const lines = [
      '{"message": "closing agent session due to participant disconnect (disable via `RoomInputOptions.close_on_disconnect=False`)", "level": "INFO", "name": "livekit.agents", "pid": 56, "job_id": "AJ_n", "room": "r", "timestamp": "2026-11-24T19:05:01.000000+00:00"}',
      '{"message": "process exiting", "level": "INFO", "name": "livekit.agents", "reason": "room disconnected", "pid": 56, "job_id": "AJ_n", "timestamp": "2026-11-24T19:05:02.000000+00:00"}',
    ];
    const [s] = analyzeText({ '/l/n.log': lines.join('\n') });
    expect(s).toMatchObject({ verdict: 'healthy', closeReason: 'participant_disconnected', live: false });
  });
});
