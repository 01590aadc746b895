import { describe, expect, it } from 'vitest';
import { openerCommand } from './open.js';

const url = 'http://127.0.0.1:5/?k=ab#/session/AJ%2F1';

describe('openerCommand', () => {
  it('uses $BROWSER: the URL appended, or in place of %s; the first of a ":" list', () => {
    expect(openerCommand(url, { BROWSER: 'firefox' }, 'linux')).toEqual(['firefox', url]);
    expect(openerCommand(url, { BROWSER: 'chromium --new-window %s' }, 'linux')).toEqual([
      'chromium',
      '--new-window',
      url,
    ]);
    expect(openerCommand(url, { BROWSER: 'w3m:lynx' }, 'linux')).toEqual(['w3m', url]);
  });
  it("falls back to the platform's opener", () => {
    expect(openerCommand(url, {}, 'linux')).toEqual(['xdg-open', url]);
    expect(openerCommand(url, { BROWSER: '  ' }, 'darwin')).toEqual(['open', url]);
    expect(openerCommand(url, {}, 'win32')).toEqual(['cmd', '/c', 'start', '', url]);
  });
});
