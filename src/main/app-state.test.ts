import { describe, expect, it } from 'vitest';
import type { Alert } from '../core/alerts.js';
import { alertOutcome, reduce, type AppState } from './app-state.js';
import { SNOOZE_MS } from './tray-model.js';

const NOW = 1_800_000_000_000;
const S: AppState = { paused: false, seenBefore: 0, openAtLogin: false, notify: true, sound: true };

const alert = {
  id: 'AJ_1/credits_exhausted',
  title: 'Out of inference credits',
  body: 'room support · job AJ_1 (LLM, MaxGatewayCredits)\nTop up …',
  clip: 'credits-exhausted',
  sessions: ['AJ_1'],
  finding: {
    id: 'AJ_1/credits_exhausted',
    session: 'AJ_1',
    severity: 'critical',
    cause: 'credits_exhausted',
  },
} as unknown as Alert;

describe('tray actions', () => {
  it('pause, snooze for an hour, resume', () => {
    const paused = reduce(S, { type: 'pause' }, NOW).state;
    expect(paused.paused).toBe(true);
    const snoozed = reduce(paused, { type: 'snooze', ms: SNOOZE_MS }, NOW).state;
    expect(snoozed).toMatchObject({ paused: false, snoozedUntil: NOW + SNOOZE_MS });
    expect(reduce(snoozed, { type: 'resume' }, NOW).state).toEqual({ ...S, snoozedUntil: undefined });
  });
  it('marks everything seen now; start at login and opening are effects', () => {
    expect(reduce(S, { type: 'seen' }, NOW).state.seenBefore).toBe(NOW);
    expect(reduce(S, { type: 'login', on: true }, NOW)).toEqual({
      state: { ...S, openAtLogin: true },
      effect: { type: 'login', on: true },
    });
    const route = { view: 'session', session: 'AJ_1', finding: 'AJ_1/x' } as const;
    expect(reduce(S, { type: 'open', route }, NOW).effect).toEqual({ type: 'open', route });
    expect(reduce(S, { type: 'quit' }, NOW).effect).toEqual({ type: 'quit' });
  });
});

describe('an alert', () => {
  it('is a silent notification that opens its finding, and deadair’s own clip', () => {
    expect(alertOutcome(alert, S, NOW)).toEqual({
      notification: {
        title: 'Out of inference credits',
        body: alert.body,
        silent: true,
        urgency: 'critical',
        route: { view: 'session', session: 'AJ_1', finding: 'AJ_1/credits_exhausted' },
      },
      clip: 'credits-exhausted',
    });
  });
  it('says nothing while paused or snoozed, and resumes when the snooze ends', () => {
    expect(alertOutcome(alert, { ...S, paused: true }, NOW)).toEqual({});
    expect(alertOutcome(alert, { ...S, snoozedUntil: NOW + 1 }, NOW)).toEqual({});
    expect(alertOutcome(alert, { ...S, snoozedUntil: NOW }, NOW).clip).toBe('credits-exhausted');
  });
  it('says a cause whose spoken clip is off by notification only', () => {
    const quiet = { ...S, spoken: { credits_exhausted: false } };
    expect(alertOutcome(alert, quiet, NOW)).not.toHaveProperty('clip');
    expect(alertOutcome(alert, quiet, NOW).notification?.title).toBe('Out of inference credits');
    expect(alertOutcome(alert, { ...S, spoken: { rate_limited: false } }, NOW).clip).toBe(
      'credits-exhausted',
    );
  });

  it('respects mute (no clip) and notifications switched off', () => {
    expect(alertOutcome(alert, { ...S, sound: false }, NOW)).not.toHaveProperty('clip');
    expect(alertOutcome(alert, { ...S, notify: false }, NOW)).toEqual({ clip: 'credits-exhausted' });
  });
});
