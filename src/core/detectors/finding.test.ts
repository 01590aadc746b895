import { describe, expect, it } from 'vitest';
import { newSession } from '../session.js';
import { makeCritical, raise, type Change } from './finding.js';

const change = (): Change => ({ session: 's', created: [], escalated: [] });
const ev = (line: number) => ({ file: '/l/a.log', line, text: `line ${line}` });

describe('findings', () => {
  it('creates a finding once per cause and counts its repeats, keeping the first and latest evidence', () => {
    const s = newSession('s', 's');
    const c = change();
    raise(s, 'provider_error', 'warning', 'llm', 1, ev(1), c);
    raise(s, 'provider_error', 'warning', 'llm', 2, ev(2), c);
    raise(s, 'provider_error', 'warning', 'llm', 3, ev(3), c);
    expect(c.created).toHaveLength(1);
    expect(s.findings.get('provider_error')).toMatchObject({
      count: 3,
      time: 1,
      lastTime: 3,
      evidence: [ev(1), ev(3)],
    });
  });

  it('reports a repeat that is worse as escalated', () => {
    const s = newSession('s', 's');
    const c = change();
    raise(s, 'rate_limited', 'warning', 'llm', 1, ev(1), c);
    raise(s, 'rate_limited', 'critical', 'llm', 2, ev(2), c);
    expect(c.escalated.map((f) => f.severity)).toEqual(['critical']);
    expect(makeCritical(s, 'rate_limited', c)).toBeUndefined(); // already is
  });

  it('points what follows a failure at it: the root comes first', () => {
    const s = newSession('s', 's');
    raise(s, 'agent_silent', 'critical', 'session', 1, ev(1), change());
    expect(s.root).toBeUndefined(); // a silence is no root
    raise(s, 'key_rejected', 'critical', 'llm', 2, ev(2), change());
    raise(s, 'closed_with_error', 'critical', 'llm', 3, ev(3), change());
    expect(s.root).toBe('key_rejected');
    expect(s.findings.get('closed_with_error')?.consequenceOf).toBe('key_rejected');
    expect(s.silenced).toBe(true);
  });

  it('says a LiveKit Inference websocket that failed with no status may hide a refusal (agents-js ≤ 1.7)', () => {
    const s = newSession('s', 's');
    const e = { component: 'stt' as const, stage: 'retry' as const, label: 'inference.STT' };
    raise(s, 'provider_error', 'warning', 'stt', 1, ev(1), change(), {
      ...e,
      detail: 'Error connecting to LiveKit WebSocket',
    });
    expect(s.findings.get('provider_error')?.remedy).toMatch(
      /^The inference\.STT could not open its websocket to LiveKit Inference: .*before 1\.8 also reports the gateway refusing the connection this way \(HTTP 429 when the project is out of credits or at its STT concurrency limit/,
    );
    // Any other failure keeps the provider's advice.
    const t = newSession('t', 't');
    raise(t, 'provider_error', 'warning', 'stt', 1, ev(1), change(), { ...e, detail: 'socket hang up' });
    expect(t.findings.get('provider_error')?.remedy).toMatch(/check the provider's status page/);
  });
});
