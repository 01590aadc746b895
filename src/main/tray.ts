// The Electron adapters of the tray app: Tray + Menu, and native notifications. Electron's classes
// are passed in (index.ts gives the real ones); what they show comes from tray-model.ts and
// app-state.ts. The menu template is a plain function, tested without Electron.

import type { Menu, MenuItemConstructorOptions, Notification, Tray } from 'electron';
import { join } from 'node:path';
import type { NotificationView } from './app-state.js';
import type { MenuEntry, TrayAction, TrayView } from './tray-model.js';

/** Electron's menu template for the tray's entries: a click dispatches the entry's action. */
export function menuTemplate(
  entries: readonly MenuEntry[],
  dispatch: (a: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return entries.map((e): MenuItemConstructorOptions => {
    if (e.kind === 'separator') return { type: 'separator' };
    const action = e.action;
    return {
      label: e.label,
      enabled: e.enabled,
      ...(e.checked !== undefined ? { type: 'checkbox' as const, checked: e.checked } : {}),
      ...(action ? { click: () => dispatch(action) } : {}),
    };
  });
}

export interface TrayDeps {
  Tray: typeof Tray;
  Menu: typeof Menu;
  iconDir: string;
  platform: NodeJS.Platform;
}

/** The tray icon: created once, updated with each view (only what changed is set again). */
export class TrayAdapter {
  private readonly tray: Tray;
  private last?: TrayView;
  constructor(
    private readonly d: TrayDeps,
    first: TrayView,
    private readonly dispatch: (a: TrayAction) => void,
  ) {
    this.tray = new d.Tray(join(d.iconDir, first.icon));
    this.update(first);
  }
  update(v: TrayView): void {
    const was = this.last;
    this.last = v;
    if (was?.icon !== v.icon) this.tray.setImage(join(this.d.iconDir, v.icon));
    if (was?.tooltip !== v.tooltip) this.tray.setToolTip(v.tooltip);
    if (this.d.platform === 'darwin' && was?.title !== v.title) this.tray.setTitle(v.title);
    // Linux shows the menu only when one is attached (no click event there): always attach it.
    if (JSON.stringify(was?.menu) !== JSON.stringify(v.menu))
      this.tray.setContextMenu(this.d.Menu.buildFromTemplate(menuTemplate(v.menu, this.dispatch)));
  }
  destroy(): void {
    this.tray.destroy();
  }
}

/**
 * Notifications shown and not yet clicked or dismissed. Electron holds a main-process Notification
 * only weakly: one nothing references is garbage-collected, and a click on it later reaches no
 * listener (electron#16922) — the notification would open nothing. Held until its click, close or
 * failure; bounded, should a desktop never report a close.
 */
const held = new Set<Notification>();
export const MAX_HELD_NOTIFICATIONS = 50;

/** How many shown notifications are held (for tests). */
export function heldNotifications(): number {
  return held.size;
}

function hold(n: Notification): void {
  held.add(n);
  if (held.size > MAX_HELD_NOTIFICATIONS) held.delete(held.values().next().value as Notification);
  const release = () => void held.delete(n);
  n.once('click', release);
  n.once('close', release);
  n.once('failed', release);
}

/** Shows one alert natively; a click calls `onClick` (the timeline at the finding). */
export function showNotification(
  N: typeof Notification,
  v: NotificationView,
  icon: string | undefined,
  onClick: () => void,
): Notification | undefined {
  if (!N.isSupported()) return undefined;
  const n = new N({
    title: v.title,
    body: v.body,
    silent: v.silent,
    urgency: v.urgency,
    ...(icon ? { icon } : {}),
  });
  n.on('click', onClick);
  hold(n);
  n.show();
  return n;
}
