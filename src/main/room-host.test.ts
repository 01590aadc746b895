import { describe, expect, it } from 'vitest';
import { pageCall } from './room-host.js';

describe('the observer window’s page calls', () => {
  it('pass every argument as a JSON literal: a room name cannot break out', () => {
    const evil = `x'); require('child_process'); ('`;
    const call = pageCall('join', [evil, 'wss://lk.example', 'tok"en']);
    expect(call).toBe(
      `globalThis["deadairObserver"].join(${JSON.stringify(evil)}, "wss://lk.example", "tok\\"en")`,
    );
    // What the page would run is one call with exactly these arguments.
    const seen: unknown[] = [];
    const g = { deadairObserver: { join: (...a: unknown[]) => seen.push(a) } };
    new Function('globalThis', call)(g);
    expect(seen).toEqual([[evil, 'wss://lk.example', 'tok"en']]);
  });
});
