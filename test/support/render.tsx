// Rendering the timeline's components in jsdom for their tests: mount, wait for what the page
// shows (its answers arrive asynchronously, as over HTTP), click, press keys.
import type { ReactNode } from 'react';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface Mounted {
  el: HTMLElement;
  root: Root;
  unmount(): void;
}

export async function mount(node: ReactNode): Promise<Mounted> {
  const el = document.createElement('div');
  document.body.appendChild(el);
  const root = createRoot(el);
  await act(async () => {
    root.render(node);
  });
  return {
    el,
    root,
    unmount() {
      act(() => root.unmount());
      el.remove();
    },
  };
}

/** Lets timers and answers run for `ms`. */
export async function settle(ms = 30): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, ms));
  });
}

/** Waits until `fn` returns something truthy (polling), failing after `ms`. */
export async function waitFor<T>(fn: () => T | null | undefined | false, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${fn.toString().slice(0, 120)}`);
    await settle(20);
  }
}

export async function click(el: Element | null | undefined): Promise<void> {
  if (!el) throw new Error('nothing to click');
  await act(async () => {
    el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  });
}

export async function key(el: Element | null | undefined, k: string): Promise<void> {
  if (!el) throw new Error('nothing to press a key on');
  await act(async () => {
    el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
  });
}

/** Sets a select's or an input's value as a user would (React listens to input / change). */
export async function setValue(el: Element | null | undefined, value: string): Promise<void> {
  if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement)) throw new Error('not a field');
  const proto = el instanceof HTMLInputElement ? HTMLInputElement.prototype : HTMLSelectElement.prototype;
  await act(async () => {
    Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(el, value);
    el.dispatchEvent(new Event(el instanceof HTMLInputElement ? 'input' : 'change', { bubbles: true }));
  });
}

export const all = (el: ParentNode, testid: string) => [...el.querySelectorAll(`[data-testid="${testid}"]`)];
export const one = (el: ParentNode, testid: string) => el.querySelector(`[data-testid="${testid}"]`);
