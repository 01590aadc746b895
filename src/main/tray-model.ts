// What the tray shows, as plain functions of plain data (GitHub Desktop and Gitify keep their menus
// this way): the state and its icon, the tooltip and macOS title, and the context menu as a list
// of entries with actions. `tray.ts` turns them into Electron's Tray and Menu; nothing here
// imports Electron, so every decision is unit-tested.

import type { TimelineRoute } from '../shared/links.js';
import type { SessionSummary, Verdict } from '../shared/types.js';

export type TrayState = 'idle' | 'warning' | 'failed' | 'paused' | 'offline';

/** What the user chose, as the tray shows it (kept across restarts by app-state.ts). */
export interface TrayChoices {
  /** Alerts paused until resumed. */
  paused: boolean;
  /** Alerts snoozed until this time (ms), if snoozed. */
  snoozedUntil?: number;
  /** Sessions that ended before this time (ms) no longer need attention: the user saw them. */
  seenBefore: number;
  /** Whether deadair starts at login. */
  openAtLogin: boolean;
}

export interface TrayInput extends TrayChoices {
  /** The store's sessions (those needing attention first). */
  sessions: readonly SessionSummary[];
  /** Why the rooms cannot be observed (LiveKit unreachable, bad key), when they cannot. */
  offline?: string;
  /** Nothing is watched yet (no settings): the menu offers settings and the demo first. */
  unconfigured: boolean;
  /** Logs that cannot be read, one line each (source-status.ts). */
  problems?: readonly string[];
  /** The watcher's latest notices, one line each. */
  notes?: readonly string[];
  now: number;
}

export type TrayAction =
  | { type: 'open'; route: TimelineRoute }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'snooze'; ms: number }
  | { type: 'seen' }
  | { type: 'settings' }
  | { type: 'demo' }
  | { type: 'login'; on: boolean }
  | { type: 'quit' };

export type MenuEntry =
  | { kind: 'separator' }
  | { kind: 'item'; label: string; action?: TrayAction; enabled: boolean; checked?: boolean };

export interface TrayView {
  state: TrayState;
  /** `resources/icons/` file for the state (Electron picks the @2x beside it). */
  icon: string;
  tooltip: string;
  /** Beside the icon in the macOS menu bar: the count needing attention, or nothing. */
  title: string;
  attention: readonly SessionSummary[];
  menu: readonly MenuEntry[];
}

export const SNOOZE_MS = 60 * 60 * 1000;
/** Sessions listed in the menu at most (the rest are one "and N more" entry to the timeline). */
export const MENU_SESSIONS = 8;
/** Logs it cannot read, listed at most. */
export const MENU_PROBLEMS = 4;

const NEEDS: Partial<Record<Verdict, number>> = { failed: 0, silent: 1, degraded: 2 };

/** Sessions needing attention: failed, silent or degraded, still live or ended since last seen. */
export function needingAttention(sessions: readonly SessionSummary[], seenBefore: number): SessionSummary[] {
  return sessions
    .filter((s) => NEEDS[s.verdict] !== undefined && (s.live || !(s.end < seenBefore)))
    .sort((a, b) => (NEEDS[a.verdict] ?? 9) - (NEEDS[b.verdict] ?? 9) || (b.end || 0) - (a.end || 0));
}

export function isQuiet(i: Pick<TrayInput, 'paused' | 'snoozedUntil' | 'now'>): boolean {
  return i.paused || (i.snoozedUntil !== undefined && i.snoozedUntil > i.now);
}

export function trayState(i: TrayInput, attention: readonly SessionSummary[]): TrayState {
  if (isQuiet(i)) return 'paused';
  if (i.offline !== undefined) return 'offline';
  if (attention.some((s) => s.verdict === 'failed' || s.verdict === 'silent')) return 'failed';
  // A log it cannot read leaves it blind to that agent: not "all healthy".
  if (attention.length > 0 || (i.problems?.length ?? 0) > 0) return 'warning';
  return 'idle';
}

/** The icon file of a state: macOS menu bars take black template images that follow the theme. */
export function trayIcon(state: TrayState, platform: NodeJS.Platform): string {
  return `tray-${state}${platform === 'darwin' ? 'Template' : ''}.png`;
}

function clock(t: number): string {
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Menu labels come from logs and rooms: one line, no accelerator markers, bounded. */
export function menuText(s: string, max = 60): string {
  // `&` marks an accelerator in a Windows menu label: doubled, it is shown as itself.
  const one = s
    .replace(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = one.length > max ? one.slice(0, max - 1) + '…' : one;
  return cut.replace(/&/g, '&&');
}

/** One session in the menu: its cause in words, where, and when. */
export function sessionLabel(s: SessionSummary): string {
  const cause = s.causes[0]?.title ?? s.verdict;
  const where = s.room ?? s.job ?? s.id;
  const when = clock(s.end || s.start);
  return menuText(`${cause} — ${where}${when ? ` · ${when}` : ''}`, 70);
}

function tooltipOf(state: TrayState, i: TrayInput, attention: readonly SessionSummary[]): string {
  const live = i.sessions.filter((s) => s.live).length;
  const head =
    state === 'paused'
      ? i.paused
        ? 'deadair — alerts paused'
        : `deadair — alerts snoozed until ${clock(i.snoozedUntil ?? i.now)}`
      : state === 'offline'
        ? `deadair — rooms offline: ${menuText(i.offline ?? '', 80)}`
        : i.unconfigured
          ? 'deadair — nothing watched yet: open Settings'
          : 'deadair — watching';
  const parts = [head];
  const unread = i.problems?.length ?? 0;
  if (attention.length > 0)
    parts.push(`${attention.length} need${attention.length === 1 ? 's' : ''} attention`);
  else if (!i.unconfigured && unread === 0) parts.push('all agents healthy');
  if (unread > 0) parts.push(`${unread} log${unread === 1 ? '' : 's'} cannot be read`);
  if (live > 0) parts.push(`${live} live session${live === 1 ? '' : 's'}`);
  return parts.join('\n');
}

/**
 * Whether starting at login can be offered: Electron's login items exist on macOS and Windows
 * only — on Linux `app.setLoginItemSettings` does nothing and `getLoginItemSettings` always says
 * off, so a checkbox there would tick and change nothing.
 */
export function offersLoginItem(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

export function trayView(i: TrayInput, platform: NodeJS.Platform): TrayView {
  const attention = needingAttention(i.sessions, i.seenBefore);
  const state = trayState(i, attention);
  const menu: MenuEntry[] = [];
  const item = (label: string, action?: TrayAction, extra: { checked?: boolean; enabled?: boolean } = {}) =>
    menu.push({ kind: 'item', label, action, enabled: extra.enabled ?? action !== undefined, ...extra });
  const sep = () => menu.push({ kind: 'separator' });

  if (i.unconfigured) {
    item('Set up deadair…', { type: 'settings' });
    item('Try the demo (no agent needed)', { type: 'demo' });
    sep();
  }
  if (attention.length > 0) {
    item(
      `${attention.length} session${attention.length === 1 ? '' : 's'} need${attention.length === 1 ? 's' : ''} attention`,
    );
    for (const s of attention.slice(0, MENU_SESSIONS)) {
      const finding = s.causes[0];
      item(
        sessionLabel(s),
        finding
          ? { type: 'open', route: { view: 'session', session: s.id, finding: finding.id } }
          : { type: 'open', route: { view: 'session', session: s.id } },
      );
    }
    if (attention.length > MENU_SESSIONS)
      item(`and ${attention.length - MENU_SESSIONS} more…`, { type: 'open', route: { view: 'sessions' } });
    item('Mark all as seen', { type: 'seen' });
    sep();
  } else if (!i.unconfigured) {
    item(
      i.offline !== undefined
        ? `Rooms offline: ${menuText(i.offline, 50)}`
        : (i.problems?.length ?? 0) > 0
          ? 'Nothing needs attention in the logs it can read'
          : 'All agents healthy',
    );
    sep();
  }
  const problems = i.problems ?? [];
  if (problems.length > 0) {
    item(`Cannot read ${problems.length} log${problems.length === 1 ? '' : 's'}:`);
    for (const p of problems.slice(0, MENU_PROBLEMS)) item(menuText(p, 90));
    if (problems.length > MENU_PROBLEMS) item(`and ${problems.length - MENU_PROBLEMS} more`);
    sep();
  }
  if ((i.notes?.length ?? 0) > 0) {
    for (const n of i.notes ?? []) item(menuText(n, 90));
    sep();
  }
  item('Open timeline', { type: 'open', route: { view: 'sessions' } });
  sep();
  if (i.paused) item('Resume alerts', { type: 'resume' });
  else if (isQuiet(i)) {
    item(`Snoozed until ${clock(i.snoozedUntil ?? i.now)}`);
    item('Resume alerts', { type: 'resume' });
  } else {
    item('Pause alerts', { type: 'pause' });
    item('Snooze for 1 hour', { type: 'snooze', ms: SNOOZE_MS });
  }
  sep();
  item('Settings…', { type: 'settings' });
  if (offersLoginItem(platform))
    item('Start at login', { type: 'login', on: !i.openAtLogin }, { checked: i.openAtLogin });
  sep();
  item('Quit deadair', { type: 'quit' });

  return {
    state,
    icon: trayIcon(state, platform),
    tooltip: tooltipOf(state, i, attention),
    title:
      platform === 'darwin' && attention.length > 0 && state !== 'paused' ? String(attention.length) : '',
    attention,
    menu,
  };
}
