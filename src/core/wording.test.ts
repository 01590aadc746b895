import { describe, expect, it } from 'vitest';
import type { Finding } from '../shared/types.js';
import { raise, type Change } from './detectors/finding.js';
import { newSession } from './session.js';
import { clock, likelyCause, summaryOf } from './wording.js';

const change = (): Change => ({ session: 's', created: [], escalated: [] });

describe('wording', () => {
  it('names a time of day as HH:MM:SS in local time, within a minute and across minutes', () => {
    const t = new Date(2026, 10, 24, 9, 5, 7).getTime();
    expect(clock(t)).toBe('09:05:07');
    expect(clock(t + 2000)).toBe('09:05:09');
    expect(clock(t + 60_000)).toBe('09:06:07');
    expect(clock(Number.NaN)).toBe('--:--:--');
  });

  it('blames the session’s root failure, and follows the root when it changes', () => {
    const s = newSession('s', 's');
    expect(likelyCause(s)).toBe('');
    raise(s, 'rate_limited', 'warning', 'llm', 0, { text: '' }, change());
    expect(likelyCause(s)).toBe(', most likely because of llm rate limited');
    raise(s, 'credits_exhausted', 'critical', 'llm', 1, { text: '' }, change());
    expect(likelyCause(s)).toBe(', most likely because of out of inference credits');
  });

  it('says what failed, with its status and detail', () => {
    const f = { cause: 'provider_error', component: 'tts', status: 503 } as Finding;
    expect(summaryOf(f, { component: 'tts', stage: 'final', detail: 'Service Unavailable.' })).toBe(
      'The TTS failed with HTTP 503: Service Unavailable.',
    );
  });
});
