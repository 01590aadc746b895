import { describe, expect, it } from 'vitest';
import { parseLooseValue, parsePrettyFields } from './text.js';

/** The pattern parseLooseValue's scan stands for (see looseMembers in text.ts). */
const LOOSE_MEMBER = /^\s*"([^"]+)": (?:"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)|(true|false|null))/gm;

/** What the pattern makes of a pino-pretty object that is not JSON, as parseLooseValue did with it. */
function byPattern(t: string): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const re = new RegExp(LOOSE_MEMBER.source, LOOSE_MEMBER.flags);
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const k = m[1] as string;
    if (m[2] !== undefined) {
      if (!m[2].includes('\\')) obj[k] = m[2];
      else
        try {
          obj[k] = JSON.parse(`"${m[2]}"`) as unknown;
        } catch {
          obj[k] = m[2];
        }
    } else if (m[3] !== undefined) obj[k] = Number(m[3]);
    else obj[k] = m[4] === 'true' ? true : m[4] === 'false' ? false : null;
  }
  obj.__text = t;
  return obj;
}

/** What JSON.parse makes of a value, or the text when it is not JSON (parseLooseValue's rule). */
function byJson(t: string): unknown {
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return t;
  }
}

/** A deterministic stream of numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    s ^= s >>> 13;
    return (s >>> 0) / 2 ** 32;
  };
}

const PIECES = [
  '{',
  '}',
  '"',
  '": ',
  '"k": "',
  '"k": ',
  ':',
  ' ',
  '  ',
  '\n',
  '\r\n',
  '\r',
  '\u2028',
  '\t',
  '\u00a0',
  '\\',
  '\\"',
  '\\n',
  '\\\n',
  '\\u00e9',
  '\\u12',
  '\\u123',
  '\\uD83D',
  '\\x',
  '\\/',
  '\\b',
  'key',
  'stack',
  'a b',
  '-',
  '0',
  '42',
  '3.5',
  '1.',
  '.5',
  'true',
  'false',
  'null',
  'nul',
  ',',
  '\u0001',
  'é',
  '\ud83d\ude00',
  '    at f (x.js:1:2)',
  '\n      "message": "429 \\"quota exceeded\\"",',
  '\n      "stack":\n          Error: x\n              at y',
  '\n      "statusCode": 429,',
];

describe('parseLooseValue', () => {
  it('reads an object that is not JSON member by member, as its pattern does', () => {
    const next = random(7);
    for (let n = 0; n < 20_000; n++) {
      let t = '{';
      const parts = 1 + Math.floor(next() * 14);
      for (let i = 0; i < parts; i++) t += PIECES[Math.floor(next() * PIECES.length)];
      t += '\n}';
      const got = parseLooseValue(t);
      const trimmed = t.trim();
      let want: unknown;
      try {
        want = /":\r?\n/.test(trimmed) ? undefined : JSON.parse(trimmed);
      } catch {
        want = undefined;
      }
      want ??= byPattern(trimmed);
      expect(got, JSON.stringify(t)).toEqual(want);
    }
  });

  it('reads a pino-pretty error whose stack is printed raw', () => {
    const t = [
      '{',
      '      "type": "APIStatusError",',
      '      "message": "429 \\"LLM token credit quota exceeded, category: MaxGatewayCredits\\"",',
      '      "stack":',
      '          APIStatusError: 429 "LLM token credit quota exceeded"',
      '              at LLMStream.run (file:///app/llm.js:322:15)',
      '      "retryable": true,',
      '      "statusCode": 429,',
      '      "weight": -0.25,',
      '      "cause": null',
      '    }',
    ].join('\n');
    expect(parseLooseValue(t)).toEqual({
      type: 'APIStatusError',
      message: '429 "LLM token credit quota exceeded, category: MaxGatewayCredits"',
      retryable: true,
      statusCode: 429,
      weight: -0.25,
      cause: null,
      __text: t,
    });
  });

  it('gives what JSON.parse gives for a scalar, and the text when it is not JSON', () => {
    const next = random(11);
    const scalars = [
      '"AJ_x"',
      '""',
      '"a\\"b"',
      '"tab\there"',
      '"é"',
      '42',
      '-7',
      '0',
      '-0',
      '007',
      '12345678901234567890',
      '1e3',
      '2.5',
      '-',
      'true',
      'false',
      'null',
      'True',
      'inference.LLM',
      '"unterminated',
      '"',
      '[1, 2]',
    ];
    for (const s of scalars) expect(parseLooseValue(`  ${s} `), s).toEqual(byJson(s));
    for (let n = 0; n < 5000; n++) {
      let s = '';
      const len = Math.floor(next() * 6);
      for (let i = 0; i < len; i++) s += '"-0123456789.tfn\\ \u0007x'[Math.floor(next() * 20)];
      if (s.trim() === '') continue;
      expect(
        Object.is(parseLooseValue(s), byJson(s.trim())) || parseLooseValue(s) === byJson(s.trim()),
        JSON.stringify(s),
      ).toBe(true);
    }
  });
});

/** What pino-pretty's field lines make, as the pattern parsePrettyFields stands for reads them. */
function fieldsByPattern(lines: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let key: string | undefined;
  let buf: string[] = [];
  const commit = () => {
    if (key !== undefined) out[key] = parseLooseValue(buf.join('\n'));
    key = undefined;
    buf = [];
  };
  for (const l of lines) {
    const m = l.charCodeAt(4) !== 32 && l.startsWith('    ') ? /^ {4}([^\s:][^:]*?): ?(.*)$/.exec(l) : null;
    if (m && m[1] !== undefined) {
      commit();
      const k = m[1];
      key = k.charCodeAt(0) === 34 || k.charCodeAt(k.length - 1) === 34 ? k.replace(/^"|"$/g, '') : k;
      buf.push(m[2] ?? '');
    } else if (key !== undefined) buf.push(l);
  }
  commit();
  return out;
}

describe('parsePrettyFields', () => {
  it('reads field lines as their pattern does, whatever is in them', () => {
    const next = random(13);
    const bits = [
      '    ',
      '     ',
      '  ',
      'key',
      '"key"',
      'a b',
      ':',
      ': ',
      ' ',
      '"v"',
      '42',
      '{',
      '}',
      '\r',
      '\u2028',
      '\u00a0',
      '\t',
      'x',
      '"',
      '\\"',
      'é',
    ];
    for (let n = 0; n < 20_000; n++) {
      const lines: string[] = [];
      const count = 1 + Math.floor(next() * 5);
      for (let i = 0; i < count; i++) {
        let l = next() < 0.7 ? '    ' : '';
        const parts = Math.floor(next() * 6);
        for (let j = 0; j < parts; j++) l += bits[Math.floor(next() * bits.length)];
        lines.push(l);
      }
      const got = parsePrettyFields(lines);
      const want = fieldsByPattern(lines);
      expect(got, JSON.stringify(lines)).toEqual(want);
      expect(Object.keys(got)).toEqual(Object.keys(want));
    }
  });
});
