// Electron main: the composition root. Only adapters live here; every decision is in a plain
// module (tray-model.ts, app-state.ts, security.ts) with its tests. It composes the same core
// watcher `deadair watch` starts, shows its state in the tray, turns its alerts into a silent
// native notification and deadair's own spoken clip, and opens the timeline at the finding a
// notification or a menu entry names.
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  Notification,
  session,
  shell,
  Tray,
  dialog,
  safeStorage,
  type OpenDialogOptions,
} from 'electron';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  ConfigError,
  DEFAULT_CONFIG,
  defaultConfigPath,
  expandHome,
  loadConfig,
  saveConfig,
  type Config,
} from '../core/config.js';
import { playDemo, prepareDemo } from '../core/demo.js';
import { credentialsFromSettings } from '../core/livekit/credentials.js';
import { createWatcher, type Watcher, type WatcherOptions } from '../core/watcher.js';
import type { AlertNotice, RequestChannel } from '../shared/api.js';
import { editorFromEnv } from '../shared/editor.js';
import type { SettingsView } from '../shared/settings.js';
import type { TimelineRoute } from '../shared/links.js';
import { clipPath, playFile } from '../os/sound.js';
import { trayMayBeHidden } from '../os/tray-host.js';
import { alertOutcome, reduce, type AppState, type Effect } from './app-state.js';
import { launchWindowHost } from './room-host.js';
import {
  checkUpdate,
  readState,
  restoreState,
  saveState,
  SecretBox,
  secretStorage,
  settingsView,
} from './settings.js';
import { serveContract, type Contract } from './contract.js';
import { CSP, denyPermissionCheck, denyPermissionRequest } from './security.js';
import { TimelineWindow } from './timeline-window.js';
import { showNotification, TrayAdapter } from './tray.js';
import { trayView, type TrayAction } from './tray-model.js';
import { e2eProbe } from './e2e-probe.js';
import { canRead, SourceStatus } from './source-status.js';

const devServer = process.env.ELECTRON_RENDERER_URL;

// One deadair: a second launch focuses the first (its timeline window) and exits.
if (!app.requestSingleInstanceLock()) app.exit(0);

/** Where the bundled icons and clips are: beside the app, or in the package's resources. */
const resourcesRoot = () => (app.isPackaged ? process.resourcesPath : app.getAppPath()) + '/';
const iconDir = () => join(resourcesRoot(), 'resources', 'icons');

const configFile = defaultConfigPath(process.env);
/** Why the settings file could not be read (the defaults are used meanwhile), if it could not. */
let configError: string | undefined;
function readSettings(): Config {
  try {
    configError = undefined;
    return loadConfig(configFile, false);
  } catch (e) {
    configError = (e as Error).message;
    return structuredClone(DEFAULT_CONFIG);
  }
}
let config: Config = readSettings();
/** The alert switches the tray's state carries, as the settings say. */
const alertSwitches = (c: Config) => ({
  notify: c.alerts.notify,
  sound: c.alerts.sound,
  spoken: c.alerts.spoken,
});
let state: AppState = { paused: false, seenBefore: 0, openAtLogin: false, ...alertSwitches(config) };
/** The app's own files: the tray state and the encrypted API secret. */
const stateFile = () => join(app.getPath('userData'), 'state.json');
let secrets: SecretBox | undefined;
let watcher: Watcher | undefined;
let demoDir: string | undefined;
let tray: TrayAdapter | undefined;
const timeline = new TimelineWindow({ BrowserWindow, shell, dir: __dirname, devServer });
const showTimeline = (route: TimelineRoute) => timeline.show(route);
let quitting = false;
/** The Electron end-to-end test's view of the tray and notifications (DEADAIR_E2E=1 only). */
const e2e = e2eProbe(process.env);

/** Why rooms cannot be observed right now (the tray's offline state), if they cannot. */
let offline: string | undefined;
const sources = new SourceStatus();

/**
 * Rooms to observe: the settings' watch.rooms pattern (DEADAIR_ROOMS overrides it), on the server
 * and keys of the settings — the secret from the keychain — with LIVEKIT_* winning as in the CLI.
 * The observer runs in a hidden window of its own session.
 */
function roomsOption(): WatcherOptions['rooms'] {
  offline = undefined;
  const pattern = process.env.DEADAIR_ROOMS?.trim() || config.watch.rooms;
  if (!pattern) return undefined;
  const credentials = credentialsFromSettings(
    { ...config.livekit, apiSecret: secrets?.get() ?? config.livekit.apiSecret },
    process.env,
  );
  if ('missing' in credentials) {
    offline = `set ${credentials.missing.join(', ')} to observe rooms`;
    return undefined;
  }
  return {
    credentials,
    pattern,
    maxRooms: config.livekit.maxRooms,
    launch: (onObservation, onExit) =>
      launchWindowHost(
        {
          BrowserWindow,
          ipcMain,
          session: session.fromPartition('deadair-observer'),
          preload: join(__dirname, '../preload/observer.cjs'),
        },
        onObservation,
        onExit,
      ),
  };
}

/** The same core watcher `deadair watch` starts, its alerts turned into the tray's. */
function startWatching(
  paths: string[],
  rooms?: WatcherOptions['rooms'],
  fromStart = false,
  journal?: string,
): Watcher {
  const w = createWatcher({ paths, fromStart, settings: config, rooms, journal });
  sources.clear();
  // The room observer's window may not start (`deadair watch` says why and exits): the tray shows
  // rooms offline and why, rather than an unhandled rejection and rooms silently unobserved.
  w.ready.catch((e: unknown) => {
    if (watcher !== w) return;
    offline = `the room observer did not start: ${(e as Error).message}`;
    console.error(`deadair: ${offline}`);
    refreshTray();
  });
  w.subscribe((e) => {
    if (e.type === 'alert') {
      const out = alertOutcome(e.alert, state, Date.now());
      if (out.notification) {
        const route = out.notification.route;
        e2e?.notifications.push({
          title: out.notification.title,
          body: out.notification.body,
          click: () => showTimeline(route),
        });
        showNotification(Notification, out.notification, join(iconDir(), 'deadair.png'), () =>
          showTimeline(route),
        );
      }
      if (out.clip) void playFile(clipPath(out.clip, resourcesRoot()));
      const notice: AlertNotice = {
        id: e.alert.id,
        session: e.alert.finding.session,
        finding: e.alert.finding.id,
        title: e.alert.title,
        body: e.alert.body,
      };
      for (const fn of alertListeners) fn(notice);
    }
    if (e.type === 'rooms') {
      offline = e.online ? undefined : e.why;
      refreshTray();
    }
    if (e.type === 'problem' || e.type === 'notice')
      console.error(`deadair: ${e.type === 'problem' ? e.problem.message : e.text}`);
    // The logs it cannot read and what it noticed, in the menu: there is no terminal to say them on.
    if (watcher === w && sources.take(e)) scheduleTray();
  });
  w.store.subscribe(() => scheduleTray());
  return w;
}

const alertListeners = new Set<(n: AlertNotice) => void>();

let contract: Contract | undefined;
/** What is watched now: the timeline's pages follow it (contract.ts). */
function setWatcher(w: Watcher | undefined): void {
  watcher = w;
  contract?.storeChanged();
}

function refreshTray(): void {
  const view = trayView(
    {
      sessions: watcher?.store.sessions() ?? [],
      paused: state.paused,
      snoozedUntil: state.snoozedUntil,
      offline,
      seenBefore: state.seenBefore,
      openAtLogin: state.openAtLogin,
      unconfigured: watcher === undefined,
      ...sources.view(canRead),
      now: Date.now(),
    },
    process.platform,
  );
  if (e2e) Object.assign(e2e, { state: view.state, tooltip: view.tooltip });
  if (tray) tray.update(view);
  else tray = new TrayAdapter({ Tray, Menu, iconDir: iconDir(), platform: process.platform }, view, dispatch);
}

let trayPending: ReturnType<typeof setTimeout> | undefined;
/** At most two tray updates a second, however fast the store changes. */
function scheduleTray(): void {
  trayPending ??= setTimeout(() => {
    trayPending = undefined;
    refreshTray();
  }, 500);
}

function dispatch(a: TrayAction): void {
  const r = reduce(state, a, Date.now());
  state = r.state;
  try {
    saveState(stateFile(), state);
  } catch (e) {
    console.error(`deadair: cannot keep the tray state: ${(e as Error).message}`);
  }
  if (r.effect) apply(r.effect);
  refreshTray();
}

function apply(e: Effect): void {
  switch (e.type) {
    case 'open':
      return showTimeline(e.route);
    case 'login':
      return app.setLoginItemSettings({ openAtLogin: e.on });
    case 'settings':
      return showTimeline({ view: 'settings' });
    case 'demo':
      return void startDemo();
    case 'quit':
      return app.quit();
  }
}

/** The first run's demo: the bundled scenario played into a temporary folder, watched for real. */
async function startDemo(): Promise<void> {
  if (watcher) return;
  demoDir = mkdtempSync(join(tmpdir(), 'deadair-demo-'));
  prepareDemo(demoDir);
  setWatcher(startWatching([demoDir], undefined, true));
  refreshTray();
  showTimeline({ view: 'sessions' });
  await playDemo(demoDir, 1, () => quitting);
}

/** The watcher the settings ask for (DEADAIR_WATCH, separated as PATH is, overrides the paths). */
function startConfigured(): Watcher | undefined {
  const env = (process.env.DEADAIR_WATCH ?? '').split(delimiter).filter(Boolean);
  const paths = env.length > 0 ? env : config.watch.paths.map((p) => expandHome(p, process.env));
  const rooms = roomsOption();
  // The journal keeps the history the timeline shows, and what was said, across restarts.
  return paths.length > 0 || rooms
    ? startWatching(paths, rooms, false, join(app.getPath('userData'), 'journal.jsonl'))
    : undefined;
}

function currentSettings(): SettingsView {
  return settingsView(
    config,
    configFile,
    secrets?.get(),
    secretStorage(safeStorage, process.platform),
    configError,
  );
}

/** The settings window's own channels: answered here, never by the shared store API. */
async function answerTray(
  channel: RequestChannel,
  params: unknown,
  win: BrowserWindow | null,
): Promise<unknown> {
  switch (channel) {
    case 'settings.get':
      return currentSettings();
    case 'settings.set': {
      let update: ReturnType<typeof checkUpdate>;
      try {
        update = checkUpdate(params);
        if (update.secret !== undefined) secrets?.set(update.secret);
        saveConfig(configFile, update.config);
      } catch (e) {
        if (e instanceof ConfigError) throw new Error(e.message);
        throw e;
      }
      config = readSettings();
      state = { ...state, ...alertSwitches(config) };
      // The new settings take effect now: the watcher starts again on them (its journal keeps
      // what was said, so nothing is raised twice).
      const old = watcher;
      setWatcher(undefined);
      await old?.stop();
      setWatcher(startConfigured());
      refreshTray();
      return currentSettings();
    }
    case 'settings.pick': {
      const what = (params as { what?: unknown } | null)?.what === 'files' ? 'files' : 'folder';
      const options: OpenDialogOptions = {
        properties: what === 'folder' ? ['openDirectory'] : ['openFile', 'multiSelections'],
      };
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return r.canceled ? [] : r.filePaths;
    }
    case 'demo.start':
      if (watcher) return false;
      void startDemo();
      return true;
    default:
      throw new Error('unknown channel');
  }
}

app.on('second-instance', () => showTimeline({ view: 'sessions' }));

void app.whenReady().then(() => {
  // A tray app: no dock icon on macOS.
  app.dock?.hide();
  session.defaultSession.setPermissionRequestHandler(denyPermissionRequest);
  session.defaultSession.setPermissionCheckHandler(denyPermissionCheck);
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  contract = serveContract({
    ipcMain,
    BrowserWindow,
    version: app.getVersion(),
    devServer,
    editor: editorFromEnv(process.env),
    store: () => watcher?.store,
    answerTray,
    alerts: alertListeners,
  });

  secrets = new SecretBox(safeStorage, join(app.getPath('userData'), 'livekit-secret.bin'));
  config = readSettings();
  state = restoreState(
    readState(stateFile()),
    { ...state, ...alertSwitches(config), openAtLogin: app.getLoginItemSettings().openAtLogin },
    Date.now(),
  );
  setWatcher(startConfigured());
  refreshTray();
  // Snoozes end and "needs attention" ages even when nothing happens.
  setInterval(refreshTray, 30_000).unref();
  // First run (nothing to watch yet): the settings, which offer the demo.
  if (!watcher) showTimeline({ view: 'settings' });
  // A Linux desktop with no tray host (plain GNOME) would hide deadair entirely: keep a window.
  else
    void trayMayBeHidden(process.platform, process.env).then((hidden) => {
      if (!hidden || quitting) return;
      console.error(
        'deadair: this desktop shows no tray icons (on GNOME, install the AppIndicator extension): the timeline stays open instead',
      );
      showTimeline({ view: 'sessions' });
    });
});

// Closing the timeline leaves deadair in the tray.
app.on('window-all-closed', () => undefined);

// A graceful quit: the journal is flushed and the watcher stopped before the process ends.
app.on('before-quit', (e) => {
  if (quitting) return;
  quitting = true;
  e.preventDefault();
  void (async () => {
    try {
      await watcher?.stop();
    } finally {
      tray?.destroy();
      if (demoDir) rmSync(demoDir, { recursive: true, force: true });
      app.quit();
    }
  })();
});
