// The tray app's own state (alerts paused or snoozed, what the user has seen, start at login) and
// what each tray action does to it, as a plain reducer; and what an alert turns into — a silent
// native notification and deadair's own spoken clip — given that state. `index.ts` applies the
// effects with Electron; nothing here imports it.

import type { Alert } from '../core/alerts.js';
import type { AlertClip } from '../core/causes.js';
import type { CauseId } from '../shared/types.js';
import type { TimelineRoute } from '../shared/links.js';
import { isQuiet, type TrayAction, type TrayChoices } from './tray-model.js';

export interface AppState extends TrayChoices {
  /** Notifications and spoken clips, as the settings say. */
  notify: boolean;
  sound: boolean;
  /** Causes whose spoken clip is off (the settings' `alerts.spoken`). */
  spoken?: Partial<Record<CauseId, boolean>>;
}

/** What a tray action asks of the world outside the state. */
export type Effect = Exclude<TrayAction, { type: 'pause' | 'resume' | 'snooze' | 'seen' }>;

/** A tray action: the next state, and what to do outside it. */
export function reduce(s: AppState, a: TrayAction, now: number): { state: AppState; effect?: Effect } {
  switch (a.type) {
    case 'pause':
      return { state: { ...s, paused: true } };
    case 'resume':
      return { state: { ...s, paused: false, snoozedUntil: undefined } };
    case 'snooze':
      return { state: { ...s, paused: false, snoozedUntil: now + a.ms } };
    case 'seen':
      return { state: { ...s, seenBefore: now } };
    case 'login':
      return { state: { ...s, openAtLogin: a.on }, effect: a };
    case 'open':
      return { state: s, effect: a };
    case 'settings':
    case 'demo':
    case 'quit':
      return { state: s, effect: a };
  }
}

export interface NotificationView {
  title: string;
  body: string;
  /** deadair plays its own clip: the system's sound would talk over it. */
  silent: true;
  urgency: 'critical' | 'normal';
  /** Where a click leads: the timeline at the finding. */
  route: TimelineRoute;
}

/** What an alert turns into now: a notification, a clip, both or neither (paused, snoozed, off). */
export function alertOutcome(
  alert: Alert,
  s: AppState,
  now: number,
): { notification?: NotificationView; clip?: AlertClip } {
  if (isQuiet({ paused: s.paused, snoozedUntil: s.snoozedUntil, now })) return {};
  const out: { notification?: NotificationView; clip?: AlertClip } = {};
  if (s.notify)
    out.notification = {
      title: alert.title,
      body: alert.body,
      silent: true,
      urgency: alert.finding.severity === 'critical' ? 'critical' : 'normal',
      route: { view: 'session', session: alert.finding.session, finding: alert.finding.id },
    };
  if (s.sound && s.spoken?.[alert.finding.cause] !== false) out.clip = alert.clip;
  return out;
}
