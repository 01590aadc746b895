// The tray app's RoomHost: the observer page (livekit-client) in a hidden, sandboxed window of its
// own session, served from 127.0.0.1 as the CLI serves it to headless Chromium. Its observations
// reach main on one channel (OBSERVATION_IPC), from that window only, checked before use; the
// room decisions stay in core's RoomObserver. Electron's classes are passed in.

import type { BrowserWindow, IpcMain, IpcMainEvent, Session } from 'electron';
import { readFileSync } from 'node:fs';
import type { RoomHost } from '../core/rooms/observer.js';
import { denyPermissionCheck, denyPermissionRequest } from './security.js';
import { pageBundlePath, servePage } from '../observer/page-server.js';
import { OBSERVATION_IPC, PAGE_GLOBAL, parseObservation, type Observation } from '../shared/observation.js';

export interface RoomHostDeps {
  BrowserWindow: typeof BrowserWindow;
  ipcMain: IpcMain;
  /** The observer's own session (e.g. `session.fromPartition('deadair-observer')`). */
  session: Session;
  /** The built observer preload (out/preload/observer.cjs). */
  preload: string;
}

/** The page call that joins or leaves a room: arguments as JSON literals, nothing interpolated raw. */
export function pageCall(fn: 'join' | 'leave', args: readonly string[]): string {
  return `globalThis[${JSON.stringify(PAGE_GLOBAL)}].${fn}(${args.map((a) => JSON.stringify(a)).join(', ')})`;
}

export async function launchWindowHost(
  d: RoomHostDeps,
  onObservation: (o: Observation) => void,
  onExit: (why: string) => void,
): Promise<RoomHost> {
  const bundle = pageBundlePath();
  if (!bundle) throw new Error('the room observer page is not built: run `npm run build`');
  const { server, origin } = await servePage(readFileSync(bundle, 'utf8'));
  // The page asks for nothing: no microphone, camera or notification.
  d.session.setPermissionRequestHandler(denyPermissionRequest);
  d.session.setPermissionCheckHandler(denyPermissionCheck);
  const win = new d.BrowserWindow({
    show: false,
    webPreferences: {
      preload: d.preload,
      session: d.session,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      backgroundThrottling: false,
      spellcheck: false,
    },
  });
  let closing = false;
  const lost = (why: string) => {
    if (!closing) onExit(why);
    closing = true;
  };
  const onMessage = (e: IpcMainEvent, json: unknown) => {
    if (e.sender !== win.webContents) return;
    const o = parseObservation(json);
    if (o) onObservation(o);
  };
  d.ipcMain.on(OBSERVATION_IPC, onMessage);
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('render-process-gone', (_e, details) =>
    lost(`the observer window's page ended (${details.reason})`),
  );
  win.on('closed', () => lost('the observer window closed'));
  const close = async () => {
    closing = true;
    d.ipcMain.off(OBSERVATION_IPC, onMessage);
    if (!win.isDestroyed()) win.destroy();
    server.closeAllConnections();
    server.close();
  };
  try {
    await win.loadURL(origin);
    const deadline = Date.now() + 15_000;
    while (
      !(await win.webContents.executeJavaScript(
        `typeof globalThis[${JSON.stringify(PAGE_GLOBAL)}]?.join === 'function'`,
      ))
    ) {
      if (Date.now() > deadline) throw new Error('the observer page did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (e) {
    await close();
    throw e;
  }
  return {
    join: async (room, url, token) => {
      await win.webContents.executeJavaScript(pageCall('join', [room, url, token]));
    },
    leave: async (room) => {
      await win.webContents.executeJavaScript(pageCall('leave', [room]));
    },
    close,
  };
}
