// Untrusted text — a room name, a transcript, a quota hint from the gateway — is rendered as text:
// the markup in it shows as characters and creates no element, so nothing in it can run.
import { afterEach, describe, expect, it } from 'vitest';
import { all, click, mount, one, waitFor, type Mounted } from '../../test/support/render.js';
import { storeApi } from '../../test/support/ui-api.js';
import { credits, silent } from '../../test/support/ui-scenarios.js';
import { App } from './App.js';

const ROOM = '<img src=x onerror="window.__pwned=1">';
const SAID = '<img src=x onerror="window.__pwned=2"> hello<script>window.__pwned=3</script>';
const HINT = '<img src=x onerror=window.__pwned=4>';

let m: Mounted | undefined;
afterEach(() => {
  m?.unmount();
  m = undefined;
  location.hash = '#/';
});

const noMarkup = () => {
  expect(document.querySelectorAll('img, script, iframe, object')).toHaveLength(0);
  expect((window as { __pwned?: number }).__pwned).toBeUndefined();
};

describe('untrusted text', () => {
  it('a room name, a transcript and a quota hint with markup render as text, in the list, the lanes and the inspector', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(silent(T0, 'AJ_x1', ROOM, SAID));
    s.lines(credits(T0 + 100, 'AJ_x2', ROOM, HINT));
    s.tick(T0 + 20_000);
    location.hash = '#/';
    m = await mount(<App api={s.api} width={1000} />);
    await waitFor(() => all(document, 'session-row').length === 2);
    for (const r of all(document, 'session-row')) expect(r.querySelector('.c-room')?.textContent).toBe(ROOM);
    noMarkup();

    // The silent session: its title, and the transcript in the events list and the inspector.
    await click(all(document, 'session-row').find((r) => (r as HTMLElement).dataset.session === 'AJ_x1'));
    await waitFor(() => one(document, 'session-view'));
    expect(one(document, 'session-title')?.textContent).toBe(ROOM);
    const said = await waitFor(() =>
      (all(document, 'event-row') as HTMLElement[]).find((r) => r.textContent?.includes('hello')),
    );
    expect(said.querySelector('.ev-msg')?.textContent).toBe(SAID);
    // On the lanes too, beside the user's marker (as much of it as fits).
    await waitFor(() => all(document, 'said').length > 0);
    expect(all(document, 'said').some((t) => SAID.startsWith((t.textContent ?? '').replace(/…$/, '')))).toBe(
      true,
    );
    await click(said);
    await waitFor(() =>
      one(document, 'inspector-evidence')?.textContent?.includes('conversation_item_added'),
    );
    const fields = document.querySelector('[data-field="said"] dd');
    expect(fields?.textContent).toBe(SAID);
    noMarkup();

    // The credits session: the gateway's hint in the inspector's fields and in the finding.
    location.hash = '#/session/AJ_x2/finding/AJ_x2%2Fcredits_exhausted';
    await waitFor(() => one(document, 'inspector-finding'));
    await waitFor(() => document.querySelector('[data-field="hint"] dd'));
    expect(document.querySelector('[data-field="hint"] dd')?.textContent).toBe(HINT);
    expect(one(document, 'inspector')?.textContent).toContain(HINT);
    noMarkup();
  });
});
