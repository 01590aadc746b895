import { describe, expect, it } from 'vitest';
import { parseAll } from '../../../test/support/lines.js';

// Layouts follow /work/shared/notes/agent-logs.md (agents-js pino; livekit-agents cli/log.py).

const PINO_RETRY =
  '{"level":40,"time":1764000301123,"pid":4242,"hostname":"dev","pid":4242,"jobID":"AJ_x1","room_id":"RM_abc","llm":"inference.LLM","attempt":1,"error":{"type":"APIStatusError","message":"429 \\"LLM token credit quota exceeded, category: MaxGatewayCredits\\"","stack":"Error: 429\\n    at x","body":"LLM token credit quota exceeded, category: MaxGatewayCredits","retryable":true,"name":"APIStatusError","statusCode":429,"requestId":"req_9"},"msg":"failed to generate LLM completion, retrying in 100ms"}';

describe('pino JSON (agents-js start)', () => {
  it('reads a retry with the quota category from the narrowed string, job bindings and the duplicate pid', () => {
    const [ev] = parseAll(PINO_RETRY);
    expect(ev?.kind).toBe('error');
    if (ev?.kind !== 'error') return;
    expect(ev.format).toBe('pino-json');
    expect(ev.level).toBe('warn');
    expect(ev.time).toBe(1764000301123);
    expect(ev.ctx).toMatchObject({ jobId: 'AJ_x1', roomSid: 'RM_abc', pid: 4242 });
    expect(ev.error).toMatchObject({
      component: 'llm',
      label: 'inference.LLM',
      stage: 'retry',
      attempt: 1,
      retryInMs: 100,
      status: 429,
      requestId: 'req_9',
      quota: { category: 'MaxGatewayCredits', terminal: true },
    });
    expect(ev.evidence).toMatchObject({ file: '/logs/agent.log', line: 1, offset: 0 });
  });

  it('reads the unrecoverable-error close with its top-level type and label', () => {
    const line =
      '{"level":50,"time":1764000309000,"pid":4242,"hostname":"dev","type":"llm_error","label":"inference.LLM","error":{"type":"APIStatusError","message":"500 Internal Server Error","statusCode":500,"retryable":true},"recoverable":false,"msg":"AgentSession is closing due to an unrecoverable error"}';
    const [ev] = parseAll(line);
    expect(ev?.kind).toBe('session_close');
    if (ev?.kind !== 'session_close') return;
    expect(ev.reason).toBe('error');
    expect(ev.error).toMatchObject({
      component: 'llm',
      status: 500,
      recoverable: false,
      sessionErrorType: 'llm_error',
    });
  });

  it('reads "AgentSession closed" with its reason', () => {
    const [ev] = parseAll(
      '{"level":30,"time":1764000309100,"pid":1,"hostname":"h","reason":"error","msg":"AgentSession closed"}',
    );
    expect(ev).toMatchObject({ kind: 'session_close', reason: 'error' });
  });

  it('marks a speech handle as an agent turn', () => {
    const [ev] = parseAll(
      '{"level":30,"time":1764000300000,"pid":1,"hostname":"h","speech_id":"speech_1","msg":"Creating speech handle"}',
    );
    expect(ev?.kind).toBe('agent_turn');
  });
});

describe('pino-pretty (agents-js dev)', () => {
  it('joins indented fields to their record and decodes the error object', () => {
    const text = [
      '[19:05:01.123] WARN (4242): failed to generate LLM completion, retrying in 2000ms',
      '    llm: "inference.LLM"',
      '    attempt: 2',
      '    error: {',
      '      "type": "APIStatusError",',
      '      "message": "429 \\"LLM token credit quota exceeded, category: MaxConcurrentGatewayLLMRpm\\"",',
      '      "stack":',
      '          Error: 429 "LLM token credit quota exceeded, category: MaxConcurrentGatewayLLMRpm"',
      '              at OpenAI.makeRequest (file:///x.js:1:1)',
      '      "statusCode": 429,',
      '      "retryable": true',
      '    }',
      '[19:05:03.200] INFO (4242): Creating speech handle',
      '    speech_id: "speech_2"',
    ].join('\n');
    const evs = parseAll(text);
    expect(evs.map((e) => e.kind)).toEqual(['error', 'agent_turn']);
    const [ev] = evs;
    if (ev?.kind !== 'error') return;
    expect(ev.format).toBe('pino-pretty');
    expect(ev.ctx.pid).toBe(4242);
    expect(ev.error).toMatchObject({
      component: 'llm',
      stage: 'retry',
      attempt: 2,
      retryInMs: 2000,
      status: 429,
      quota: { category: 'MaxConcurrentGatewayLLMRpm', terminal: false },
    });
    expect(ev.evidence.text).toContain('"statusCode": 429');
    expect(new Date(ev.time).getHours()).toBe(19);
  });

  it('reads the bare STT websocket 429 (body null)', () => {
    const text = [
      '[19:05:01.123] WARN (77): failed to recognize speech, retrying in 100ms',
      '    stt: "inference.STT"',
      '    attempt: 1',
      '    error: {',
      '      "type": "APIStatusError",',
      '      "message": "Unexpected server response: 429",',
      '      "body": null,',
      '      "statusCode": 429',
      '    }',
    ].join('\n');
    const [ev] = parseAll(text);
    expect(ev?.kind === 'error' && ev.error).toMatchObject({ component: 'stt', status: 429 });
    expect(ev?.kind === 'error' && ev.error.quota).toBeUndefined();
  });
});

describe('livekit-agents production JSON', () => {
  it('reads message/level/name/extras/timestamp with the Python-literal quota dict in the message', () => {
    const line =
      '{"message": "failed to generate LLM completion: message=\\"Error code: 429 - {\'type\': \'inference_quota_exceeded\', \'error\': \'LLM token credit quota exceeded, category: MaxGatewayCredits\', \'hint\': \'Top up\', \'quota_type\': \'llm\', \'category\': \'MaxGatewayCredits\', \'remaining_limit\': \'0\'}\\", status_code=429, retryable=True, request_id=req_1, body=LLM token credit quota exceeded, category: MaxGatewayCredits, retrying in 0.1s", "level": "WARNING", "name": "livekit.agents", "llm": "livekit.agents.inference.LLM", "attempt": 1, "pid": 51, "job_id": "AJ_py1", "room": "demo-room", "timestamp": "2026-11-24T19:05:01.123456+00:00"}';
    const [ev] = parseAll(line);
    expect(ev?.kind).toBe('error');
    if (ev?.kind !== 'error') return;
    expect(ev.format).toBe('python-json');
    expect(ev.logger).toBe('livekit.agents');
    expect(ev.time).toBe(Date.parse('2026-11-24T19:05:01.123Z'));
    expect(ev.ctx).toMatchObject({ jobId: 'AJ_py1', roomName: 'demo-room', pid: 51 });
    expect(ev.error).toMatchObject({
      component: 'llm',
      stage: 'retry',
      retryInMs: 100,
      status: 429,
      requestId: 'req_1',
      quota: {
        type: 'llm',
        category: 'MaxGatewayCredits',
        hint: 'Top up',
        remainingLimit: '0',
        terminal: true,
      },
    });
  });

  it('reads the final "after N attempts" error as the end of a turn', () => {
    const line =
      '{"message": "failed to generate LLM completion after 4 attempts (caused by APIStatusError: message=\'Internal Server Error\', status_code=500, retryable=True, request_id=r2, body=None)", "level": "ERROR", "name": "livekit.agents", "job_id": "AJ_2", "timestamp": "2026-11-24T19:05:09.000000+00:00"}';
    const [ev] = parseAll(line);
    expect(ev?.kind === 'error' && ev.error).toMatchObject({ stage: 'final', status: 500, component: 'llm' });
  });
});

describe('livekit-agents dev text', () => {
  it('reads the header, the level, the logger and the trailing extras JSON', () => {
    const text =
      '2026-11-24 19:05:01,123 - \x1b[33mWARNING\x1b[0m livekit.agents - failed to recognize speech: message=\'Invalid response status (429 Too Many Requests)\', status_code=429, retryable=True, retrying in 0.1s \x1b[90m{"stt": "livekit.agents.inference.STT", "attempt": 1, "pid": 9, "job_id": "AJ_d", "room": "r1"}\x1b[0m';
    const [ev] = parseAll(text);
    expect(ev?.kind).toBe('error');
    if (ev?.kind !== 'error') return;
    expect(ev.format).toBe('python-text');
    expect(ev.logger).toBe('livekit.agents');
    expect(ev.ctx).toMatchObject({ jobId: 'AJ_d', roomName: 'r1', pid: 9 });
    expect(ev.error).toMatchObject({ component: 'stt', status: 429, attempt: 1 });
    expect(ev.error.quota).toBeUndefined();
    expect(ev.message.endsWith('retrying in 0.1s')).toBe(true);
  });

  it('attaches a traceback to the error before it, and finds extras on a later line', () => {
    const text = [
      '2026-11-24 19:05:02,000 - ERROR livekit.agents - AgentSession is closing due to unrecoverable error',
      'Traceback (most recent call last):',
      '  File "/app/agent.py", line 10, in entrypoint',
      '    raise RuntimeError("boom")',
      'RuntimeError: boom {"pid": 9, "job_id": "AJ_d"}',
      '2026-11-24 19:05:02,100 - INFO livekit.agents - next line',
    ].join('\n');
    const evs = parseAll(text);
    expect(evs.map((e) => e.kind)).toEqual(['session_close', 'log']);
    expect(evs[0]?.evidence.text).toContain('RuntimeError: boom');
    expect(evs[0]?.ctx.jobId).toBe('AJ_d');
  });
});

describe('livekit-agents console', () => {
  it('reads carriage-return console lines with the time of day', () => {
    const [ev] = parseAll(
      '\r19:05:01 INFO   livekit.agents   received job request {"job_id": "AJ_c", "room": "console"}',
      {
        baseTime: new Date(2026, 10, 24, 8).getTime(),
      },
    );
    expect(ev?.kind).toBe('job_request');
    expect(ev?.format).toBe('python-console');
    expect(ev?.ctx).toMatchObject({ jobId: 'AJ_c', roomName: 'console' });
    expect(new Date(ev?.time ?? 0).getDate()).toBe(24);
  });
});

describe('livekit-agents rich layout (1.3–1.5 dev, console)', () => {
  it('reads blank-time headers as new records and wrapped extras as continuation', () => {
    const text = [
      "19:05:01.123 WARNING  livekit.agents     failed to generate LLM completion: message='boom', status_code=500, retryable=True, retrying in 0.1s",
      '                                         {"llm": "openai.LLM", "attempt": 1, "pid": 77, "job_id": "AJ_rich"}',
      "             ERROR    livekit.agents     AgentSession is closing due to unrecoverable error: message='boom', status_code=500, retryable=True",
      '19:05:02.001 INFO     livekit.agents     process exiting {"reason": "room disconnected", "pid": 77, "job_id": "AJ_rich"}',
    ].join('\n');
    const evs = parseAll(text);
    expect(evs.map((e) => [e.kind, e.format])).toEqual([
      ['error', 'python-console'],
      ['session_close', 'python-console'],
      ['process_exit', 'python-console'],
    ]);
    expect(evs[0]?.ctx.jobId).toBe('AJ_rich');
    expect(evs[0]?.kind === 'error' && evs[0].error).toMatchObject({
      status: 500,
      attempt: 1,
      label: 'openai.LLM',
    });
    expect(evs[2]?.ctx.jobId).toBe('AJ_rich');
  });
});

describe('unknown lines', () => {
  it('keeps every line of no known format as a raw event, in order, with its evidence', () => {
    const evs = parseAll(
      'hello world\n\x00\x01 garbage {not json\n{"level":30,"time":1,"msg":"ok"}\n[not a header\n',
    );
    expect(evs.map((e) => [e.kind, e.format])).toEqual([
      ['log', 'raw'],
      ['log', 'raw'],
      ['log', 'pino-json'],
      ['log', 'raw'],
    ]);
    expect(evs[3]?.evidence.line).toBe(4);
  });

  it('reads a Node crash printed to stderr between JSON lines (agents-js 1.0 outside a job)', () => {
    const text = [
      '{"level":40,"time":1764000301123,"pid":9,"hostname":"h","llm":"openai.LLM","attempt":3,"msg":"failed to generate LLM completion, retrying in 2000ms"}',
      'file:///app/node_modules/@livekit/agents/dist/llm/llm.js:120',
      '            throw new APIConnectionError({',
      '                  ^',
      'APIConnectionError: failed to generate LLM completion after 4 attempts',
      '    at LLMStream.mainTask (file:///app/node_modules/@livekit/agents/dist/llm/llm.js:120:19)',
      'Node.js v20.20.2',
    ].join('\n');
    const evs = parseAll(text);
    expect(evs.map((e) => e.kind)).toContain('process_exit');
    const final = evs.find((e) => e.kind === 'error' && e.error.stage === 'final');
    expect(final?.kind === 'error' && final.error.component).toBe('llm');
    expect(evs.every((e) => e.evidence.line !== undefined)).toBe(true);
  });

  it('never throws on JSON of the wrong shape', () => {
    const junk = [
      '[]',
      '{"level":"x","time":"y","msg":7}',
      '{"error":{"statusCode":{"a":1}},"msg":"failed to generate LLM completion"}',
      '"str"',
      'null',
      '{"pid":"NaN","job_id":123}',
    ];
    expect(() => parseAll(junk.join('\n'))).not.toThrow();
  });

  it('honours a forced format: other lines become raw', () => {
    const evs = parseAll('{"level":30,"time":1,"msg":"a"}\n2026-11-24 19:05:01,123 - INFO x - b', {
      format: 'pino-json',
    });
    expect(evs.map((e) => e.format)).toEqual(['pino-json', 'raw']);
  });
});
