// Desktop notifications through node-notifier (notify-send on Linux, Notification Center on
// macOS, toasts on Windows). Failures are reported once, in one line, and never stop the watcher.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import notifier from 'node-notifier';
import type { Alert } from '../core/alerts.js';

export function iconPath(): string | undefined {
  for (const base of ['../', '../../']) {
    const p = fileURLToPath(new URL(`${base}resources/icons/deadair.png`, import.meta.url));
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Shows one alert as a native notification; resolves with an error line when it could not. */
export function notifyDesktop(alert: Alert): Promise<string | undefined> {
  return new Promise((resolve) => {
    const icon = iconPath();
    const options: notifier.Notification & Record<string, unknown> = {
      title: alert.title,
      message: alert.body,
      'app-name': 'deadair',
      appID: 'deadair',
      urgency: alert.finding.severity === 'critical' ? 'critical' : 'normal',
      wait: false,
    };
    if (icon) options.icon = icon;
    try {
      notifier.notify(options, (err: Error | null) => {
        resolve(err ? `desktop notification failed: ${err.message.split('\n')[0] ?? ''}` : undefined);
      });
    } catch (e) {
      resolve(`desktop notification failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}
