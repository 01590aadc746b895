// Desktop notifications through node-notifier (notify-send on Linux, Notification Center on
// macOS, toasts on Windows). Failures are reported once, in one line, and never stop the watcher.

import { spawn, type ChildProcess } from 'node:child_process';
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

export interface NotifyOptions {
  /** Where a click on the notification leads (the timeline at the finding), if anywhere. */
  link?: string;
  /** Opens `link` (Linux: called when the notification's default action is invoked). */
  open?: (link: string) => void;
}

/**
 * Shows one alert as a native notification; resolves with an error line when it could not. With a
 * link, a click opens it: on Linux through the notification's default action (notify-send's
 * `--action`, libnotify 0.7.10 and later, with a daemon that supports actions, as GNOME, KDE and
 * dunst do), on macOS through terminal-notifier's `-open`. Windows toasts show it without a click
 * action.
 */
export async function notifyDesktop(alert: Alert, o: NotifyOptions = {}): Promise<string | undefined> {
  if (o.link && o.open && process.platform === 'linux') {
    const r = await notifyWithAction(alert, o.link, o.open);
    if (r !== 'unsupported') return r;
  }
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
    if (o.link && process.platform === 'darwin') options.open = o.link;
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

/** notify-send processes waiting for a click (each exits when its notification is closed). */
const waiting = new Set<ChildProcess>();
/** At most this many wait at once: the oldest is let go past it (its notification stays shown). */
const MAX_WAITING = 16;
/** A notify-send that has not failed within this long has shown its notification. */
const SHOWN_MS = 1500;

/**
 * notify-send with a default action: it prints the action's name when the user clicks the
 * notification (or a daemon invokes it: `dunstctl action`), then exits. `unsupported` when this
 * notify-send has no `--action` (older libnotify): the caller shows it without one.
 */
function notifyWithAction(
  alert: Alert,
  link: string,
  open: (link: string) => void,
): Promise<string | undefined | 'unsupported'> {
  const icon = iconPath();
  const args = [
    '--app-name=deadair',
    `--urgency=${alert.finding.severity === 'critical' ? 'critical' : 'normal'}`,
    ...(icon ? [`--icon=${icon}`] : []),
    '--action=default=Open the timeline',
    '--',
    alert.title,
    alert.body,
  ];
  return new Promise((resolve) => {
    let settled = false;
    const settle = (v: string | undefined | 'unsupported') => {
      if (!settled) resolve(v);
      settled = true;
    };
    let child: ChildProcess;
    try {
      child = spawn('notify-send', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      settle(notifyFailure(e));
      return;
    }
    waiting.add(child);
    if (waiting.size > MAX_WAITING) {
      const oldest = waiting.values().next().value;
      oldest?.kill();
      if (oldest) waiting.delete(oldest);
    }
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const shown = setTimeout(() => settle(undefined), SHOWN_MS);
    child.on('error', (e) => {
      clearTimeout(shown);
      waiting.delete(child);
      settle(notifyFailure(Object.assign(e, { cmd: 'notify-send' })));
    });
    child.on('close', (code, signal) => {
      clearTimeout(shown);
      waiting.delete(child);
      if (out.split('\n').some((l) => l.trim() === 'default')) open(link);
      if (code === 0 || signal === 'SIGTERM') return settle(undefined);
      if (/unknown option|--action/i.test(err)) return settle('unsupported');
      settle(notifyFailure({ cmd: 'notify-send', code, signal }));
    });
  });
}

/** Lets go of the notifications still waiting for a click (at exit: they stay shown, inert). */
export function releaseNotifications(): void {
  for (const c of waiting) c.kill();
  waiting.clear();
}
