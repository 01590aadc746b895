import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../shared/events.js';
import { FileParser } from './formats/parser.js';

/** The events of `lines` read by the full path. */
function events(lines: string[]): AgentEvent[] {
  const out: AgentEvent[] = [];
  const p = new FileParser('x.log', { baseTime: Date.UTC(2026, 10, 24) });
  lines.forEach((text, i) => p.push({ file: 'x.log', line: i + 1, offset: 0, text }, (ev) => out.push(ev)));
  p.flush((ev) => out.push(ev));
  return out;
}

/** A pino-pretty retry warning whose serialized error has `fields` (its stack says otherwise). */
function pretty(fields: string[]): string[] {
  return [
    '[09:00:05.194] WARN (50360): failed to generate LLM completion, retrying in 2000ms',
    '    jobID: "AJ_1"',
    '    room_id: "RM_1"',
    '    llm: "inference.LLM"',
    '    attempt: 2',
    '    error: {',
    '      "type": "APIStatusError",',
    '      "message": "429 \\"LLM token credit quota exceeded, category: MaxConcurrentGatewayLLMRpm\\"",',
    '      "stack":',
    '          APIStatusError: 500 "quota exceeded, category: MaxGatewayCredits" status_code=500 request_id=req_stack retryable=False',
    '              at LLMStream.run (file:///app/node_modules/@livekit/agents/dist/inference/llm.js:322:15)',
    '      "body": "LLM token credit quota exceeded, category: MaxConcurrentGatewayLLMRpm",',
    ...fields,
    '      "name": "APIStatusError"',
    '    }',
  ];
}

describe('a provider error whose serialized error says everything', () => {
  it('is what its structure says, whatever its text says', () => {
    const [ev] = events(
      pretty(['      "retryable": true,', '      "statusCode": 429,', '      "requestId": "req_1",']),
    );
    expect(ev?.kind).toBe('error');
    const e = ev?.kind === 'error' ? ev.error : undefined;
    expect(e).toMatchObject({
      status: 429,
      requestId: 'req_1',
      errorType: 'APIStatusError',
      component: 'llm',
    });
    expect(e?.quota).toMatchObject({
      category: 'MaxConcurrentGatewayLLMRpm',
      terminal: false,
      retryable: true,
    });
  });

  it('takes from its text what the structure lacks', () => {
    const [ev] = events(pretty(['      "retryable": true,', '      "statusCode": 429,']));
    const e = ev?.kind === 'error' ? ev.error : undefined;
    // No requestId in the structure: the stack's is read.
    expect(e).toMatchObject({ status: 429, requestId: 'req_stack' });
  });
});
