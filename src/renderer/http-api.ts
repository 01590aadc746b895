// The timeline's contract over HTTP and server-sent events (`deadair watch --ui`): the key the
// page was opened with goes with every request.
import type {
  DeadairApi,
  Requests,
  RequestChannel,
  Subscriptions,
  SubscriptionChannel,
} from '../shared/api.js';

export function httpApi(key: string, base = ''): DeadairApi {
  const request = async <C extends RequestChannel>(
    channel: C,
    params: Requests[C]['params'],
  ): Promise<Requests[C]['result']> => {
    const res = await fetch(`${base}/api/call?k=${encodeURIComponent(key)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel, params }),
    });
    const body = (await res.json()) as { result?: Requests[C]['result']; error?: string };
    if (!res.ok || body.error !== undefined) throw new Error(body.error ?? `HTTP ${res.status}`);
    return body.result as Requests[C]['result'];
  };
  return {
    version: () => request('version', {}),
    request,
    subscribe<C extends SubscriptionChannel>(channel: C, fn: (value: Subscriptions[C]) => void) {
      // EventSource reconnects by itself (after a watcher restart too).
      const es = new EventSource(`${base}/api/subscribe?k=${encodeURIComponent(key)}&channel=${channel}`);
      es.onmessage = (m: MessageEvent<string>) => fn(JSON.parse(m.data) as Subscriptions[C]);
      return () => es.close();
    },
  };
}
