// Electron main: the composition root. Only adapters live here; decisions are in plain modules.
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { delimiter, join } from 'node:path';
import { defaultConfigPath, loadConfig } from '../core/config.js';
import { answer, isRequestChannel } from '../core/api.js';
import { createWatcher, type Watcher } from '../core/watcher.js';
import { IPC } from '../shared/api.js';
import { CSP, isAppUrl, isSafeExternalUrl, windowOptions } from './security.js';

const devServer = process.env.ELECTRON_RENDERER_URL;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(windowOptions({ preload: join(__dirname, '../preload/index.cjs') }));
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url, devServer)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  if (devServer) void win.loadURL(devServer);
  else void win.loadFile(join(__dirname, '../renderer/index.html'));
  return win;
}

void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  ipcMain.handle(IPC.version, (event) => {
    // Answer only our own pages.
    if (!isAppUrl(event.senderFrame?.url ?? '', devServer)) throw new Error('untrusted sender');
    return app.getVersion();
  });
  watcher = startWatching();
  // The timeline's contract over IPC: the same answers `deadair watch --ui` gives over HTTP.
  ipcMain.handle(IPC.request, (event, channel: unknown, params: unknown) => {
    if (!isAppUrl(event.senderFrame?.url ?? '', devServer)) throw new Error('untrusted sender');
    if (!watcher) throw new Error('not watching: set DEADAIR_WATCH');
    if (!isRequestChannel(channel)) throw new Error('unknown channel');
    return answer(watcher.store, app.getVersion(), channel, params);
  });
  ipcMain.handle(IPC.subscribe, (event, channel: unknown) => {
    if (!isAppUrl(event.senderFrame?.url ?? '', devServer)) throw new Error('untrusted sender');
    if (!watcher || channel !== 'store.changes') return;
    const sender = event.sender;
    const off = watcher.store.subscribe((c) => {
      if (!sender.isDestroyed()) sender.send(IPC.event, channel, c);
    });
    sender.once('destroyed', off);
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

/**
 * The same core watcher `deadair watch` starts. Until the tray's settings window exists, the paths
 * come from DEADAIR_WATCH (separated as PATH is) and the thresholds from the settings file.
 */
let watcher: Watcher | undefined;
function startWatching(): Watcher | undefined {
  const paths = (process.env.DEADAIR_WATCH ?? '').split(delimiter).filter(Boolean);
  if (paths.length === 0) return undefined;
  const w = createWatcher({
    paths,
    fromStart: false,
    settings: loadConfig(defaultConfigPath(process.env), false),
  });
  w.subscribe((e) => {
    if (e.type === 'finding' && e.how === 'created')
      console.log(`deadair: ${e.finding.title} — ${e.finding.summary}`);
  });
  return w;
}

app.on('before-quit', () => {
  void watcher?.stop();
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
