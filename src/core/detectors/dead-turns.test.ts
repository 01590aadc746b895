import { describe, expect, it } from 'vitest';
import { parseAll } from '../../../test/support/lines.js';
import type { AgentEvent } from '../../shared/events.js';
import { newSession } from '../session.js';
import { unansweredFailure } from './dead-turns.js';
import type { Change } from './finding.js';
import { foldContext, foldEvent } from './fold.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
let t = T0;
const pino = (level: number, msg: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ level, time: (t += 100), pid: 1, hostname: 'h', jobID: 'AJ_1', ...extra, msg });
const boom = { statusCode: 500, message: '500 Internal Server Error' };
/** A failed turn as agents-js logs it: a speech handle, then three retry warnings. */
const failedTurn = () => [
  pino(30, 'Creating speech handle'),
  ...[1, 2, 3].map((attempt) =>
    pino(40, 'failed to generate LLM completion, retrying in 100ms', {
      llm: 'openai.LLM',
      attempt,
      error: boom,
    }),
  ),
];

function run(lines: string[]) {
  const ctx = foldContext();
  const s = newSession('AJ_1', 'AJ_1');
  const c: Change = { session: 'AJ_1', created: [], escalated: [] };
  for (const ev of parseAll(lines.join('\n'), { file: '/l/a.log' }) as AgentEvent[]) foldEvent(ctx, s, ev, c);
  return { s, c };
}

/** A livekit-agents JSON record (cli/log.py's JsonFormatter), from a job process. */
const py = (level: string, message: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    message,
    level,
    name: 'livekit.agents',
    ...extra,
    pid: 1,
    job_id: 'AJ_1',
    room: 'r',
    timestamp: new Date((t += 100)).toISOString().replace('Z', '000+00:00'),
  });
const userItem = (text: string) =>
  py('DEBUG', 'conversation_item_added', { role: 'user', 'lk.pii.text': text });
const status401 =
  "message='Error code: 401 - invalid token', status_code=401, retryable=False, request_id=req_1, body={'message': 'invalid token'}";
const tts500 =
  "message='Invalid response status (500 Internal Server Error)', status_code=500, retryable=True";

describe('dead turns', () => {
  it('counts each turn a never-retried 401 failed, and the close’s own, but not its late error line', () => {
    // livekit-agents 1.8.9 with every LLM request refused: the reply task's final error per turn,
    // the 4th failure closing the session before that task's own error line is written.
    const inferenceError = () =>
      py(
        'ERROR',
        `Error in _llm_inference_task\nTraceback (most recent call last):\nAPIStatusError: ${status401}`,
      );
    const { s } = run([
      ...['hello?', 'are you there?', 'hello??'].flatMap((text) => [userItem(text), inferenceError()]),
      userItem('anyone?'),
      py('ERROR', `AgentSession is closing due to unrecoverable error: ${status401}`),
      inferenceError(),
      py('DEBUG', 'session closed', { reason: 'error' }),
    ]);
    expect(s.userTurns).toBe(4);
    expect(s.deadTurns).toBe(4);
    expect(s.findings.get('key_rejected')).toMatchObject({ severity: 'critical', component: 'llm' });
  });

  it('counts the close’s own failure at INFO, where no user turn and maybe no late error line shows', () => {
    const inferenceError = () =>
      py(
        'ERROR',
        `Error in _llm_inference_task\nTraceback (most recent call last):\nAPIStatusError: ${status401}`,
      );
    const { s } = run([
      inferenceError(),
      inferenceError(),
      inferenceError(),
      py('ERROR', `AgentSession is closing due to unrecoverable error: ${status401}`),
      py('INFO', 'process exiting', { reason: 'user hung up' }),
    ]);
    expect(s.userTurns).toBe(0);
    expect(s.deadTurns).toBe(4);
  });

  it('does not take a TTS-failed reply’s conversation item for speech (livekit-agents 1.7 adds it)', () => {
    const { s } = run([
      userItem('hello?'),
      ...[1, 2, 3].map((attempt) =>
        py('WARNING', `failed to synthesize speech: ${tts500}, retrying in 2.0s`, {
          tts: 'livekit.agents.inference.tts.TTS',
          attempt,
          streamed: true,
        }),
      ),
      py(
        'ERROR',
        `Error in _tts_inference_task\nTraceback (most recent call last):\nAPIStatusError: ${tts500}`,
      ),
      py('DEBUG', 'conversation_item_added', { role: 'assistant', 'lk.pii.text': 'Hello, how can I help?' }),
    ]);
    expect(s.spoken).toBe(0);
    expect(s.deadTurns).toBe(1);
    expect(s.pending?.dead).toBe(true);
  });

  it('counts a turn whose retries ran out when the next turn starts failing', () => {
    const { s } = run([...failedTurn(), ...failedTurn()]);
    expect(s.deadTurns).toBe(1);
    expect(s.findings.get('dead_turns')).toMatchObject({
      severity: 'warning',
      count: 1,
      summary: '1 user turn got no answer: the LLM failed each time.',
    });
  });

  it('takes back an open failure when the agent speaks again (the frameworks reset their counters)', () => {
    const { s } = run([...failedTurn(), ...failedTurn(), pino(30, 'playout completed without interruption')]);
    expect(s.deadTurns).toBe(0);
    expect(s.grouped).toBe(false);
  });

  it('counts a failed, unanswered last turn as dead and makes its error critical', () => {
    const { s } = run([pino(30, 'User turn committed'), ...failedTurn()]);
    const c: Change = { session: 'AJ_1', created: [], escalated: [] };
    unansweredFailure(s, c);
    expect(s.deadTurns).toBe(1);
    expect(c.escalated.map((f) => [f.cause, f.severity])).toEqual([
      ['provider_error', 'critical'],
      ['dead_turns', 'critical'],
    ]);
  });

  it('ignores STT errors: the session closes on them at once', () => {
    const ev = parseAll(
      JSON.stringify({
        level: 40,
        time: T0,
        pid: 1,
        hostname: 'h',
        jobID: 'AJ_1',
        stt: 'deepgram.STT',
        attempt: 1,
        error: boom,
        msg: 'failed to recognize speech, retrying in 100ms',
      }),
      { file: '/l/a.log' },
    );
    const ctx = foldContext();
    const s = newSession('AJ_1', 'AJ_1');
    for (const e of ev) foldEvent(ctx, s, e, { session: 'AJ_1', created: [], escalated: [] });
    expect(s.errors).toBe(1);
    expect(s.grouped).toBe(false);
  });
});
