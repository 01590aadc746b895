// Durations as the list, the header and the lanes show them.
import { describe, expect, it } from 'vitest';
import type { SessionSummary } from '../shared/types.js';
import { duration, userTurnsUnlogged } from './format.js';

describe('duration', () => {
  it('says each span in its unit', () => {
    expect(duration(420)).toBe('420 ms');
    expect(duration(8000)).toBe('8.0 s');
    expect(duration(200_000)).toBe('3 min 20 s');
    expect(duration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
    expect(duration(NaN)).toBe('—');
  });

  it('rounds before it splits: never “60 s” or “60 min”', () => {
    expect(duration(999.6)).toBe('1.0 s');
    expect(duration(59_960)).toBe('1 min 0 s');
    expect(duration(119_600)).toBe('2 min 0 s');
    expect(duration(89_400)).toBe('1 min 29 s');
    expect(duration(3_599_400)).toBe('59 min 59 s');
    expect(duration(3_599_600)).toBe('1 h 0 min');
    expect(duration(2 * 3_600_000 - 20_000)).toBe('2 h 0 min');
    expect(duration(3_600_000 + 90 * 60_000 - 10_000)).toBe('2 h 30 min');
  });

  it('keeps the sign in every unit', () => {
    expect(duration(-420)).toBe('-420 ms');
    expect(duration(-8000)).toBe('-8.0 s');
    expect(duration(-65_000)).toBe('-1 min 5 s');
    expect(duration(-2 * 3_600_000)).toBe('-2 h 0 min');
    expect(duration(-0.2)).toBe('0 ms');
  });
});

describe('user turns not logged', () => {
  const s = (id: string, user: number, files: string[], live = false): SessionSummary => ({
    id,
    pids: [],
    files,
    start: 0,
    end: 1000,
    turns: { agent: 2, user, spoken: 0 },
    errors: 0,
    deadTurns: 0,
    verdict: 'failed',
    causes: [],
    live,
  });
  it('as the CLI says it: an ended session counted none, nor did any other of its files', () => {
    const blind = s('a', 0, ['/a.log']);
    expect(userTurnsUnlogged(blind, [blind])).toBe(true);
    // Another session of the same file logged user turns: this one had none.
    expect(userTurnsUnlogged(blind, [blind, s('b', 3, ['/a.log'])])).toBe(false);
    expect(userTurnsUnlogged(blind, [blind, s('c', 3, ['/other.log'])])).toBe(true);
    // Counted some; still live (none yet); read from no file (a room only): a count, as it is.
    expect(userTurnsUnlogged(s('d', 2, ['/a.log']), [])).toBe(false);
    expect(userTurnsUnlogged(s('e', 0, ['/a.log'], true), [])).toBe(false);
    expect(userTurnsUnlogged(s('f', 0, []), [])).toBe(false);
  });
});
