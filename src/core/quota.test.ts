import { describe, expect, it } from 'vitest';
import { decodeErrorObject, decodeErrorText, isTerminalCategory, quotaFromBody, textField } from './quota.js';

const BODY = {
  type: 'inference_quota_exceeded',
  error: 'LLM token credit quota exceeded, category: MaxGatewayCredits',
  hint: 'Upgrade your plan or wait for the next billing cycle',
  quota_type: 'llm',
  category: 'MaxGatewayCredits',
  remaining_limit: '0',
};

describe('quota categories (DESIGN.md table)', () => {
  it.each([
    ['MaxGatewayCredits', true],
    ['MaxBargeInRequests', true],
    ['MaxConcurrentGatewayLLMRpm', false],
    ['MaxConcurrentGatewayLLMTpm', false],
    ['MaxConcurrentGatewaySTT', false],
    ['MaxConcurrentGatewayTTS', false],
    ['MaxBargeInRPM', false],
    ['SomethingNew', false],
    [undefined, false],
  ])('%s → terminal %s', (cat, terminal) => {
    expect(isTerminalCategory(cat)).toBe(terminal);
  });
});

describe('quota from a body dict', () => {
  it('reads every field of the contract', () => {
    expect(quotaFromBody(BODY)).toEqual({
      type: 'llm',
      category: 'MaxGatewayCredits',
      hint: 'Upgrade your plan or wait for the next billing cycle',
      remainingLimit: '0',
      message: 'LLM token credit quota exceeded, category: MaxGatewayCredits',
      terminal: true,
      retryable: false,
    });
  });

  it('treats a retryable category as transient', () => {
    const q = quotaFromBody({ ...BODY, category: 'MaxConcurrentGatewayLLMRpm', quota_type: 'llm' });
    expect(q?.terminal).toBe(false);
    expect(q?.retryable).toBe(true);
  });

  it('treats an unknown or missing category as transient', () => {
    expect(quotaFromBody({ type: 'inference_quota_exceeded', category: 'Brand_New' })).toMatchObject({
      category: 'Brand_New',
      terminal: false,
      retryable: true,
    });
    expect(quotaFromBody({ type: 'inference_quota_exceeded' })).toMatchObject({
      terminal: false,
      retryable: true,
    });
  });

  it('drops fields of the wrong type and never throws', () => {
    const q = quotaFromBody({
      type: 'inference_quota_exceeded',
      category: 42,
      hint: { a: 1 },
      quota_type: ['llm'],
      remaining_limit: 5,
    });
    expect(q).toEqual({ remainingLimit: '5', terminal: false, retryable: true });
    for (const junk of [null, undefined, 1, 'x', [], [BODY], { type: null }, { category: {} }]) {
      expect(() => quotaFromBody(junk)).not.toThrow();
    }
  });

  it('is undefined for a body that is not a quota error', () => {
    expect(quotaFromBody({ error: { message: 'Internal error', type: 'server_error' } })).toBeUndefined();
  });

  it('recovers the category from the narrowed error string when the field is missing', () => {
    expect(
      quotaFromBody({
        type: 'inference_quota_exceeded',
        error: 'LLM token credit quota exceeded, category: MaxGatewayCredits',
      }),
    ).toMatchObject({
      category: 'MaxGatewayCredits',
      terminal: true,
    });
  });
});

describe('quota from text', () => {
  it('reads the narrowed string the OpenAI SDK keeps (agents-js message)', () => {
    const d = decodeErrorText('429 "LLM token credit quota exceeded, category: MaxGatewayCredits"');
    expect(d.status).toBe(429);
    expect(d.quota).toMatchObject({ category: 'MaxGatewayCredits', terminal: true });
    expect(d.quota?.message).toBe('LLM token credit quota exceeded, category: MaxGatewayCredits');
  });

  it('reads a JSON body embedded in a message', () => {
    const d = decodeErrorText(
      `upstream said 429 ${JSON.stringify({ ...BODY, error: 'STT quota exceeded', category: 'MaxConcurrentGatewaySTT', quota_type: 'stt' })}`,
    );
    expect(d.quota).toMatchObject({
      type: 'stt',
      category: 'MaxConcurrentGatewaySTT',
      terminal: false,
      hint: BODY.hint,
    });
  });

  it('reads the JSON body when it is escaped inside another JSON string', () => {
    const line = JSON.stringify({ msg: `failed: ${JSON.stringify(BODY)}` });
    const d = decodeErrorText(line);
    expect(d.quota).toMatchObject({
      type: 'llm',
      category: 'MaxGatewayCredits',
      remainingLimit: '0',
      terminal: true,
    });
  });

  it("reads the Python API status error text with the body as a Python literal (OpenAI Python SDK 'Error code')", () => {
    const text =
      "failed to generate LLM completion after 4 attempts (caused by APIStatusError: message=\"Error code: 429 - {'type': 'inference_quota_exceeded', 'error': 'LLM token credit quota exceeded, category: MaxGatewayCredits', 'hint': \\\"You're out of credits\\\", 'quota_type': 'llm', 'category': 'MaxGatewayCredits', 'remaining_limit': '0'}\", status_code=429, retryable=True, request_id=req_abc123, body=LLM token credit quota exceeded, category: MaxGatewayCredits)";
    const d = decodeErrorText(text);
    expect(d.status).toBe(429);
    expect(d.requestId).toBe('req_abc123');
    expect(d.errorType).toBe('APIStatusError');
    expect(d.quota).toMatchObject({
      type: 'llm',
      category: 'MaxGatewayCredits',
      remainingLimit: '0',
      terminal: true,
    });
    expect(d.quota?.hint).toBe("You're out of credits");
  });

  it('keeps an STT websocket 429 untyped: status only, no quota', () => {
    const d = decodeErrorText(
      "message='Invalid response status (429 Too Many Requests)', status_code=429, retryable=True",
    );
    expect(d.status).toBe(429);
    expect(d.quota).toBeUndefined();
    expect(decodeErrorText('Unexpected server response: 429').status).toBe(429);
  });

  it('reads 401 and 5xx statuses from the SDKs’ wordings', () => {
    expect(decodeErrorText('401 Incorrect API key provided').status).toBe(401);
    expect(decodeErrorText("message='Unauthorized', status_code=401, retryable=False").status).toBe(401);
    expect(decodeErrorText('Error code: 500 - {"error": "boom"}').status).toBe(500);
    expect(decodeErrorText('Unexpected server response: 403').status).toBe(403);
  });

  it("reads a provider's own out-of-money error (OpenAI insufficient_quota) as exhausted", () => {
    const d = decodeErrorText(
      "Error code: 429 - {'error': {'message': 'You exceeded your current quota, please check your plan and billing details.', 'type': 'insufficient_quota', 'code': 'insufficient_quota'}}",
    );
    expect(d.status).toBe(429);
    expect(d.quota).toBeUndefined();
    expect(d.providerQuotaExhausted).toBe(true);
  });

  it('does not invent a status from unrelated numbers', () => {
    expect(decodeErrorText('retrying in 2000ms').status).toBeUndefined();
    expect(decodeErrorText('processed 429 frames').status).toBeUndefined();
  });
});

describe('quota from a pino-serialized error object', () => {
  it('reads statusCode, requestId and the narrowed body string', () => {
    const d = decodeErrorObject({
      type: 'APIStatusError',
      message: '429 "LLM token credit quota exceeded, category: MaxGatewayCredits"',
      body: 'LLM token credit quota exceeded, category: MaxGatewayCredits',
      retryable: true,
      statusCode: 429,
      requestId: 'req_1',
    });
    expect(d).toMatchObject({
      status: 429,
      requestId: 'req_1',
      retryable: true,
      errorType: 'APIStatusError',
    });
    expect(d.quota).toMatchObject({ category: 'MaxGatewayCredits', terminal: true });
  });

  it('reads a full body dict and a nested cause', () => {
    expect(decodeErrorObject({ statusCode: 429, body: BODY }).quota).toMatchObject({
      hint: BODY.hint,
      type: 'llm',
    });
    expect(decodeErrorObject({ message: 'wrapped', error: { statusCode: 429, body: BODY } })).toMatchObject({
      status: 429,
      quota: { category: 'MaxGatewayCredits' },
    });
  });

  it('drops wrong types', () => {
    const d = decodeErrorObject({
      statusCode: 'lots',
      requestId: 7,
      retryable: 'yes',
      body: 12,
      type: { x: 1 },
    });
    expect(d.status).toBeUndefined();
    expect(d.requestId).toBeUndefined();
    expect(d.retryable).toBeUndefined();
  });
});

/** `count` texts of 1 to `most` pieces each, drawn from `pieces` by a seeded generator. */
function* randomTexts(
  seed: number,
  pieces: readonly string[],
  most: number,
  count: number,
): Generator<string> {
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < count; i++) {
    let text = '';
    const n = 1 + rand(most);
    for (let k = 0; k < n; k++) text += pieces[rand(pieces.length)];
    yield text;
  }
}

describe('fields in an error text', () => {
  // The patterns as they were before the search began at the key: tried at every position.
  const Q = `\\\\*["']`;
  const VALUE = `\\s*(?:\\\\*"((?:[^"\\\\]|\\\\(?!"))*)\\\\*"|\\\\*'((?:[^'\\\\]|\\\\(?!'))*)\\\\*'|([A-Za-z0-9_.+-]+))`;
  const KEYS = {
    category: 'category',
    quotaType: 'quota_type',
    hint: 'hint',
    remainingLimit: 'remaining_limit',
    statusCode: '(?:status_code|statusCode|status)',
    requestId: '(?:request_id|requestId|x-request-id)',
    retryable: 'retryable',
  } as const;
  function reference(key: string, text: string): string | undefined {
    const m =
      new RegExp(`(?:${Q}${key}${Q}\\s*:|(?:^|[^A-Za-z0-9_])${key}\\s*=)${VALUE}`).exec(text) ??
      new RegExp(`(?:^|[^A-Za-z0-9_])${key}\\s*:${VALUE}`).exec(text);
    const v = m ? (m[1] ?? m[2] ?? m[3]) : undefined;
    return v === undefined || v === '' || v === 'None' || v === 'null' ? undefined : v;
  }
  const PIECES = [
    'category',
    'quota_type',
    'hint',
    'remaining_limit',
    'status',
    'status_code',
    'statusCode',
    'request_id',
    'requestId',
    'x-request-id',
    'retryable',
    '"',
    "'",
    '\\',
    '\\\\',
    ':',
    '=',
    ' ',
    ',',
    '{',
    '}',
    'x',
    '_',
    'MaxGatewayCredits',
    'True',
    '429',
    'None',
    'null',
    'req_1',
    '"category": ',
    'status_code=',
    "'hint': '",
    'retryable=True',
    'x-request-id: ',
    '\\"category\\": \\"MaxBargeInRPM\\"',
  ];
  it('finds what trying every position finds, on 20 000 random texts', () => {
    let found = 0;
    for (const text of randomTexts(7, PIECES, 14, 20_000)) {
      for (const [name, key] of Object.entries(KEYS)) {
        const want = reference(key, text);
        if (want !== undefined) found++;
        expect(textField(name as keyof typeof KEYS, text), `${name} in ${JSON.stringify(text)}`).toBe(want);
      }
    }
    expect(found).toBeGreaterThan(5000);
  });
});

describe("the gateway's message in an error text", () => {
  it('ends with its line: a traceback printed after the error is not part of it', () => {
    const text =
      "APIStatusError: message='Error code: 429', status_code=429, retryable=True, body=LLM token credit quota exceeded, category: MaxGatewayCredits\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n  File";
    expect(decodeErrorText(text).quota?.message).toBe(
      'status_code=429, retryable=True, body=LLM token credit quota exceeded, category: MaxGatewayCredits',
    );
  });

  const reference = (text: string): string | undefined =>
    /([A-Z]{2,4}[^"'{}\\\n\r]{0,80}?quota exceeded[^"'{}\\\n\r]*)/i.exec(text)?.[1]?.trim().slice(0, 300);
  const PIECES = [
    'LLM token credit ',
    'quota exceeded',
    'QUOTA EXCEEDED',
    ', category: X',
    '"',
    "'",
    '{',
    'ab',
    ' ',
    'x'.repeat(40),
    'STT ',
    'A',
    'quota',
    ' exceeded',
    'Quota Exceeded',
    '\\',
    '}',
    '\n',
    '-',
  ];
  it('is what the pattern finds from the start, on 20 000 random texts', () => {
    let found = 0;
    for (const text of randomTexts(11, PIECES, 12, 20_000)) {
      const want = reference(text);
      if (want !== undefined) found++;
      expect(decodeErrorText(text).quota?.message, JSON.stringify(text)).toBe(want);
    }
    expect(found).toBeGreaterThan(3000);
  });
});
