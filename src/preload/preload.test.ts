// The preloads as the renderer meets them: Electron's contextBridge and ipcRenderer recorded (no
// Electron here), the real preload modules loaded on top. What a page can reach is exactly what
// they expose.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const exposed = new Map<string, unknown>();
const sent: unknown[][] = [];
const invoked: unknown[][] = [];
const listeners = new Map<string, ((...a: unknown[]) => void)[]>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (k: string, v: unknown) => exposed.set(k, v) },
  ipcRenderer: {
    send: (...a: unknown[]) => sent.push(a),
    invoke: (...a: unknown[]) => {
      invoked.push(a);
      return Promise.resolve('ok');
    },
    on: (ch: string, fn: (...a: unknown[]) => void) => listeners.set(ch, [...(listeners.get(ch) ?? []), fn]),
    off: (ch: string, fn: (...a: unknown[]) => void) =>
      listeners.set(
        ch,
        (listeners.get(ch) ?? []).filter((f) => f !== fn),
      ),
  },
}));

beforeEach(() => {
  exposed.clear();
  sent.length = 0;
  invoked.length = 0;
  listeners.clear();
  vi.resetModules();
});

describe('the timeline preload', () => {
  it('exposes only window.deadair: version, request and subscribe', async () => {
    await import('./index.js');
    expect([...exposed.keys()]).toEqual(['deadair']);
    const api = exposed.get('deadair') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['request', 'subscribe', 'version']);
  });

  it('asks main only on the contract’s channels, and refuses any other', async () => {
    await import('./index.js');
    const api = exposed.get('deadair') as {
      request(c: string, p: unknown): Promise<unknown>;
      subscribe(c: string, fn: (v: unknown) => void): () => void;
    };
    await expect(api.request('sessions.list', {})).resolves.toBe('ok');
    expect(invoked).toEqual([['deadair:request', 'sessions.list', {}]]);
    await expect(api.request('fs.readFile', { path: '/etc/passwd' })).rejects.toThrow('unknown channel');
    expect(invoked).toHaveLength(1);
    expect(() => api.subscribe('shell.exec', () => undefined)).toThrow('unknown channel');
  });

  it('returns an unsubscribe that stops the deliveries', async () => {
    await import('./index.js');
    const api = exposed.get('deadair') as { subscribe(c: string, fn: (v: unknown) => void): () => void };
    const got: unknown[] = [];
    const off = api.subscribe('alerts', (v) => got.push(v));
    const deliver = (ch: string, v: unknown) => {
      for (const fn of listeners.get('deadair:event') ?? []) fn({}, ch, v);
    };
    deliver('alerts', 1);
    deliver('store.changes', 2);
    off();
    deliver('alerts', 3);
    expect(got).toEqual([1]);
  });
});

describe('the observer preload', () => {
  it('exposes only the report function, which sends strings on its one channel', async () => {
    await import('./observer.js');
    expect([...exposed.keys()]).toEqual(['deadairReport']);
    const report = exposed.get('deadairReport') as (j: unknown) => void;
    report('{"room":"r"}');
    report({ not: 'a string' });
    expect(sent).toEqual([['deadair:observation', '{"room":"r"}']]);
  });
});
