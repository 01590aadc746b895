// Whether this Linux desktop will show a tray icon. Electron's tray on Linux is a
// StatusNotifierItem: it appears where a host (the D-Bus name org.kde.StatusNotifierWatcher) runs —
// KDE, Xfce, Cinnamon, Ubuntu's GNOME — and, without one, in an old-style (XEmbed) tray if there is
// one. Plain GNOME Shell has neither unless the AppIndicator extension is installed: the icon is
// made and nobody sees it.

import { execFile } from 'node:child_process';

export const STATUS_NOTIFIER_WATCHER = 'org.kde.StatusNotifierWatcher';

/**
 * Does a process own `name` on the session bus? undefined when that cannot be known (no session
 * bus, no dbus-send): then nothing should be assumed.
 */
export function sessionBusHas(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 2000,
): Promise<boolean | undefined> {
  if (!env.DBUS_SESSION_BUS_ADDRESS) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile(
      'dbus-send',
      [
        '--session',
        '--print-reply=literal',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        `string:${name}`,
      ],
      { env, timeout: timeoutMs },
      (err, stdout) => {
        if (err) return resolve(undefined);
        const m = /boolean\s+(true|false)/.exec(stdout);
        resolve(m ? m[1] === 'true' : undefined);
      },
    );
  });
}

/**
 * Should the tray app keep a window open because its icon may not be seen? Only on Linux, and only
 * when the session bus says no tray host runs (an unknown answer is no reason).
 */
export function needsWindowForTray(platform: NodeJS.Platform, hostRuns: boolean | undefined): boolean {
  return platform === 'linux' && hostRuns === false;
}

/** Would a tray icon go unseen on this desktop (see needsWindowForTray)? Asks the session bus on Linux only. */
export async function trayMayBeHidden(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (platform !== 'linux') return false;
  return needsWindowForTray(platform, await sessionBusHas(STATUS_NOTIFIER_WATCHER, env));
}
