// The timeline window: one, opened (or focused) at a route, guarded as security.ts decides.
// Electron's BrowserWindow and shell are passed in.
import type { BrowserWindow, Shell } from 'electron';
import { join } from 'node:path';
import { timelineHash, type TimelineRoute } from '../shared/links.js';
import { shouldBlockNavigation, windowOpenDecision, windowOptions } from './security.js';

export interface TimelineWindowDeps {
  BrowserWindow: typeof BrowserWindow;
  shell: Pick<Shell, 'openExternal'>;
  /** The built app's folder of main (its preload and renderer are beside it). */
  dir: string;
  /** The renderer's dev server, in development. */
  devServer?: string;
}

export class TimelineWindow {
  private win: BrowserWindow | undefined;
  constructor(private readonly d: TimelineWindowDeps) {}

  /** Opens the window at `route`, or takes the open one there and brings it forward. */
  show(route: TimelineRoute): void {
    const existing = this.win && !this.win.isDestroyed() ? this.win : undefined;
    const win = existing ?? this.create();
    const hash = timelineHash(route).slice(1);
    if (this.d.devServer) void win.loadURL(`${this.d.devServer}#${hash}`);
    else void win.loadFile(join(this.d.dir, '../renderer/index.html'), { hash });
    if (!existing) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  private create(): BrowserWindow {
    const win = new this.d.BrowserWindow(
      windowOptions({ preload: join(this.d.dir, '../preload/index.cjs') }),
    );
    this.win = win;
    win.once('ready-to-show', () => win.show());
    win.webContents.on('will-navigate', (e, url) => {
      if (shouldBlockNavigation(url, this.d.devServer)) e.preventDefault();
    });
    win.webContents.setWindowOpenHandler(({ url }) =>
      windowOpenDecision(url, (u) => void this.d.shell.openExternal(u)),
    );
    win.on('closed', () => {
      if (this.win === win) this.win = undefined;
    });
    return win;
  }
}
