import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { App } from './App.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

describe('App', () => {
  it('renders, and shows the version the API reports as text', async () => {
    const el = document.createElement('div');
    const root = createRoot(el);
    await act(async () => {
      const api = {
        version: () => Promise.resolve('<b>9.9.9</b>'),
        request: () => Promise.reject(new Error('not in this test')),
        subscribe: () => () => undefined,
      };
      root.render(<App api={api} />);
    });
    expect(el.querySelector('h1')?.textContent).toBe('deadair');
    expect(el.textContent).toContain('version <b>9.9.9</b>');
    expect(el.querySelector('b')).toBeNull();
    root.unmount();
  });
});
