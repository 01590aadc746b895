import { describe, expect, it } from 'vitest';
import { parseObservation } from './observation.js';

describe('parseObservation', () => {
  it('keeps what a page reports', () => {
    const o = { room: 'dev-1', time: 1, type: 'reconnecting' };
    expect(parseObservation(JSON.stringify(o))).toEqual(o);
  });
  it('drops what is not one: not JSON, not an object, no room or time, an unknown type, not a string', () => {
    for (const bad of [
      '{',
      '[]',
      'null',
      '"x"',
      JSON.stringify({ time: 1, type: 'reconnecting' }),
      JSON.stringify({ room: 'r', time: 'now', type: 'reconnecting' }),
      JSON.stringify({ room: 'r', time: 1, type: 'rm -rf' }),
      '{"room":"r","time":1e400,"type":"reconnecting"}',
    ])
      expect(parseObservation(bad), bad).toBeUndefined();
    expect(parseObservation({ room: 'r', time: 1, type: 'reconnecting' })).toBeUndefined();
  });
});
