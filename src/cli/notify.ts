// Desktop notifications through node-notifier (notify-send on Linux, Notification Center on
// macOS, toasts on Windows). Failures are reported once, in one line, and never stop the watcher.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type notifierModule from 'node-notifier';
import type { Alert } from '../core/alerts.js';

type Notifier = typeof notifierModule;
let loading: Promise<Notifier> | undefined;
/** node-notifier, loaded the first time an alert is shown: `analyze` never pays for it. */
function notifier(): Promise<Notifier> {
  loading ??= import('node-notifier').then((m) => (m as { default?: Notifier }).default ?? (m as Notifier));
  return loading;
}

/** Loads node-notifier ahead of the first alert (a watcher that will notify calls this at start). */
export function prepareNotifier(): void {
  notifier().catch(() => undefined);
}

export function iconPath(): string | undefined {
  for (const base of ['../', '../../']) {
    const p = fileURLToPath(new URL(`${base}resources/icons/deadair.png`, import.meta.url));
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Shows one alert as a native notification; resolves with an error line when it could not. */
export async function notifyDesktop(alert: Alert): Promise<string | undefined> {
  let n: Notifier;
  try {
    n = await notifier();
  } catch (e) {
    return notifyFailure(e);
  }
  return new Promise((resolve) => {
    const icon = iconPath();
    const options: notifierModule.Notification & Record<string, unknown> = {
      title: alert.title,
      message: alert.body,
      'app-name': 'deadair',
      appID: 'deadair',
      urgency: alert.finding.severity === 'critical' ? 'critical' : 'normal',
      wait: false,
    };
    if (icon) options.icon = icon;
    try {
      n.notify(options, (err: Error | null) => {
        resolve(err ? notifyFailure(err) : undefined);
      });
    } catch (e) {
      resolve(notifyFailure(e));
    }
  });
}

/**
 * One line, the same for every alert (so it is reported once): which notifier failed and how —
 * never the command line, which carries the alert's text.
 */
export function notifyFailure(e: unknown): string {
  const err = e as { message?: unknown; cmd?: unknown; code?: unknown; signal?: unknown };
  const cmd =
    typeof err.cmd === 'string' ? /^\S+/.exec(err.cmd)?.[0]?.replace(/^["']|["']$/g, '') : undefined;
  if (cmd) {
    const how =
      typeof err.code === 'number'
        ? `exited with status ${err.code}`
        : typeof err.signal === 'string'
          ? `was killed by ${err.signal}`
          : 'could not run';
    return `desktop notification failed: ${cmd} ${how} (is a notification service running in this session? --no-notify to silence this)`;
  }
  const first = String(err.message ?? e).split('\n')[0] ?? '';
  return `desktop notification failed: ${first.replace(/^Command failed: (\S+).*$/, '$1 failed').slice(0, 200)}`;
}
