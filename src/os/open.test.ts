import { describe, expect, it } from 'vitest';
import { openerCommand, openUrl } from './open.js';

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

describe('openUrl', () => {
  /** What openUrl reports within `ms` of starting the opener `browser`. */
  const said = async (browser: string, ms = 1500) => {
    const lines: string[] = [];
    openUrl(url, { BROWSER: browser }, (l) => lines.push(l));
    const end = Date.now() + ms;
    while (lines.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    return lines;
  };
  it('says in one line that an opener exited with an error, with the URL to open', async () => {
    expect(await said('/bin/false')).toEqual([
      `could not open the browser (BROWSER=/bin/false exited with 1): open ${url} yourself`,
    ]);
    expect(await said('/nonexistent/browser')).toEqual([
      `could not open the browser (BROWSER=/nonexistent/browser was not found): open ${url} yourself`,
    ]);
  });
  it('says nothing when the opener succeeds', async () => {
    expect(await said('/bin/true', 500)).toEqual([]);
  });
});
