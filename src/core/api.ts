// The answers to the timeline's requests (src/shared/api.ts), from a watcher's session store: one
// function both transports call — HTTP in `deadair watch --ui`, IPC in the tray app. What comes in
// is untrusted (a page, a renderer): every parameter is checked here, and a wrong one is an ApiError
// that names it, never a crash.

import type { DensityQuery, EventsQuery, Requests, RequestChannel, SessionsQuery } from '../shared/api.js';
import { REQUEST_CHANNELS } from '../shared/api.js';
import type { EditorId } from '../shared/editor.js';
import type { SessionSummary } from '../shared/types.js';
import { CAUSE_IDS } from '../shared/types.js';
import { allEvents, density, exportJsonl, reportHtml } from './report.js';
import type { SessionStore } from './store.js';

export class ApiError extends Error {}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function str(p: Record<string, unknown>, key: string, optional = false): string | undefined {
  const v = p[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v.length > 1000) throw new ApiError(`${key} must be a string`);
  return v;
}

function num(p: Record<string, unknown>, key: string): number | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ApiError(`${key} must be a number`);
  return v;
}

export function isRequestChannel(c: unknown): c is RequestChannel {
  return typeof c === 'string' && (REQUEST_CHANNELS as readonly string[]).includes(c);
}

function matches(s: SessionSummary, q: SessionsQuery): boolean {
  if (q.verdict && s.verdict !== q.verdict) return false;
  if (q.cause && !s.causes.some((c) => c.cause === q.cause)) return false;
  if (q.room && s.room !== q.room) return false;
  if (q.search) {
    const needle = q.search.toLowerCase();
    const hay = [s.id, s.room ?? '', s.job ?? '', s.causes[0]?.title ?? ''].join('\n').toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
}

/** The answer to one request; ApiError when the channel or a parameter is wrong. */
export function answer<C extends RequestChannel>(
  store: SessionStore,
  version: string,
  channel: C,
  params: unknown,
  /** What the host knows of the desktop: the editor a log line opens in. */
  host: { editor?: EditorId } = {},
): Requests[C]['result'] {
  if (!isRequestChannel(channel)) throw new ApiError(`unknown channel ${String(channel).slice(0, 60)}`);
  const p = isObj(params) ? params : {};
  type R = Requests[C]['result'];
  switch (channel as RequestChannel) {
    case 'version':
      return version as R;
    case 'sessions.list': {
      const q: SessionsQuery = {};
      const verdict = str(p, 'verdict', true);
      if (verdict !== undefined) {
        if (!['failed', 'silent', 'degraded', 'healthy'].includes(verdict))
          throw new ApiError('verdict is not one');
        q.verdict = verdict as SessionsQuery['verdict'];
      }
      const cause = str(p, 'cause', true);
      if (cause !== undefined) {
        if (!(CAUSE_IDS as readonly string[]).includes(cause)) throw new ApiError('cause is not one');
        q.cause = cause as SessionsQuery['cause'];
      }
      const room = str(p, 'room', true);
      if (room !== undefined) q.room = room;
      const search = str(p, 'search', true);
      if (search !== undefined) q.search = search;
      return store.sessions().filter((s) => matches(s, q)) as R;
    }
    case 'session.get':
      return (store.session(str(p, 'id') as string) ?? null) as R;
    case 'session.events': {
      const q: Omit<EventsQuery, 'session'> = {};
      const from = num(p, 'from');
      const to = num(p, 'to');
      const limit = num(p, 'limit');
      const after = str(p, 'after', true);
      if (from !== undefined) q.from = from;
      if (to !== undefined) q.to = to;
      if (limit !== undefined) q.limit = limit;
      if (after !== undefined) q.after = after;
      return store.events(str(p, 'session') as string, q) as R;
    }
    case 'session.turns':
      return store.turns(str(p, 'id') as string) as R;
    case 'event.evidence':
      return (store.evidence(str(p, 'session') as string, str(p, 'event') as string) ?? null) as R;
    case 'finding.versions':
      return store.finding(str(p, 'session') as string, str(p, 'finding') as string) as R;
    case 'session.event': {
      const session = str(p, 'session') as string;
      const id = str(p, 'event') as string;
      for (const ev of allEvents(store, session)) if (ev.id === id) return ev as R;
      return null as R;
    }
    case 'session.density': {
      const session = str(p, 'session') as string;
      const buckets = num(p, 'buckets');
      if (buckets === undefined || buckets < 1 || buckets > 2000)
        throw new ApiError('buckets must be a number from 1 to 2000');
      const q: DensityQuery = { session, buckets };
      const from = num(p, 'from');
      const to = num(p, 'to');
      if (from !== undefined) q.from = from;
      if (to !== undefined) q.to = to;
      const summary = store.session(session);
      if (!summary) throw new ApiError('no such session');
      return density(store, q, summary) as R;
    }
    case 'session.export': {
      const id = str(p, 'id') as string;
      const format = str(p, 'format');
      if (format === 'jsonl') return exportJsonl(store, id) as R;
      if (format === 'html') return reportHtml(store, id, version) as R;
      throw new ApiError('format must be jsonl or html');
    }
    case 'editor':
      return (host.editor ?? null) as R;
    case 'settings.get':
    case 'settings.set':
    case 'settings.pick':
    case 'demo.start':
      // The tray app answers these itself; a page served by the CLI has no settings window.
      throw new ApiError('settings are changed in the tray app, or in the settings file');
  }
  throw new ApiError('unknown channel');
}
