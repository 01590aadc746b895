import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { storeApi } from '../../test/support/ui-api.js';
import { creditsLine } from '../../test/support/agent-lines.js';
import type { SessionStore } from '../core/store.js';
import { IPC, type AlertNotice } from '../shared/api.js';
import type { StoreChange } from '../shared/store.js';
import { serveContract } from './contract.js';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/** ipcMain as the contract uses it: handlers by channel, and a page that invokes them. */
function harness(store: () => SessionStore | undefined) {
  const handlers = new Map<string, Handler>();
  const ipcMain = { handle: (ch: string, h: Handler) => void handlers.set(ch, h) } as unknown as IpcMain;
  const contract = serveContract({
    ipcMain,
    BrowserWindow: { fromWebContents: () => null } as unknown as typeof BrowserWindow,
    version: '1.2.3',
    store,
    answerTray: () => Promise.resolve('tray'),
    alerts: new Set<(n: AlertNotice) => void>(),
  });
  /** A page at `url`: what it was sent, and how it invokes. */
  const page = (url = 'file:///app/out/renderer/index.html') => {
    const sent: StoreChange[] = [];
    const onDestroyed: (() => void)[] = [];
    const sender = {
      isDestroyed: () => false,
      send: (_ch: string, channel: string, value: unknown) => {
        if (channel === 'store.changes') sent.push(value as StoreChange);
      },
      once: (_e: string, fn: () => void) => void onDestroyed.push(fn),
    };
    const event = { sender, senderFrame: { url } } as unknown as IpcMainInvokeEvent;
    return {
      sent,
      invoke: (ch: string, ...args: unknown[]) => (handlers.get(ch) as Handler)(event, ...args),
      close: () => onDestroyed.forEach((fn) => fn()),
    };
  };
  return { contract, page };
}

describe('the IPC contract', () => {
  it('answers our own pages only', () => {
    const a = storeApi();
    const { page } = harness(() => a.store);
    expect(page().invoke(IPC.version)).toBe('1.2.3');
    expect(() => page('https://example.com/').invoke(IPC.version)).toThrow('untrusted sender');
    expect(() => page().invoke(IPC.request, 'no.such', {})).toThrow('unknown channel');
  });

  it('keeps a page following what is watched when the watcher is replaced', () => {
    // The first run: nothing watched, the settings page subscribes, then the demo starts.
    let current: SessionStore | undefined;
    const { contract, page } = harness(() => current);
    const p = page();
    p.invoke(IPC.subscribe, 'store.changes');
    expect(p.invoke(IPC.request, 'sessions.list', {})).toEqual([]);

    const first = storeApi();
    current = first.store;
    contract.storeChanged();
    expect(p.sent).toEqual([{ type: 'reset' }]);
    first.lines([creditsLine(Date.UTC(2026, 11, 4, 9), 'AJ_first')]);
    expect(p.sent.some((c) => c.type === 'finding')).toBe(true);

    // New settings: the watcher starts again on a new store; the old one says nothing more here.
    const second = storeApi();
    current = second.store;
    contract.storeChanged();
    const before = p.sent.length;
    expect(p.sent[before - 1]).toEqual({ type: 'reset' });
    first.lines([creditsLine(Date.UTC(2026, 11, 4, 9, 1), 'AJ_old')]);
    expect(p.sent.length).toBe(before);
    second.lines([creditsLine(Date.UTC(2026, 11, 4, 9, 1), 'AJ_new')]);
    expect(p.sent.length).toBeGreaterThan(before);

    // A closed page is told nothing.
    p.close();
    const after = p.sent.length;
    second.lines([creditsLine(Date.UTC(2026, 11, 4, 9, 2), 'AJ_later')]);
    contract.storeChanged();
    expect(p.sent.length).toBe(after);
  });
});
