// A double of Electron's main-process API: the module the specifier `electron` resolves to when
// test/main-process.test.ts runs the built out/main/index.js under plain Node (hooks.ts maps it).
// It implements only what src/main uses, and behaves as Electron documents it — including where
// that bites: a window or tray cannot be made before `ready`, the default session cannot be had
// before it, safeStorage on Linux is unavailable before it, a destroyed tray or window throws, a
// file that is not there fails to load, a second ipcMain handler for a channel throws, the login
// item settings do nothing on Linux, and a main-process Notification is held only weakly (a
// notification nobody keeps is garbage-collected, and its 'click' is lost: electron#16922).
// Every call is reported to the test (harness.ts record) and the test acts as the user, the OS
// and the pages would (harness.ts onCommand).
//
// Signatures take Electron's own types (electron.d.ts), so API drift fails the typecheck.

import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, format as formatUrl } from 'node:url';
import type * as E from 'electron';
import { lifecycle, onCommand, options, record, uncaught, type Command } from './harness.js';

/** Electron's Event: listeners may prevent the default. */
class DoubleEvent {
  defaultPrevented = false;
  constructor(extra: Record<string, unknown> = {}) {
    Object.assign(this, extra);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** An event raised by Electron itself: an exception in a listener is reported, not thrown back. */
function emitNative(target: EventEmitter, name: string, ...args: unknown[]): void {
  try {
    target.emit(name, ...args);
  } catch (e) {
    uncaught(e);
  }
}

const destroyedError = (what: string) => new TypeError(`${what} has been destroyed`);

// ---------------------------------------------------------------------------------------------
// app

interface AppPackage {
  name?: string;
  productName?: string;
  version?: string;
}

/** The app as Electron starts it: `electron <appDir> [switches]`, so argv[1] is the app. */
const appPath = (() => {
  const p = resolve(process.argv[1] ?? '.');
  return existsSync(p) && statSync(p).isFile() ? dirname(p) : p;
})();
const appPackage: AppPackage = (() => {
  try {
    return JSON.parse(readFileSync(join(appPath, 'package.json'), 'utf8')) as AppPackage;
  } catch {
    return {};
  }
})();
const switchValue = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) || undefined;

type PathName = Parameters<E.App['getPath']>[0];

class App
  extends EventEmitter
  implements
    Pick<
      E.App,
      | 'whenReady'
      | 'isReady'
      | 'getPath'
      | 'getAppPath'
      | 'getName'
      | 'getVersion'
      | 'requestSingleInstanceLock'
      | 'exit'
      | 'quit'
      | 'getLoginItemSettings'
      | 'setLoginItemSettings'
      | 'isPackaged'
      | 'dock'
    >
{
  readonly isPackaged = false;
  /** macOS only: on Linux and Windows `app.dock` is undefined. */
  readonly dock = undefined;
  private ready = false;
  private quitting = false;
  private exiting = false;
  private readonly readyPromise: Promise<void>;
  private resolveReady: () => void = () => undefined;
  private loginItem = false;

  constructor() {
    super();
    this.readyPromise = new Promise((r) => (this.resolveReady = r));
    // Electron's own listener (lib/browser/init.ts): with no other, the last window closed quits.
    this.on('window-all-closed', () => {
      if (this.listenerCount('window-all-closed') === 1) this.quit();
    });
  }

  /** Electron's start-up has loaded the main script: 'will-finish-launching', then 'ready'. */
  becomeReady(): void {
    emitNative(this, 'will-finish-launching');
    this.ready = true;
    record('app.ready');
    emitNative(this, 'ready', new DoubleEvent(), {});
    this.resolveReady();
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  isReady(): boolean {
    return this.ready;
  }
  getName(): string {
    return appPackage.productName ?? appPackage.name ?? 'Electron';
  }
  getVersion(): string {
    return appPackage.version ?? process.versions.node;
  }
  getAppPath(): string {
    return appPath;
  }
  getPath(name: PathName): string {
    const appData =
      process.platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support')
        : process.platform === 'win32'
          ? (process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'))
          : process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
    const userData = switchValue('user-data-dir') ?? join(appData, this.getName());
    const paths: Partial<Record<PathName, string>> = {
      home: homedir(),
      appData,
      userData,
      sessionData: userData,
      temp: tmpdir(),
      exe: process.execPath,
      module: process.execPath,
      logs: join(userData, 'logs'),
      crashDumps: join(userData, 'Crashpad'),
    };
    const p = paths[name];
    if (p === undefined) throw new Error(`Failed to get '${name}' path`);
    record('app.getPath', { name, path: p });
    return p;
  }
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean {
    const got = options.singleInstanceLock !== false;
    record('app.requestSingleInstanceLock', { additionalData, got });
    return got;
  }
  /** Exits at once: no 'before-quit' or 'will-quit', windows destroyed without asking. */
  exit(exitCode = 0): void {
    record('app.exit', { code: exitCode });
    this.exiting = true;
    for (const w of [...windows]) w.destroy();
    process.exit(exitCode);
  }
  /** 'before-quit' (preventable), every window closed (each may refuse), 'will-quit', 'quit'. */
  quit(): void {
    record('app.quit');
    if (this.quitting) return;
    const e = new DoubleEvent();
    record('app.emit', { event: 'before-quit' });
    emitNative(this, 'before-quit', e);
    if (e.defaultPrevented) return;
    this.quitting = true;
    if (windows.size === 0) this.notifyAndShutdown();
    else for (const w of [...windows]) w.close();
  }
  /** A window's 'close' was prevented: a quit under way is called off. */
  closeCancelled(): void {
    this.quitting = false;
  }
  /** The last window closed: the quit goes on, or 'window-all-closed'. */
  allWindowsClosed(): void {
    if (this.exiting) return;
    if (this.quitting) this.notifyAndShutdown();
    else {
      record('app.emit', { event: 'window-all-closed' });
      emitNative(this, 'window-all-closed');
    }
  }
  private notifyAndShutdown(): void {
    const e = new DoubleEvent();
    record('app.emit', { event: 'will-quit' });
    emitNative(this, 'will-quit', e);
    if (e.defaultPrevented) {
      this.quitting = false;
      return;
    }
    record('app.emit', { event: 'quit' });
    emitNative(this, 'quit', new DoubleEvent(), 0);
    record('app.exited', { code: 0 });
    process.exit(0);
  }
  /** Linux has no login items: Electron's get answers the defaults and set does nothing. */
  getLoginItemSettings(_options?: E.LoginItemSettingsOptions): E.LoginItemSettings {
    const open = process.platform === 'linux' ? false : this.loginItem;
    return {
      openAtLogin: open,
      wasOpenedAtLogin: false,
      status: open ? 'enabled' : 'not-registered',
      executableWillLaunchAtLogin: open,
      launchItems: [],
    } as E.LoginItemSettings;
  }
  setLoginItemSettings(settings: E.Settings): void {
    record('app.setLoginItemSettings', { settings });
    if (process.platform !== 'linux') this.loginItem = settings.openAtLogin === true;
  }
}

export const app = new App();
lifecycle.ready = () => app.becomeReady();

onCommand('app-event', (c) => {
  const name = String(c.name);
  if (name !== 'second-instance') throw new Error(`the double raises no app event ${name}`);
  // A second `electron <app>` ran: the first instance hears its argv and working folder.
  record('app.emit', { event: name });
  emitNative(app, name, new DoubleEvent(), (c.argv as string[] | undefined) ?? [], process.cwd(), {});
  return true;
});

// ---------------------------------------------------------------------------------------------
// session

type PermissionRequestHandler = Parameters<E.Session['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<E.Session['setPermissionCheckHandler']>[0];
type HeadersListener = (
  details: E.OnHeadersReceivedListenerDetails,
  callback: (response: E.HeadersReceivedResponse) => void,
) => void;

class Session implements Pick<E.Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> {
  requestHandler: PermissionRequestHandler = null;
  checkHandler: PermissionCheckHandler = null;
  headersListener: HeadersListener | null = null;
  readonly webRequest: Pick<E.WebRequest, 'onHeadersReceived'>;
  constructor(readonly partition: string) {
    const onHeadersReceived = (
      a: E.WebRequestFilter | HeadersListener | null,
      b?: HeadersListener | null,
    ): void => {
      this.headersListener = typeof a === 'function' || a === null ? a : (b ?? null);
      record('session.webRequest.onHeadersReceived', { partition, set: this.headersListener !== null });
    };
    this.webRequest = { onHeadersReceived } as Pick<E.WebRequest, 'onHeadersReceived'>;
  }
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.requestHandler = handler;
    record('session.setPermissionRequestHandler', { partition: this.partition, set: handler !== null });
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.checkHandler = handler;
    record('session.setPermissionCheckHandler', { partition: this.partition, set: handler !== null });
  }
}

const sessions = new Map<string, Session>();
function sessionOf(partition: string): Session {
  if (!app.isReady()) throw new Error('Session can only be received when app is ready');
  let s = sessions.get(partition);
  if (!s) sessions.set(partition, (s = new Session(partition)));
  return s;
}

export const session = {
  get defaultSession(): Session {
    return sessionOf('');
  },
  fromPartition(partition: string, _options?: E.FromPartitionOptions): Session {
    record('session.fromPartition', { partition });
    return sessionOf(partition);
  },
};

onCommand('permission', (c) => {
  // A page of the session asks for a permission (a check, or a request with a prompt).
  const s = sessionOf(String(c.partition ?? ''));
  const wc = [...windows].find((w) => w.partition === s.partition)?.webContents;
  const permission = String(c.permission) as Parameters<NonNullable<PermissionRequestHandler>>[1];
  const check = s.checkHandler
    ? s.checkHandler(null, permission, 'file:///', {} as Parameters<NonNullable<PermissionCheckHandler>>[3])
    : true;
  return new Promise((done) => {
    if (!s.requestHandler) return done({ check, granted: true });
    s.requestHandler(wc as unknown as E.WebContents, permission, (granted) => done({ check, granted }), {
      requestingUrl: wc?.getURL() ?? '',
      isMainFrame: true,
    } as E.PermissionRequest);
  });
});

onCommand('headers', (c) => {
  // A response arrives for a page of the session: what its headers are once main has seen them.
  const s = sessionOf(String(c.partition ?? ''));
  const responseHeaders = { 'content-type': ['text/html'] };
  if (!s.headersListener) return responseHeaders;
  const listener = s.headersListener;
  return new Promise((done) =>
    listener(
      {
        id: 1,
        url: String(c.url),
        method: 'GET',
        resourceType: 'mainFrame',
        referrer: '',
        timestamp: Date.now(),
        statusLine: 'HTTP/1.1 200 OK',
        statusCode: 200,
        responseHeaders,
      },
      (r) => done(r.cancel ? { cancelled: true } : (r.responseHeaders ?? responseHeaders)),
    ),
  );
});

// ---------------------------------------------------------------------------------------------
// BrowserWindow and its webContents

type WindowOpenHandler = Parameters<E.WebContents['setWindowOpenHandler']>[0];

let nextWebContentsId = 1;
class WebContents
  extends EventEmitter
  implements Pick<E.WebContents, 'id' | 'send' | 'getURL' | 'isDestroyed' | 'setWindowOpenHandler'>
{
  readonly id = nextWebContentsId++;
  private url = '';
  private destroyed = false;
  private loads = 0;
  openHandler: WindowOpenHandler | undefined;
  constructor(private readonly win: BrowserWindow) {
    super();
  }
  private alive(): void {
    if (this.destroyed) throw destroyedError('Object');
  }
  getURL(): string {
    this.alive();
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.alive();
    this.openHandler = handler;
    record('webContents.setWindowOpenHandler', { window: this.win.id });
  }
  /** Sent to the page: the arguments cross by structured clone (a function cannot). */
  send(channel: string, ...args: unknown[]): void {
    this.alive();
    try {
      structuredClone(args);
    } catch {
      throw new Error('Failed to serialize arguments');
    }
    record('webContents.send', { window: this.win.id, channel, args });
  }
  /** Electron's loadFile: a path resolved against the app's folder, made a file: URL. */
  loadFile(filePath: string, o: E.LoadFileOptions = {}): Promise<void> {
    return this.loadURL(
      formatUrl({
        protocol: 'file',
        slashes: true,
        pathname: resolve(app.getAppPath(), filePath),
        query: o.query,
        search: o.search,
        hash: o.hash,
      }),
    );
  }
  /** Loads a page: a file that is not there fails as Chromium fails it; no network is fetched. */
  async loadURL(url: string, _o?: E.LoadURLOptions): Promise<void> {
    this.alive();
    record('webContents.loadURL', { window: this.win.id, url });
    await new Promise((r) => setImmediate(r));
    if (this.destroyed) throw Object.assign(new Error(`ERR_ABORTED (-3) loading '${url}'`), { errno: -3 });
    const u = new URL(url);
    const fail = (errno: number, code: string) => {
      record('webContents.did-fail-load', { window: this.win.id, url, code });
      emitNative(this, 'did-fail-load', new DoubleEvent(), errno, code, url, true);
      return Object.assign(new Error(`${code} (${errno}) loading '${url}'`), { errno, code, url });
    };
    if (u.protocol === 'file:') {
      const path = fileURLToPath(u);
      if (!existsSync(path) || !statSync(path).isFile()) throw fail(-6, 'ERR_FILE_NOT_FOUND');
    } else if (u.protocol !== 'http:' && u.protocol !== 'https:') throw fail(-302, 'ERR_UNKNOWN_URL_SCHEME');
    this.url = url;
    record('webContents.did-finish-load', { window: this.win.id, url });
    emitNative(this, 'did-finish-load', new DoubleEvent());
    // The first page painted: a window made with show: false can be shown without a flash.
    if (this.loads++ === 0) emitNative(this.win, 'ready-to-show', new DoubleEvent());
  }
  executeJavaScript(code: string, _userGesture?: boolean): Promise<unknown> {
    record('webContents.executeJavaScript', { window: this.win.id, code });
    return Promise.reject(new Error('the Electron double runs no page'));
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    emitNative(this, 'destroyed', new DoubleEvent());
  }
}

const windows = new Set<BrowserWindow>();
let nextWindowId = 0;

export class BrowserWindow
  extends EventEmitter
  implements
    Pick<
      E.BrowserWindow,
      | 'id'
      | 'loadFile'
      | 'loadURL'
      | 'show'
      | 'hide'
      | 'focus'
      | 'isVisible'
      | 'isMinimized'
      | 'restore'
      | 'isDestroyed'
      | 'destroy'
      | 'close'
    >
{
  static getAllWindows(): BrowserWindow[] {
    return [...windows];
  }
  static fromWebContents(webContents: E.WebContents): BrowserWindow | null {
    return [...windows].find((w) => (w.webContents as unknown) === webContents) ?? null;
  }
  static getFocusedWindow(): BrowserWindow | null {
    const f = BrowserWindow.focused;
    return f && windows.has(f) ? f : null;
  }

  /** The window last shown or focused. */
  private static focused: BrowserWindow | undefined;
  readonly id = nextWindowId++;
  readonly webContents: WebContents;
  /** The session partition of its pages ('' for the default session). */
  readonly partition: string;
  private visible = false;
  private destroyed = false;

  constructor(o: E.BrowserWindowConstructorOptions = {}) {
    super();
    if (!app.isReady()) throw new Error('Cannot create BrowserWindow before app is ready');
    const wp = o.webPreferences ?? {};
    const s = wp.session as unknown as Session | undefined;
    this.partition = s instanceof Session ? s.partition : (wp.partition ?? '');
    record('BrowserWindow.new', {
      window: this.id,
      options: { ...o, webPreferences: { ...wp, session: s ? { partition: this.partition } : undefined } },
    });
    this.webContents = new WebContents(this);
    windows.add(this);
    if (o.show !== false) setImmediate(() => !this.destroyed && this.show());
  }
  private alive(): void {
    if (this.destroyed) throw destroyedError('Object');
  }
  loadFile(filePath: string, o?: E.LoadFileOptions): Promise<void> {
    this.alive();
    return this.webContents.loadFile(filePath, o);
  }
  loadURL(url: string, o?: E.LoadURLOptions): Promise<void> {
    this.alive();
    return this.webContents.loadURL(url, o);
  }
  show(): void {
    this.alive();
    record('BrowserWindow.show', { window: this.id });
    BrowserWindow.focused = this;
    if (this.visible) return;
    this.visible = true;
    emitNative(this, 'show', new DoubleEvent());
  }
  hide(): void {
    this.alive();
    record('BrowserWindow.hide', { window: this.id });
    this.visible = false;
  }
  focus(): void {
    this.alive();
    record('BrowserWindow.focus', { window: this.id });
    BrowserWindow.focused = this;
  }
  isVisible(): boolean {
    this.alive();
    return this.visible;
  }
  isMinimized(): boolean {
    this.alive();
    return false;
  }
  restore(): void {
    this.alive();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Closes as the user does: 'close' (preventable), then 'closed'. */
  close(): void {
    if (this.destroyed) return;
    const e = new DoubleEvent();
    emitNative(this, 'close', e);
    if (e.defaultPrevented) {
      app.closeCancelled();
      return;
    }
    this.destroy();
  }
  /** Gone without asking: 'closed', and the last one gone is the app's to hear of. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    windows.delete(this);
    record('BrowserWindow.closed', { window: this.id });
    this.webContents.destroy();
    emitNative(this, 'closed');
    if (windows.size === 0) app.allWindowsClosed();
  }
}

function windowOf(c: Command): BrowserWindow {
  const w = [...windows].find((x) => x.id === Number(c.window));
  if (!w) throw new Error(`no open window ${String(c.window)}`);
  return w;
}

onCommand('close-window', (c) => {
  windowOf(c).close();
  return true;
});

onCommand('navigate', (c) => {
  // The page asks to go to `url` (a link, a form, location = …): main may refuse.
  const w = windowOf(c);
  const url = String(c.url);
  const e = new DoubleEvent({ url, isSameDocument: false, isMainFrame: true });
  emitNative(w.webContents, 'will-navigate', e, url, false, true, 1, 1);
  return { prevented: e.defaultPrevented };
});

onCommand('window-open', (c) => {
  // The page calls window.open(url) or follows a target=_blank link.
  const w = windowOf(c);
  const url = String(c.url);
  const details: E.HandlerDetails = {
    url,
    frameName: '',
    features: '',
    disposition: 'foreground-tab',
    referrer: { url: w.webContents.getURL(), policy: 'strict-origin-when-cross-origin' },
  };
  return w.webContents.openHandler ? w.webContents.openHandler(details) : { action: 'allow' };
});

// ---------------------------------------------------------------------------------------------
// ipcMain

type InvokeHandler = (event: E.IpcMainInvokeEvent, ...args: unknown[]) => unknown;

class IpcMain extends EventEmitter implements Pick<E.IpcMain, 'handle' | 'handleOnce' | 'removeHandler'> {
  readonly handlers = new Map<string, InvokeHandler>();
  handle(channel: string, listener: InvokeHandler): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
    record('ipcMain.handle', { channel });
  }
  handleOnce(channel: string, listener: InvokeHandler): void {
    this.handle(channel, (e, ...args) => {
      this.removeHandler(channel);
      return listener(e, ...args);
    });
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

export const ipcMain = new IpcMain();

onCommand('ipc-invoke', async (c) => {
  // The page of window `c.window` calls ipcRenderer.invoke(channel, ...args); `c.url` is the URL
  // of the frame that sends it (by default, the page the window shows).
  const w = windowOf(c);
  const channel = String(c.channel);
  const handler = ipcMain.handlers.get(channel);
  if (!handler)
    throw new Error(`Error invoking remote method '${channel}': No handler registered for '${channel}'`);
  const url = typeof c.url === 'string' ? c.url : w.webContents.getURL();
  const event = {
    type: 'frame',
    processId: 1,
    frameId: 1,
    sender: w.webContents,
    senderFrame: { url, origin: url.startsWith('file:') ? 'file://' : new URL(url).origin },
  };
  const args = structuredClone((c.args as unknown[] | undefined) ?? []);
  try {
    // What the page gets back crosses by structured clone too.
    return structuredClone(await handler(event as unknown as E.IpcMainInvokeEvent, ...args));
  } catch (e) {
    throw new Error(`Error invoking remote method '${channel}': ${String(e)}`);
  }
});

// ---------------------------------------------------------------------------------------------
// Menu and Tray

type MenuItemType = NonNullable<E.MenuItemConstructorOptions['type']>;

export class MenuItem {
  label: string;
  type: MenuItemType;
  enabled: boolean;
  visible: boolean;
  checked: boolean;
  readonly click: (event?: unknown, focusedWindow?: BrowserWindow, focusedWebContents?: WebContents) => void;
  constructor(o: E.MenuItemConstructorOptions) {
    this.label = o.label ?? '';
    this.type = o.type ?? (o.submenu ? 'submenu' : 'normal');
    this.enabled = o.enabled ?? true;
    this.visible = o.visible ?? true;
    this.checked = o.checked ?? false;
    const onClick = o.click as ((item: MenuItem, win?: BrowserWindow, event?: unknown) => void) | undefined;
    this.click = (event, focusedWindow) => {
      // Electron flips a checkbox before the click handler runs.
      if (this.type === 'checkbox') this.checked = !this.checked;
      onClick?.(this, focusedWindow, event);
    };
  }
}

export class Menu {
  readonly items: MenuItem[];
  constructor(items: MenuItem[] = []) {
    this.items = items;
  }
  static buildFromTemplate(template: Array<E.MenuItemConstructorOptions | E.MenuItem>): Menu {
    if (!Array.isArray(template))
      throw new TypeError('Invalid template for Menu: Menu template must be an array');
    const valid = template.every(
      (i: unknown) =>
        i !== null &&
        typeof i === 'object' &&
        (Object.hasOwn(i, 'label') ||
          Object.hasOwn(i, 'role') ||
          (i as { type?: string }).type === 'separator'),
    );
    if (!valid)
      throw new TypeError('Invalid template for MenuItem: must have at least one of label, role or type');
    return new Menu(
      template.map((t) => (t instanceof MenuItem ? t : new MenuItem(t as E.MenuItemConstructorOptions))),
    );
  }
}

const menuItems = (m: Menu) =>
  m.items.map((i) => ({
    label: i.label,
    type: i.type,
    enabled: i.enabled,
    ...(i.type === 'checkbox' ? { checked: i.checked } : {}),
  }));

/** Tray icons, held as Electron holds them: weakly (an icon nobody keeps vanishes at the next GC). */
const trays: WeakRef<Tray>[] = [];
const imageOf = (image: E.NativeImage | string) => (typeof image === 'string' ? image : '[NativeImage]');

export class Tray
  extends EventEmitter
  implements
    Pick<E.Tray, 'setImage' | 'setToolTip' | 'setTitle' | 'setContextMenu' | 'destroy' | 'isDestroyed'>
{
  readonly id = trays.length;
  menu: Menu | null = null;
  private destroyed = false;
  constructor(image: E.NativeImage | string, guid?: string) {
    super();
    if (!app.isReady()) throw new Error('Cannot create Tray before app is ready');
    trays.push(new WeakRef(this));
    record('Tray.new', { tray: this.id, image: imageOf(image), guid });
  }
  private alive(): void {
    if (this.destroyed) throw new TypeError('Tray is destroyed');
  }
  setImage(image: E.NativeImage | string): void {
    this.alive();
    record('Tray.setImage', { tray: this.id, image: imageOf(image) });
  }
  setToolTip(toolTip: string): void {
    this.alive();
    record('Tray.setToolTip', { tray: this.id, toolTip });
  }
  setTitle(title: string, _o?: E.TitleOptions): void {
    this.alive();
    record('Tray.setTitle', { tray: this.id, title });
  }
  setContextMenu(menu: E.Menu | null): void {
    this.alive();
    const m = menu as unknown as Menu | null;
    this.menu = m;
    record('Tray.setContextMenu', { tray: this.id, items: m ? menuItems(m) : null });
  }
  destroy(): void {
    record('Tray.destroy', { tray: this.id });
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

onCommand('menu-click', (c) => {
  // The user opens the tray's menu and clicks the item labelled `c.label`.
  const last = trays.at(-1);
  const tray = last?.deref();
  if (last && !tray) throw new Error('the Tray object was garbage-collected: its icon is gone');
  if (!tray || tray.isDestroyed() || !tray.menu) throw new Error('no tray with a context menu');
  const item = tray.menu.items.find((i) => i.label === c.label && i.visible);
  if (!item)
    throw new Error(`no menu item ${String(c.label)} in ${tray.menu.items.map((i) => i.label).join(' | ')}`);
  if (!item.enabled || item.type === 'separator') throw new Error(`menu item ${item.label} is disabled`);
  record('Tray.menu.click', { tray: tray.id, label: item.label });
  try {
    item.click(new DoubleEvent(), BrowserWindow.getFocusedWindow() ?? undefined);
  } catch (e) {
    uncaught(e);
  }
  return true;
});

// ---------------------------------------------------------------------------------------------
// Notification

/** Shown notifications, held as Electron holds them: weakly. */
const notifications: WeakRef<Notification>[] = [];
const collected = new FinalizationRegistry<number>((id) =>
  record('Notification.collected', { notification: id }),
);

export class Notification
  extends EventEmitter
  implements Pick<E.Notification, 'show' | 'close' | 'title' | 'body' | 'silent' | 'urgency'>
{
  static isSupported(): boolean {
    return true;
  }
  readonly id = notifications.length;
  title: string;
  body: string;
  silent: boolean;
  urgency: 'normal' | 'critical' | 'low';
  shown = false;
  constructor(o: E.NotificationConstructorOptions = {}) {
    super();
    this.title = o.title ?? '';
    this.body = o.body ?? '';
    this.silent = o.silent ?? false;
    this.urgency = o.urgency ?? 'normal';
    notifications.push(new WeakRef(this));
    collected.register(this, this.id);
    record('Notification.new', { notification: this.id, options: { ...o, icon: o.icon && imageOf(o.icon) } });
  }
  show(): void {
    record('Notification.show', { notification: this.id });
    this.shown = true;
    setImmediate(() => emitNative(this, 'show', new DoubleEvent()));
  }
  close(): void {
    record('Notification.close', { notification: this.id });
    if (this.shown) emitNative(this, 'close', new DoubleEvent());
    this.shown = false;
  }
}

onCommand('gc', async () => {
  // Time passes and V8 collects what nothing holds (node runs with --expose-gc).
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the double needs node --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return notifications.map((n) => n.deref() !== undefined);
});

onCommand('notification-click', (c) => {
  // The user clicks the notification on the desktop. The OS tells Electron, which tells the JS
  // object — if that object still exists.
  const ref = notifications[Number(c.index)];
  if (!ref) throw new Error(`no notification ${String(c.index)}`);
  const n = ref.deref();
  if (!n) return { delivered: false, why: 'the Notification object was garbage-collected (electron#16922)' };
  if (!n.shown) throw new Error(`notification ${n.id} is not shown`);
  record('Notification.click', { notification: n.id });
  emitNative(n, 'click', new DoubleEvent());
  return { delivered: true };
});

// ---------------------------------------------------------------------------------------------
// safeStorage, shell, dialog

const PREFIX = Buffer.from('v11');
const scramble = (b: Buffer) => Buffer.from(b.map((x, i) => x ^ ((0x5a + i) % 256)));

export const safeStorage = {
  /** Linux: only once the app is ready (the keyring is asked then). */
  isEncryptionAvailable(): boolean {
    return options.encryption !== false && (process.platform !== 'linux' || app.isReady());
  },
  encryptString(plainText: string): Buffer {
    if (!safeStorage.isEncryptionAvailable())
      throw new Error(
        'Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.',
      );
    record('safeStorage.encryptString');
    return Buffer.concat([PREFIX, scramble(Buffer.from(plainText, 'utf8'))]);
  },
  decryptString(encrypted: Buffer): string {
    if (!safeStorage.isEncryptionAvailable())
      throw new Error(
        'Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.',
      );
    if (!Buffer.isBuffer(encrypted) || !encrypted.subarray(0, 3).equals(PREFIX))
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return scramble(encrypted.subarray(3)).toString('utf8');
  },
  getSelectedStorageBackend(): ReturnType<E.SafeStorage['getSelectedStorageBackend']> {
    if (!app.isReady()) return 'unknown';
    return options.storageBackend ?? 'gnome_libsecret';
  },
} satisfies Pick<
  E.SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

export const shell = {
  async openExternal(url: string, o?: E.OpenExternalOptions): Promise<void> {
    record('shell.openExternal', { url, options: o });
  },
} satisfies Pick<E.Shell, 'openExternal'>;

export const dialog = {
  async showOpenDialog(
    a: E.BaseWindow | E.OpenDialogOptions,
    b?: E.OpenDialogOptions,
  ): Promise<E.OpenDialogReturnValue> {
    const win = (a as unknown) instanceof BrowserWindow ? (a as unknown as BrowserWindow) : undefined;
    const o = win ? b : (a as E.OpenDialogOptions);
    record('dialog.showOpenDialog', { window: win?.id ?? null, options: o });
    return options.openDialog ?? { canceled: true, filePaths: [] };
  },
} satisfies Pick<E.Dialog, 'showOpenDialog'>;
