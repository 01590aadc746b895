// isoTime writes the minute once and the seconds each time: it must say what Date says, for every
// time a log can carry (fractions, negatives, the edges of Date's range, none at all).
import { describe, expect, it } from 'vitest';
import { isoTime } from './records.js';

const byDate = (t: number) => {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
};

describe('isoTime', () => {
  it('says what Date#toISOString says, edges and all', () => {
    const edges = [
      0,
      1,
      -1,
      0.5,
      -0.5,
      59_999.9,
      60_000,
      -60_000.5,
      1_764_000_000_123,
      1_764_000_000_123.7,
      8.64e15,
      -8.64e15,
      8.64e15 + 1,
      -8.64e15 - 1,
      Number.NaN,
      Infinity,
      -Infinity,
      253_402_300_799_999,
      253_402_300_800_000,
      -62_198_755_200_001,
      86_399_999.999,
    ];
    for (const t of edges) expect(isoTime(t), String(t)).toBe(byDate(t));
    let x = 7;
    for (let i = 0; i < 50_000; i++) {
      x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
      const t = (x / 2_147_483_648 - 0.5) * 1.74e16;
      const u = i % 2 ? Math.round(t) : t;
      expect(isoTime(u)).toBe(byDate(u));
    }
    // A log's times one after another, across minutes, hours and a day.
    for (let t = 1_764_028_790_000; t < 1_764_028_790_000 + 30_000_000; t += 997.3)
      expect(isoTime(t)).toBe(byDate(t));
  });
});
