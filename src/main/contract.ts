// The timeline's contract over IPC: the same answers `deadair watch --ui` gives over HTTP, to our
// own pages only (security.ts isAppUrl), with the tray's own channels answered by the tray.
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { answer, isRequestChannel } from '../core/api.js';
import type { SessionStore } from '../core/store.js';
import { IPC, TRAY_CHANNELS, type AlertNotice, type RequestChannel } from '../shared/api.js';
import type { StoreChange } from '../shared/store.js';
import type { EditorId } from '../shared/editor.js';
import { isAppUrl } from './security.js';

export interface ContractDeps {
  ipcMain: IpcMain;
  BrowserWindow: typeof BrowserWindow;
  version: string;
  devServer?: string;
  editor?: EditorId;
  /** The store of what is watched now, if anything is. */
  store(): SessionStore | undefined;
  /** The settings window's channels (TRAY_CHANNELS). */
  answerTray(channel: RequestChannel, params: unknown, win: BrowserWindow | null): Promise<unknown>;
  /** Alerts, as they are raised. */
  alerts: Set<(n: AlertNotice) => void>;
}

/** What index.ts tells the contract. */
export interface Contract {
  /**
   * The store of what is watched was replaced (or first made): pages that follow its changes
   * follow the new one, and are told to ask again.
   */
  storeChanged(): void;
}

export function serveContract(d: ContractDeps): Contract {
  // Pages following `store.changes`, relayed from whichever store is current: a page subscribed
  // before anything was watched (the first run's settings) or before new settings restarted the
  // watcher keeps following what is watched now.
  const followers = new Set<(c: StoreChange) => void>();
  let followed: SessionStore | undefined;
  let unfollow: (() => void) | undefined;
  const follow = () => {
    const store = d.store();
    if (store === followed) return;
    unfollow?.();
    followed = store;
    unfollow = store?.subscribe((c) => {
      for (const f of followers) f(c);
    });
  };
  const trusted = (event: IpcMainInvokeEvent) => isAppUrl(event.senderFrame?.url ?? '', d.devServer);
  d.ipcMain.handle(IPC.version, (event) => {
    if (!trusted(event)) throw new Error('untrusted sender');
    return d.version;
  });
  d.ipcMain.handle(IPC.request, (event, channel: unknown, params: unknown) => {
    if (!trusted(event)) throw new Error('untrusted sender');
    if (!isRequestChannel(channel)) throw new Error('unknown channel');
    if (TRAY_CHANNELS.includes(channel))
      return d.answerTray(channel, params, d.BrowserWindow.fromWebContents(event.sender));
    const store = d.store();
    if (!store) {
      if (channel === 'version') return d.version;
      if (channel === 'sessions.list') return [];
      throw new Error('nothing watched yet: open Settings, or try the demo');
    }
    return answer(store, d.version, channel, params, { editor: d.editor });
  });
  d.ipcMain.handle(IPC.subscribe, (event, channel: unknown) => {
    if (!trusted(event)) throw new Error('untrusted sender');
    const sender = event.sender;
    const send = (value: unknown) => {
      if (!sender.isDestroyed()) sender.send(IPC.event, channel, value);
    };
    let off: (() => void) | undefined;
    if (channel === 'store.changes') {
      follow();
      followers.add(send);
      off = () => followers.delete(send);
    } else if (channel === 'alerts') {
      d.alerts.add(send);
      off = () => d.alerts.delete(send);
    }
    if (off) sender.once('destroyed', off);
  });
  return {
    storeChanged() {
      follow();
      for (const f of followers) f({ type: 'reset' });
    },
  };
}
