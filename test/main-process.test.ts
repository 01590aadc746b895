// The tray app's main process as built — out/main/index.js, unmodified — run under plain Node with
// `electron` resolved to a double of Electron's main-process API (test/support/electron-double:
// typed against electron.d.ts, behaving as Electron documents it). No Electron binary can be had
// here, so this is what executes the composition root: the resource, preload and renderer paths,
// the ready handler, the tray and its menu actions, the notification's click, the settings
// window's IPC starting the watcher, the graceful quit, and the single-instance lock. What the
// app did is read from the double's log; what a user, the desktop or a page would do is sent to
// it as commands.
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IPC } from '../src/shared/api.js';
import { timelineHash } from '../src/shared/links.js';
import type { SettingsView } from '../src/shared/settings.js';
import { creditsLine } from './support/agent-lines.js';
import { ROOT } from './support/cli.js';
import {
  buildDouble,
  launchApp,
  type LaunchOptions,
  type RunningApp,
} from './support/electron-double/driver.js';
import type { LogRecord } from './support/electron-double/harness.js';

const MAIN = join(ROOT, 'out/main/index.js');
const RESOURCES = join(ROOT, 'resources') + sep;
const tmp = mkdtempSync(join(tmpdir(), 'deadair-main-'));
const doubleDir = join(tmp, 'double');
// A stand-in for the first audio player main tries (paplay), first on the app's PATH: it notes the
// file it was given in $HOME/played.txt (each app gets its own home).
const bin = join(tmp, 'bin');
const running: RunningApp[] = [];

beforeAll(async () => {
  // test/support/global-setup.ts ran `electron-vite build`: this is today's main, not a stale one.
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is not built (global setup runs electron-vite build)`);
  mkdirSync(doubleDir);
  await buildDouble(doubleDir);
  mkdirSync(bin);
  writeFileSync(join(bin, 'paplay'), `#!/bin/sh\nprintf '%s\\n' "$*" >> "$HOME/played.txt"\n`);
  chmodSync(join(bin, 'paplay'), 0o755);
});
afterEach(() => {
  for (const app of running.splice(0)) app.kill();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let homes = 0;
/** A fresh home: its config folder (XDG_CONFIG_HOME) empty, as on a first run. */
function freshHome(): { home: string; config: string } {
  const home = join(tmp, `home-${++homes}`);
  mkdirSync(join(home, 'config'), { recursive: true });
  return { home, config: join(home, 'config') };
}

function start(home: string, o: Partial<LaunchOptions> = {}, env: NodeJS.ProcessEnv = {}): RunningApp {
  const app = launchApp({
    doubleDir,
    appDir: ROOT,
    log: join(home, 'double.jsonl'),
    // Nothing of this shell's DEADAIR_*, LIVEKIT_* or ELECTRON_* leaks in.
    env: {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      HOME: home,
      XDG_CONFIG_HOME: join(home, 'config'),
      LANG: 'C.UTF-8',
      ...env,
    },
    ...o,
  });
  running.push(app);
  return app;
}

const last = (rs: LogRecord[], api: string, where: (r: LogRecord) => boolean = () => true) =>
  rs.filter((r) => r.api === api && where(r)).at(-1);
const labels = (r: LogRecord | undefined) => ((r?.items ?? []) as { label: string }[]).map((i) => i.label);
const playedClips = (home: string) => {
  const played = join(home, 'played.txt');
  return existsSync(played) ? readFileSync(played, 'utf8').split('\n').filter(Boolean) : [];
};
const fileOf = (url: string) => fileURLToPath(new URL(url));

/**
 * Appends the line (again, each second) until the app shows a notification: the watcher opens the
 * file asynchronously, and what the file held before it did is not news.
 */
async function appendUntilNotified(app: RunningApp, log: string, line: () => string): Promise<LogRecord> {
  const end = Date.now() + 30_000;
  for (;;) {
    appendFileSync(log, line() + '\n');
    const shown = await app
      .until('a notification shown', (rs) => last(rs, 'Notification.show'), 1000)
      .catch(() => undefined);
    if (shown) return shown;
    if (Date.now() > end) return app.until('a notification shown', (rs) => last(rs, 'Notification.show'), 1);
  }
}

/** The window's page as Electron loaded it: its file exists, and its route. */
function page(rs: LogRecord[], window: number): { file: string; hash: string } {
  const load = last(rs, 'webContents.did-finish-load', (r) => r.window === window);
  expect(load, `window ${window} loaded a page`).toBeDefined();
  const url = new URL(String(load?.url));
  return { file: fileOf(url.href), hash: url.hash };
}

/** Nothing thrown that no one caught, and every tray icon set is a file of ours. */
function expectSound(app: RunningApp): void {
  expect(app.calls('uncaughtException'), app.stderr()).toEqual([]);
  for (const r of app.records().filter((r) => r.api === 'Tray.new' || r.api === 'Tray.setImage')) {
    expect(String(r.image).startsWith(RESOURCES), String(r.image)).toBe(true);
    expect(existsSync(String(r.image)), String(r.image)).toBe(true);
  }
}

describe('the built main process on a double of Electron', () => {
  it('first run: the tray with its menu, the sandboxed settings window, and settings saved there start the watcher', async () => {
    const { home, config } = freshHome();
    const log = join(home, 'agent.log');
    writeFileSync(log, '');
    const app = start(home, { double: { openDialog: { canceled: false, filePaths: [log] } } });

    // Ready: the tray, with an icon of ours and a menu attached from the start.
    const shown = await app.until('the settings window shown', (rs) => last(rs, 'BrowserWindow.show'));
    let rs = app.records();
    expect(rs.map((r) => r.api)).toContain('app.ready');
    const trayNew = last(rs, 'Tray.new');
    expect(String(trayNew?.image)).toMatch(/tray-idle(Template)?\.png$/);
    expect(existsSync(String(trayNew?.image)), String(trayNew?.image)).toBe(true);
    const menus = rs.filter((r) => r.api === 'Tray.setContextMenu');
    expect(menus.length).toBeGreaterThan(0);
    expect(menus.every((m) => Array.isArray(m.items) && m.items.length > 0)).toBe(true);
    expect(labels(menus.at(-1))).toEqual(expect.arrayContaining(['Set up deadair…', 'Quit deadair']));
    expect(String(last(rs, 'Tray.setToolTip')?.toolTip)).toContain('nothing watched yet');

    // Nothing to watch: the settings, in an isolated, sandboxed window with our preload.
    const win = last(rs, 'BrowserWindow.new') as LogRecord & {
      options: { show?: boolean; webPreferences: Record<string, unknown> };
    };
    expect(shown.window).toBe(win.window);
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    const preload = String(win.options.webPreferences.preload);
    expect(existsSync(preload), preload).toBe(true);
    const settingsPage = page(rs, 0);
    expect(existsSync(settingsPage.file), settingsPage.file).toBe(true);
    expect(settingsPage.hash).toBe(timelineHash({ view: 'settings' }));

    // The page cannot leave the app, open windows, or get permissions; links go to the browser.
    expect(await app.command('navigate', { window: 0, url: 'https://example.com/' })).toEqual({
      prevented: true,
    });
    const own = `${pathToFileURL(settingsPage.file).href}#/`;
    expect(await app.command('navigate', { window: 0, url: own })).toEqual({ prevented: false });
    const docs = 'https://docs.livekit.io/agents/';
    expect(await app.command('window-open', { window: 0, url: docs })).toEqual({ action: 'deny' });
    expect(await app.command('window-open', { window: 0, url: 'file:///etc/passwd' })).toEqual({
      action: 'deny',
    });
    expect(app.calls('shell.openExternal').map((r) => r.url)).toEqual([docs]);
    expect(await app.command('permission', { permission: 'media' })).toEqual({
      check: false,
      granted: false,
    });
    const headers = (await app.command('headers', { url: own })) as Record<string, string[]>;
    expect(headers['Content-Security-Policy']?.[0]).toContain("default-src 'none'");

    // The contract answers our page only.
    const invoke = (channel: string, args: unknown[], url?: string) =>
      app.command('ipc-invoke', { window: 0, channel, args, ...(url ? { url } : {}) });
    expect(await invoke(IPC.version, [])).toBe('0.1.0');
    await expect(invoke(IPC.version, [], 'https://evil.example/')).rejects.toThrow(/untrusted sender/);
    const view = (await invoke(IPC.request, ['settings.get', {}])) as SettingsView;
    expect(view).toMatchObject({
      secret: 'unset',
      secretStorage: 'encrypted',
      file: join(config, 'deadair', 'config.json'),
    });
    expect(view.config.watch.paths).toEqual([]);

    // The file picker, parented to the settings window.
    expect(await invoke(IPC.request, ['settings.pick', { what: 'files' }])).toEqual([log]);
    expect(last(app.records(), 'dialog.showOpenDialog')).toMatchObject({
      window: 0,
      options: { properties: ['openFile', 'multiSelections'] },
    });

    // Saved: the file the CLI reads gets the paths, the keychain the secret, and watching starts.
    await invoke(IPC.subscribe, ['alerts']);
    const saved = (await invoke(IPC.request, [
      'settings.set',
      { config: { ...view.config, watch: { paths: [log] } }, secret: 'lk-first-secret' },
    ])) as SettingsView;
    expect(saved).toMatchObject({ secret: 'set', config: { watch: { paths: [log] } } });
    const onDisk = readFileSync(join(config, 'deadair', 'config.json'), 'utf8');
    expect(JSON.parse(onDisk)).toMatchObject({ watch: { paths: [log] } });
    expect(onDisk).not.toContain('lk-first-secret');
    const secretFile = join(config, 'deadair', 'livekit-secret.bin');
    expect(readFileSync(secretFile).toString('latin1')).not.toContain('lk-first-secret');
    await app.until('the tray watching', (rs) =>
      last(rs, 'Tray.setToolTip', (r) => String(r.toolTip).startsWith('deadair — watching')),
    );
    expect(labels(last(app.records(), 'Tray.setContextMenu'))).not.toContain('Set up deadair…');

    const note = await appendUntilNotified(app, log, () => creditsLine(Date.now(), 'AJ_first'));
    expect(note).toBeDefined();
    // …and the page subscribed to alerts hears of it.
    const sent = await app.until('the alert sent to the page', (rs) =>
      last(rs, 'webContents.send', (r) => r.window === 0 && (r.args as unknown[])[0] === 'alerts'),
    );
    expect(sent).toMatchObject({ channel: IPC.event, args: ['alerts', { session: 'AJ_first' }] });

    // Closing the window leaves deadair in the tray.
    await app.command('close-window', { window: 0 });
    rs = app.records();
    expect(last(rs, 'app.emit', (r) => r.event === 'window-all-closed')).toBeDefined();
    expect(app.calls('app.quit')).toEqual([]);

    // A second launch brings the timeline forward.
    await app.command('app-event', { name: 'second-instance' });
    const again = await app.until('the timeline after a second launch', (rs) =>
      last(rs, 'webContents.did-finish-load', (r) => r.window === 1),
    );
    expect(new URL(String(again.url)).hash).toBe(timelineHash({ view: 'sessions' }));

    // Start at login is offered only where Electron can do it (not on Linux).
    const menu = labels(last(app.records(), 'Tray.setContextMenu'));
    if (process.platform === 'linux') expect(menu).not.toContain('Start at login');
    else {
      await app.command('menu-click', { label: 'Start at login' });
      expect(last(app.records(), 'app.setLoginItemSettings')).toMatchObject({
        settings: { openAtLogin: true },
      });
    }

    app.send('menu-click', { label: 'Quit deadair' });
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expectSound(app);
  }, 90_000);

  it('a failure: the tray turns failed, a silent notification names the cause, its click opens the timeline at the finding; pause, then a clean quit', async () => {
    const { home, config } = freshHome();
    const data = join(home, 'data');
    const log = join(home, 'agent.log');
    writeFileSync(log, '');
    mkdirSync(join(config, 'deadair'));
    writeFileSync(
      join(config, 'deadair', 'config.json'),
      JSON.stringify({ watch: { paths: [log] }, alerts: { burstSeconds: 0 } }),
    );
    const app = start(home, { switches: [`--user-data-dir=${data}`] });

    await app.until('the tray watching', (rs) =>
      last(rs, 'Tray.setToolTip', (r) => String(r.toolTip).startsWith('deadair — watching')),
    );
    // Something to watch: no settings window.
    expect(app.calls('BrowserWindow.new')).toEqual([]);

    // Out of credits: a notification naming the cause, silent (deadair speaks its own clip).
    const shown = await appendUntilNotified(app, log, () => creditsLine(Date.now(), 'AJ_tray'));
    let rs = app.records();
    const made = last(rs, 'Notification.new', (r) => r.notification === shown.notification) as LogRecord & {
      options: { title: string; body: string; silent: boolean; urgency: string; icon: string };
    };
    expect(made.options.title).toBe('Out of inference credits');
    expect(made.options).toMatchObject({ silent: true, urgency: 'critical' });
    expect(made.options.body).not.toBe('');
    expect(existsSync(made.options.icon), made.options.icon).toBe(true);
    expect(app.calls('Notification.new')).toHaveLength(1);

    // The spoken clip, from our resources.
    await expect.poll(() => playedClips(home), { timeout: 20_000 }).toHaveLength(1);
    const clip = playedClips(home)[0] as string;
    expect(clip.startsWith(RESOURCES) && clip.endsWith('.wav') && existsSync(clip), clip).toBe(true);

    // The tray: the failed icon, the tooltip and the menu say so.
    const failed = await app.until('the failed tray', (rs) =>
      last(rs, 'Tray.setImage', (r) => /tray-failed(Template)?\.png$/.test(String(r.image))),
    );
    expect(existsSync(String(failed.image))).toBe(true);
    await app.until('the tooltip', (rs) =>
      last(rs, 'Tray.setToolTip', (r) => String(r.toolTip).includes('1 needs attention')),
    );
    const sessionItem = await app.until('the session in the menu', (rs) =>
      labels(last(rs, 'Tray.setContextMenu')).find((l) => l.startsWith('Out of inference credits — ')),
    );

    // Minutes later the user clicks the notification: it still leads to the timeline, at the finding.
    const alive = (await app.command('gc')) as boolean[];
    expect(alive[Number(shown.notification)], 'the notification outlives a garbage collection').toBe(true);
    expect(await app.command('notification-click', { index: shown.notification })).toEqual({
      delivered: true,
    });
    const route = { view: 'session', session: 'AJ_tray', finding: 'AJ_tray/credits_exhausted' } as const;
    const loaded = await app.until('the timeline at the finding', (rs) =>
      last(rs, 'webContents.did-finish-load', (r) => r.window === 0),
    );
    rs = app.records();
    const timelineWin = last(rs, 'BrowserWindow.new') as LogRecord & {
      options: { webPreferences: Record<string, unknown> };
    };
    expect(timelineWin.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(existsSync(String(timelineWin.options.webPreferences.preload))).toBe(true);
    expect(existsSync(fileOf(String(loaded.url)))).toBe(true);
    expect(new URL(String(loaded.url)).hash).toBe(timelineHash(route));
    await app.until('the timeline shown', (rs) => last(rs, 'BrowserWindow.show', (r) => r.window === 0));
    // The finding the link names is the one the page will ask for.
    const versions = await app.command('ipc-invoke', {
      window: 0,
      channel: IPC.request,
      args: ['finding.versions', { session: route.session, finding: route.finding }],
    });
    expect(versions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          finding: expect.objectContaining({ id: route.finding, cause: 'credits_exhausted' }),
        }),
      ]),
    );

    // The session's menu entry opens the same place, in the same window.
    await app.command('menu-click', { label: sessionItem });
    await app.until('the window reused', (rs) =>
      rs.filter((r) => r.api === 'webContents.did-finish-load' && r.window === 0).length >= 2
        ? true
        : undefined,
    );
    rs = app.records();
    expect(app.calls('BrowserWindow.new')).toHaveLength(1);
    expect(new URL(String(last(rs, 'webContents.did-finish-load')?.url)).hash).toBe(timelineHash(route));

    // Pause: the tray says so, and kept across restarts.
    await app.command('menu-click', { label: 'Pause alerts' });
    await app.until('the paused tray', (rs) =>
      last(rs, 'Tray.setImage', (r) => /tray-paused(Template)?\.png$/.test(String(r.image))),
    );
    rs = app.records();
    expect(String(last(rs, 'Tray.setToolTip')?.toolTip)).toContain('alerts paused');
    expect(labels(last(rs, 'Tray.setContextMenu'))).toContain('Resume alerts');
    expect(JSON.parse(readFileSync(join(data, 'state.json'), 'utf8'))).toMatchObject({ paused: true });

    // Paused, another failure is kept (journal, tray) but not announced.
    const journal = join(data, 'journal.jsonl');
    appendFileSync(log, creditsLine(Date.now(), 'AJ_two') + '\n');
    await expect
      .poll(
        () =>
          readFileSync(journal, 'utf8')
            .split('\n')
            .some((l) => l.includes('"t":"sent"') && l.includes('AJ_two')),
        {
          timeout: 20_000,
        },
      )
      .toBe(true);
    // The alert was journalled just before it reached main's listener: one round trip later, main
    // has decided about it.
    await app.command('ping');
    await app.until('the tray counting both', (rs) =>
      last(rs, 'Tray.setToolTip', (r) => String(r.toolTip).includes('2 need attention')),
    );
    expect(app.calls('Notification.new')).toHaveLength(1);
    expect(playedClips(home)).toHaveLength(1);

    // Quit from the menu: the watcher stops and the journal is closed before the process ends.
    app.send('menu-click', { label: 'Quit deadair' });
    expect(await app.exited).toEqual({ code: 0, signal: null });
    rs = app.records();
    const events = rs.filter((r) => r.api === 'app.emit').map((r) => r.event);
    expect(events.slice(-4)).toEqual(['before-quit', 'before-quit', 'will-quit', 'quit']);
    const order = (api: string) => rs.findIndex((r) => r.api === api);
    expect(order('Tray.destroy')).toBeGreaterThan(-1);
    expect(order('Tray.destroy')).toBeLessThan(order('app.exited'));
    expect(existsSync(`${journal}.lock`)).toBe(false);
    const kept = readFileSync(journal, 'utf8');
    expect(kept).toMatch(/"t":"finding".*AJ_tray\/credits_exhausted/);
    expect(kept).toMatch(/"t":"sent".*AJ_tray\/credits_exhausted/);
    expectSound(app);
  }, 90_000);

  it('rooms: the observer runs in a hidden, sandboxed window of its own session; when its page cannot start, the tray says rooms are offline', async () => {
    const { home } = freshHome();
    const rooms = start(
      home,
      {},
      {
        DEADAIR_ROOMS: 'dev-*',
        LIVEKIT_URL: 'ws://127.0.0.1:9',
        LIVEKIT_API_KEY: 'devkey',
        LIVEKIT_API_SECRET: 'a-secret-of-at-least-thirty-two-chars',
      },
    );
    // The double runs no page: the observer page never says it started.
    const offline = await rooms.until('the tray offline', (rs) =>
      last(rs, 'Tray.setToolTip', (r) => String(r.toolTip).includes('rooms offline')),
    );
    expect(String(offline.toolTip)).toContain('the room observer did not start');
    const rs = rooms.records();
    expect(String(last(rs, 'Tray.setImage')?.image)).toMatch(/tray-offline(Template)?\.png$/);
    const hidden = last(rs, 'BrowserWindow.new') as LogRecord & {
      options: { show?: boolean; webPreferences: Record<string, unknown> };
    };
    expect(hidden.options.show).toBe(false);
    expect(hidden.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      session: { partition: 'deadair-observer' },
    });
    expect(existsSync(String(hidden.options.webPreferences.preload))).toBe(true);
    expect(new URL(String(last(rs, 'webContents.loadURL')?.url)).hostname).toBe('127.0.0.1');
    // Its own session asks for nothing and gets nothing.
    expect(await rooms.command('permission', { partition: 'deadair-observer', permission: 'media' })).toEqual(
      {
        check: false,
        granted: false,
      },
    );
    // Its window gone, deadair stays (in the tray).
    expect(last(rs, 'BrowserWindow.closed', (r) => r.window === hidden.window)).toBeDefined();
    expect(rooms.calls('app.quit')).toEqual([]);
    expectSound(rooms);
    rooms.send('menu-click', { label: 'Quit deadair' });
    expect(await rooms.exited).toEqual({ code: 0, signal: null });
  });

  it('a second launch while deadair runs (no single-instance lock) exits at once', async () => {
    const { home, config } = freshHome();
    const app = start(home, { double: { singleInstanceLock: false } });
    expect(await app.exited).toEqual({ code: 0, signal: null });
    const apis = app.records().map((r) => r.api);
    expect(apis).toContain('app.exit');
    expect(last(app.records(), 'app.exit')).toMatchObject({ code: 0 });
    for (const api of ['app.ready', 'Tray.new', 'BrowserWindow.new', 'Notification.new', 'ipcMain.handle'])
      expect(apis).not.toContain(api);
    expect(existsSync(join(config, 'deadair'))).toBe(false);
    expectSound(app);
  });

  // A session bus with no tray host on it (plain GNOME Shell): the icon would be seen by nobody.
  const daemon = spawnSync('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=1'], {
    encoding: 'utf8',
  });
  const [busAddress, busPid] = daemon.status === 0 ? daemon.stdout.trim().split('\n') : [];
  afterAll(() => {
    if (busPid) process.kill(Number(busPid));
  });
  it.skipIf(process.platform !== 'linux' || !busAddress)(
    'a Linux desktop that shows no tray icons: the timeline window stays open instead, and it says why',
    async () => {
      const { home, config } = freshHome();
      const log = join(home, 'agent.log');
      writeFileSync(log, '');
      mkdirSync(join(config, 'deadair'));
      writeFileSync(join(config, 'deadair', 'config.json'), JSON.stringify({ watch: { paths: [log] } }));
      const app = start(
        home,
        { switches: [`--user-data-dir=${join(home, 'data')}`] },
        {
          DBUS_SESSION_BUS_ADDRESS: busAddress,
        },
      );
      const loaded = await app.until('the timeline window', (rs) => last(rs, 'webContents.did-finish-load'));
      expect(new URL(String(loaded.url)).hash).toBe(timelineHash({ view: 'sessions' }));
      await expect
        .poll(() => app.stderr(), { timeout: 10_000 })
        .toContain('this desktop shows no tray icons');
      app.send('menu-click', { label: 'Quit deadair' });
      expect(await app.exited).toEqual({ code: 0, signal: null });
    },
  );
});
