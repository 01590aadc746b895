// The timeline's contract over HTTP and server-sent events (`deadair watch --ui`): the key the
// page was opened with goes with every request.
import type {
  DeadairApi,
  Requests,
  RequestChannel,
  Subscriptions,
  SubscriptionChannel,
} from '../shared/api.js';

/**
 * The tray app's own channels, which the page `deadair watch --ui` serves is never answered
 * (src/core/api.ts refuses them): refused here, without a request the browser would log as a
 * failed one on every page load (the page asks for the settings to learn whether to link them).
 */
export const TRAY_ONLY: readonly RequestChannel[] = [
  'settings.get',
  'settings.set',
  'settings.pick',
  'demo.start',
];

export function httpApi(key: string, base = ''): DeadairApi {
  const request = async <C extends RequestChannel>(
    channel: C,
    params: Requests[C]['params'],
  ): Promise<Requests[C]['result']> => {
    if (TRAY_ONLY.includes(channel))
      throw new Error('settings are changed in the tray app, or in the settings file');
    const res = await fetch(`${base}/api/call?k=${encodeURIComponent(key)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel, params }),
    });
    // A refusal (a wrong key, a foreign host) is plain text; an answer or an ApiError is JSON.
    const text = await res.text();
    let body: { result?: Requests[C]['result']; error?: string } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    if (!body) throw new Error(`HTTP ${res.status}: ${text.trim().slice(0, 200)}`);
    if (!res.ok || body.error !== undefined) throw new Error(body.error ?? `HTTP ${res.status}`);
    return body.result as Requests[C]['result'];
  };
  // Whether every stream is open: an EventSource that loses its server says so (onerror) and
  // reconnects by itself (after a watcher restart too), then says so again (onopen).
  const streams = new Set<EventSource>();
  const watchers = new Set<(up: boolean) => void>();
  let up = true;
  const update = () => {
    const now = [...streams].every((s) => s.readyState === EventSource.OPEN);
    if (now === up) return;
    up = now;
    for (const fn of watchers) fn(up);
  };
  return {
    version: () => request('version', {}),
    request,
    subscribe<C extends SubscriptionChannel>(channel: C, fn: (value: Subscriptions[C]) => void) {
      const es = new EventSource(`${base}/api/subscribe?k=${encodeURIComponent(key)}&channel=${channel}`);
      streams.add(es);
      es.onmessage = (m: MessageEvent<string>) => fn(JSON.parse(m.data) as Subscriptions[C]);
      es.onopen = update;
      es.onerror = update;
      return () => {
        es.close();
        streams.delete(es);
        update();
      };
    },
    connection(fn) {
      watchers.add(fn);
      fn(up);
      return () => void watchers.delete(fn);
    },
  };
}
