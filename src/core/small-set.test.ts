import { describe, expect, it } from 'vitest';
import { SmallSet } from './small-set.js';

describe('SmallSet', () => {
  it('behaves as a Set, in insertion order, from none to one to many', () => {
    const s = new SmallSet<number>();
    expect([s.size, s.has(1), [...s]]).toEqual([0, false, []]);
    s.add(7).add(7);
    expect([s.size, s.has(7), s.has(8), [...s]]).toEqual([1, true, false, [7]]);
    s.add(3).add(7).add(9);
    expect([s.size, s.has(3), [...s]]).toEqual([3, true, [7, 3, 9]]);
  });
});
