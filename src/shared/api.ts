// The contract between the timeline UI and whatever serves it: one typed map of request channels
// and one of subscription channels, used by both transports — HTTP + server-sent events from
// `deadair watch --ui`, Electron IPC in the tray app (GitHub Desktop's ipc-shared.ts is the model).
// The preload exposes exactly `DeadairApi` as `window.deadair`; nothing generic crosses.

import type { FindingVersion, StoreChange, StoredEvent, StoredTurn } from './store.js';
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

/** Request channels: what each takes and answers. */
export interface Requests {
  version: { params: Record<string, never>; result: string };
  'sessions.list': { params: SessionsQuery; result: readonly SessionSummary[] };
  'session.get': { params: { id: string }; result: SessionSummary | null };
  'session.events': { params: EventsQuery; result: { events: readonly StoredEvent[]; next?: string } };
  'session.turns': { params: { id: string }; result: readonly StoredTurn[] };
  'event.evidence': { params: { session: string; event: string }; result: string | null };
  'finding.versions': { params: { session: string; finding: string }; result: readonly FindingVersion[] };
}

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
