// The contract between the timeline UI and whatever serves it: one typed map of request channels
// and one of subscription channels, used by both transports — HTTP + server-sent events from
// `deadair watch --ui`, Electron IPC in the tray app (GitHub Desktop's ipc-shared.ts is the model).
// The preload exposes exactly `DeadairApi` as `window.deadair`; nothing generic crosses.

import type { Lane } from './lanes.js';
import type { FindingVersion, StoreChange, StoredEvent, StoredTurn } from './store.js';
import type { EditorId } from './editor.js';
import type { SettingsUpdate, SettingsView } from './settings.js';
import type { CauseId, SessionSummary, Verdict } from './types.js';

/** Which sessions to list (every field narrows it; none lists them all, attention first). */
export interface SessionsQuery {
  verdict?: Verdict;
  cause?: CauseId;
  room?: string;
  /** Matched against the id, room, job and the primary cause's title, case-insensitive. */
  search?: string;
}

export interface EventsQuery {
  session: string;
  from?: number;
  to?: number;
  /** The id of the last event of the previous page. */
  after?: string;
  limit?: number;
}

/** How many events fall in each slice of a time range, per lane: what the timeline draws zoomed out. */
export interface DensityQuery {
  session: string;
  from?: number;
  to?: number;
  /** Slices of the range (1 to 2 000). */
  buckets: number;
}

export interface Density {
  from: number;
  to: number;
  buckets: number;
  /** Events per slice, per lane (lanes with none are left out). */
  lanes: Partial<Record<Lane, number[]>>;
  /** Error events per slice. */
  errors: number[];
  /** Events in the range. */
  total: number;
}

/**
 * A session exported: `jsonl`, one event per line with its evidence text; `html`, one
 * self-contained report (no script, no network, every text escaped) to attach to a bug.
 */
export interface ExportQuery {
  id: string;
  format: 'jsonl' | 'html';
}

/** Request channels: what each takes and answers. */
export interface Requests {
  version: { params: Record<string, never>; result: string };
  'sessions.list': { params: SessionsQuery; result: readonly SessionSummary[] };
  'session.get': { params: { id: string }; result: SessionSummary | null };
  'session.events': { params: EventsQuery; result: { events: readonly StoredEvent[]; next?: string } };
  'session.turns': { params: { id: string }; result: readonly StoredTurn[] };
  'event.evidence': { params: { session: string; event: string }; result: string | null };
  'finding.versions': { params: { session: string; finding: string }; result: readonly FindingVersion[] };
  /** One event by its id (a deep link names an event, and the page needs its time). */
  'session.event': { params: { session: string; event: string }; result: StoredEvent | null };
  'session.density': { params: DensityQuery; result: Density };
  /** The file's text, or null for an unknown session. */
  'session.export': { params: ExportQuery; result: string | null };
  /** The editor a log line can be opened in (`open in editor`), if one is known. */
  editor: { params: Record<string, never>; result: EditorId | null };
  /** The tray app's settings window (answered by the tray only; the CLI's page has none). */
  'settings.get': { params: Record<string, never>; result: SettingsView };
  /** Saves the settings (validated by the one schema; an error names the key) and applies them. */
  'settings.set': { params: SettingsUpdate; result: SettingsView };
  /** The system's file or folder picker: what the user chose (nothing when cancelled). */
  'settings.pick': { params: { what: 'folder' | 'files' }; result: readonly string[] };
  /** Plays the bundled demo scenario, watched for real (the first run, with nothing to watch yet). */
  'demo.start': { params: Record<string, never>; result: boolean };
}

/** Channels only the tray app answers. */
export const TRAY_CHANNELS: readonly RequestChannel[] = [
  'editor',
  'settings.get',
  'settings.set',
  'settings.pick',
  'demo.start',
];

/** An alert as the UI hears of it. */
export interface AlertNotice {
  id: string;
  session: string;
  finding: string;
  title: string;
  body: string;
}

/** Subscription channels: what each delivers. */
export interface Subscriptions {
  /** Events folded and finding versions, as the store records them. */
  'store.changes': StoreChange;
  alerts: AlertNotice;
}

export type RequestChannel = keyof Requests;
export type SubscriptionChannel = keyof Subscriptions;

export const REQUEST_CHANNELS: readonly RequestChannel[] = [
  'version',
  'sessions.list',
  'session.get',
  'session.events',
  'session.turns',
  'event.evidence',
  'finding.versions',
  'session.event',
  'session.density',
  'session.export',
  'editor',
  'settings.get',
  'settings.set',
  'settings.pick',
  'demo.start',
];
export const SUBSCRIPTION_CHANNELS: readonly SubscriptionChannel[] = ['store.changes', 'alerts'];

/** What the UI calls: a request, or a subscription (which returns its unsubscribe). */
export interface DeadairApi {
  /** The app's version, e.g. "0.1.0". */
  version(): Promise<string>;
  request<C extends RequestChannel>(
    channel: C,
    params: Requests[C]['params'],
  ): Promise<Requests[C]['result']>;
  subscribe<C extends SubscriptionChannel>(channel: C, fn: (value: Subscriptions[C]) => void): () => void;
  /**
   * Whether the subscriptions are connected, now and whenever it changes (a transport that cannot
   * lose them, like IPC, may leave it out). Returns the unsubscribe.
   */
  connection?(fn: (up: boolean) => void): () => void;
}

/** IPC channel names, one place for both sides. */
export const IPC = {
  version: 'deadair:version',
  request: 'deadair:request',
  subscribe: 'deadair:subscribe',
  event: 'deadair:event',
} as const;

declare global {
  interface Window {
    deadair?: DeadairApi;
  }
}
