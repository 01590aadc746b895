import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { settingsApi } from '../../test/support/settings-api.js';
import { App } from './App.js';
import { Settings } from './Settings.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
  location.hash = '';
});

async function mount(node: React.ReactNode): Promise<HTMLElement> {
  const el = document.createElement('div');
  document.body.append(el);
  root = createRoot(el);
  await act(async () => root!.render(node));
  await act(async () => new Promise((r) => setTimeout(r, 0)));
  return el;
}

const $ = <T extends Element = HTMLElement>(el: Element, id: string) =>
  el.querySelector<T>(`[data-testid="${id}"]`) as T;

/** Types into a controlled input as a user does. */
async function type(input: HTMLInputElement, value: string): Promise<void> {
  const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  await act(async () => {
    set.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
const click = (b: Element) => act(async () => (b as HTMLElement).click());
const flush = () => act(async () => new Promise((r) => setTimeout(r, 0)));

describe('the settings window', () => {
  it('offers the demo on a first run, with nothing watched yet', async () => {
    const s = settingsApi();
    const el = await mount(<Settings api={s.api} onDone={() => undefined} />);
    expect($(el, 'settings-file').textContent).toBe(s.file);
    expect($(el, 'first-run')).not.toBeNull();
    await click($(el, 'demo'));
    expect(s.demo).toHaveLength(1);
  });

  it('saves paths, rooms, thresholds and the secret to where they belong', async () => {
    const s = settingsApi();
    const el = await mount(<Settings api={s.api} onDone={() => undefined} />);
    await type($(el, 'new-path'), '~/agent/agent.log');
    await click($(el, 'add-path'));
    await type($(el, 'rooms'), 'dev-*');
    await type($(el, 'detector-silenceSeconds'), '5');
    await type($(el, 'livekit-url'), 'wss://x.livekit.cloud');
    await type($(el, 'livekit-key'), 'APIkey');
    await type($(el, 'livekit-secret'), 'top-secret-value');
    await click($(el, 'save'));
    await flush();
    expect($(el, 'settings-error')).toBeNull();
    expect($(el, 'saved')).not.toBeNull();
    const file = JSON.parse(s.saved() ?? '{}') as Record<string, Record<string, unknown>>;
    expect(file.watch).toEqual({ paths: ['~/agent/agent.log'], rooms: 'dev-*' });
    expect(file.detectors?.silenceSeconds).toBe(5);
    expect(file.livekit).toMatchObject({ url: 'wss://x.livekit.cloud', apiKey: 'APIkey' });
    // The secret: in the keychain's box, never in the file, never sent back to the page.
    expect(s.saved()).not.toContain('top-secret-value');
    expect(s.box.get()).toBe('top-secret-value');
    expect(s.crossed.some((j) => j.includes('top-secret-value'))).toBe(false);
    expect($<HTMLInputElement>(el, 'livekit-secret').value).toBe('');
    expect(el.textContent).toContain('set — type a new one to replace it');
    expect($(el, 'first-run')).toBeNull();
  });

  it('turns one cause’s spoken clip off, and that cause only', async () => {
    const s = settingsApi();
    const el = await mount(<Settings api={s.api} onDone={() => undefined} />);
    await click(el.querySelector('[data-spoken="rate_limited"]')!);
    await click($(el, 'save'));
    await flush();
    const file = JSON.parse(s.saved() ?? '{}') as { alerts: { spoken: object; causes: object } };
    expect(file.alerts.spoken).toEqual({ rate_limited: false });
    expect(file.alerts.causes).toEqual({});
  });

  it('says what is wrong in one line naming the key, and keeps the file as it was', async () => {
    const s = settingsApi();
    const el = await mount(<Settings api={s.api} onDone={() => undefined} />);
    await type($(el, 'detector-silenceSeconds'), '0');
    await click($(el, 'save'));
    await flush();
    expect($(el, 'settings-error').textContent).toBe(
      'detectors.silenceSeconds must be a number from 1 to 600 (got 0)',
    );
    expect(s.saved()).toBeUndefined();
  });

  it('forgets the secret when asked', async () => {
    const s = settingsApi();
    s.box.set('old');
    const el = await mount(<Settings api={s.api} onDone={() => undefined} />);
    await click($(el, 'forget-secret'));
    expect(el.textContent).toContain('will be forgotten when you save');
    await click($(el, 'save'));
    await flush();
    expect(s.box.get()).toBeUndefined();
    expect(el.textContent).toContain('not set');
  });

  it('warns where the secret would be kept in plain text, or cannot be kept', async () => {
    const plain = await mount(
      <Settings api={settingsApi({ backend: 'basic_text' }).api} onDone={() => undefined} />,
    );
    expect($(plain, 'secret-plain-text').textContent).toMatch(/plain text/);
    act(() => root?.unmount());
    const none = await mount(
      <Settings api={settingsApi({ available: false }).api} onDone={() => undefined} />,
    );
    expect($(none, 'secret-unavailable')).not.toBeNull();
    expect($<HTMLInputElement>(none, 'livekit-secret').disabled).toBe(true);
  });

  it('is linked from the header only where settings can be changed (the tray app)', async () => {
    const s = settingsApi();
    const el = await mount(<App api={s.api} />);
    expect($(el, 'settings-link')).not.toBeNull();
    act(() => root?.unmount());
    const cli = await mount(
      <App
        api={{
          ...s.api,
          request: (c, p) =>
            c.startsWith('settings.') ? Promise.reject(new Error('not here')) : s.api.request(c, p),
        }}
      />,
    );
    expect($(cli, 'settings-link')).toBeNull();
  });
});
