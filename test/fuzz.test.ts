// Fuzz: random and mutated lines through the whole pipeline (parser → classifier → tracker).
// Nothing may throw, every line must be accounted for, and findings must stay well-formed.
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../src/core/pipeline.js';
import type { RawLine } from '../src/core/logs/types.js';
import { CAUSE_IDS } from '../src/shared/types.js';

const SEEDS = [
  '{"level":40,"time":1764000301123,"pid":4242,"hostname":"dev","pid":4242,"jobID":"AJ_x1","room_id":"RM_abc","llm":"inference.LLM","attempt":1,"error":{"type":"APIStatusError","message":"429 \\"LLM token credit quota exceeded, category: MaxGatewayCredits\\"","body":"LLM token credit quota exceeded, category: MaxGatewayCredits","retryable":true,"statusCode":429},"msg":"failed to generate LLM completion, retrying in 100ms"}',
  '{"level":50,"time":1764000309000,"pid":4242,"hostname":"dev","type":"llm_error","label":"inference.LLM","error":{"statusCode":500},"recoverable":false,"msg":"AgentSession is closing due to an unrecoverable error"}',
  '{"message": "failed to generate LLM completion: message=\\"Error code: 429 - {\'type\': \'inference_quota_exceeded\', \'category\': \'MaxGatewayCredits\', \'quota_type\': \'llm\'}\\", status_code=429, retryable=True, retrying in 0.1s", "level": "WARNING", "name": "livekit.agents", "attempt": 1, "pid": 51, "job_id": "AJ_py1", "room": "demo", "timestamp": "2026-11-24T19:05:01.123456+00:00"}',
  '2026-11-24 19:05:01,123 - WARNING livekit.agents - failed to recognize speech: message=\'Invalid response status (429 Too Many Requests)\', status_code=429, retryable=True, retrying in 0.1s {"stt": "x", "attempt": 1, "pid": 9, "job_id": "AJ_d", "room": "r1"}',
  '[19:05:01.123] WARN (4242): failed to generate LLM completion, retrying in 2000ms',
  '    error: {',
  '      "statusCode": 429,',
  '    }',
  '\r19:05:01 INFO   livekit.agents   received job request {"job_id": "AJ_c", "room": "console"}',
  'Traceback (most recent call last):',
  '  File "/app/agent.py", line 10, in entrypoint',
  'RuntimeError: boom',
  '{"message": "process exited with non-zero exit code 1", "level": "INFO", "pid": 55, "timestamp": "2026-11-24T19:05:02.000000+00:00"}',
  '{"message": "LLM request rate limited by inference gateway", "level": "WARNING", "credits_used": 10, "credits_limit": 10, "job_id": "AJ_q", "timestamp": "2026-11-24T19:05:02.000000+00:00"}',
];

/** A small deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET =
  '{}[]":,\'\\ \t0123456789-.eEtrufalsn_=()AJ_RM_429credits category: MaxGatewayCredits\u00e9\ufffd\u0000\x1b';

function mutate(s: string, r: () => number): string {
  const ops = 1 + Math.floor(r() * 4);
  let out = s;
  for (let i = 0; i < ops; i++) {
    const at = Math.floor(r() * (out.length + 1));
    const op = r();
    if (op < 0.3) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(r() * 8));
    else if (op < 0.6) out = out.slice(0, at) + ALPHABET[Math.floor(r() * ALPHABET.length)] + out.slice(at);
    else if (op < 0.75) out = out.slice(0, at);
    else if (op < 0.9) {
      // swap a JSON value for one of the wrong type
      const vals = ['null', '[]', '{}', '"x"', '-1', '1e999', 'true', '{"a":[1,{"b":null}]}'];
      out = out.replace(/:(\s?)("[^"]*"|\d+|true|false|null)/, `:$1${vals[Math.floor(r() * vals.length)]}`);
    } else out = out + out.slice(0, Math.floor(r() * out.length));
  }
  return out;
}

function randomLine(r: () => number): string {
  const n = Math.floor(r() * 200);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

describe('fuzz', () => {
  it('parses 120k random and mutated lines without throwing, keeping every line', () => {
    const r = rng(20261124);
    const p = new Pipeline();
    const files = ['/f/a.log', '/f/b.jsonl', '/f/c.txt'];
    const lineNo = new Map<string, number>();
    const N = 120_000;
    let batch: RawLine[] = [];
    for (let i = 0; i < N; i++) {
      const seed = SEEDS[Math.floor(r() * SEEDS.length)] as string;
      const text = r() < 0.25 ? randomLine(r) : r() < 0.15 ? seed : mutate(seed, r);
      const file = files[Math.floor(r() * files.length)] as string;
      const line = (lineNo.get(file) ?? 0) + 1;
      lineNo.set(file, line);
      batch.push({ file, line, offset: line * 100, text });
      if (batch.length === 1000) {
        p.push(batch);
        batch = [];
        if (r() < 0.3) p.drained(files[Math.floor(r() * files.length)] as string);
      }
    }
    p.push(batch);
    p.end();
    expect(p.lines).toBe(N);
    const sessions = p.sessions();
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) {
      expect(['healthy', 'failed', 'degraded', 'silent']).toContain(s.verdict);
      for (const f of s.causes) {
        expect(CAUSE_IDS).toContain(f.cause);
        expect(typeof f.remedy).toBe('string');
        expect(f.remedy.length).toBeGreaterThan(10);
        expect(f.evidence[0]?.file).toMatch(/^\/f\//);
        expect(f.evidence[0]?.text.length).toBeLessThanOrEqual(4001);
      }
    }
    // The unmutated seeds alone name credits exhausted somewhere.
    expect(sessions.some((s) => s.causes.some((c) => c.cause === 'credits_exhausted'))).toBe(true);
  });
});
