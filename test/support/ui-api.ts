// A real session store behind the timeline's contract, in memory, for the page's component tests
// and the screenshot script: log lines are written to a real file (so evidence is read back from
// it, as in `watch`) and folded by the real pipeline; room events are folded as the observer's.
// Answers cross as JSON, as they do over HTTP and IPC.

import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answer } from '../../src/core/api.js';
import { Pipeline } from '../../src/core/pipeline.js';
import { SessionStore } from '../../src/core/store.js';
import type { TrackerOptions } from '../../src/core/detectors/context.js';
import type {
  DeadairApi,
  RequestChannel,
  Requests,
  SubscriptionChannel,
  Subscriptions,
} from '../../src/shared/api.js';
import type { EditorId } from '../../src/shared/editor.js';
import type { AgentEvent } from '../../src/shared/events.js';

export interface StoreApi {
  api: DeadairApi;
  store: SessionStore;
  pipeline: Pipeline;
  /** The log file the lines go to. */
  file: string;
  /** Append lines to the log and fold them. */
  lines(texts: readonly string[]): void;
  /** Fold a room event. */
  room(ev: AgentEvent): void;
  /** Time passes for the detectors. */
  tick(now: number): void;
  /** Say the subscriptions went down (false) or came back (true). */
  setConnected(up: boolean): void;
  /** An alert, as the watcher's policy raises it. */
  alert(a: Subscriptions['alerts']): void;
  /** Requests answered so far, by channel. */
  calls: RequestChannel[];
}

export function storeApi(
  o: { tracker?: TrackerOptions; now?: () => number; version?: string; editor?: EditorId } = {},
): StoreApi {
  const dir = mkdtempSync(join(tmpdir(), 'deadair-ui-'));
  const file = join(dir, 'agent.log');
  let offset = 0;
  let line = 0;
  const store: SessionStore = new SessionStore(() => pipeline.tracker, { now: o.now ?? Date.now });
  const pipeline: Pipeline = new Pipeline({
    tracker: o.tracker ?? {},
    baseTime: () => Date.UTC(2026, 11, 4),
    onFolded: (ev, s) => store.addEvent(ev, s),
    onFinding: (f, how) => void store.addFinding(f, how),
  });
  const alerts = new Set<(a: Subscriptions['alerts']) => void>();
  const connection = new Set<(up: boolean) => void>();
  let up = true;
  const calls: RequestChannel[] = [];
  const api: DeadairApi = {
    version: () => Promise.resolve(o.version ?? '0.0.0-test'),
    request<C extends RequestChannel>(channel: C, params: Requests[C]['params']) {
      calls.push(channel);
      try {
        const r = answer(store, o.version ?? '0.0.0-test', channel, params, { editor: o.editor });
        return Promise.resolve(JSON.parse(JSON.stringify(r) ?? 'null') as Requests[C]['result']);
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
    subscribe<C extends SubscriptionChannel>(channel: C, fn: (v: Subscriptions[C]) => void) {
      if (channel === 'store.changes')
        return store.subscribe((c) => fn(JSON.parse(JSON.stringify(c)) as Subscriptions[C]));
      const f = fn as (a: Subscriptions['alerts']) => void;
      alerts.add(f);
      return () => void alerts.delete(f);
    },
    connection(fn) {
      connection.add(fn);
      fn(up);
      return () => void connection.delete(fn);
    },
  };
  return {
    api,
    store,
    pipeline,
    file,
    calls,
    lines(texts) {
      const raw = texts.map((text) => {
        const r = { file, line: ++line, offset, text };
        offset += Buffer.byteLength(text) + 1;
        return r;
      });
      appendFileSync(file, texts.map((t) => t + '\n').join(''));
      pipeline.push(raw);
      pipeline.drained(file);
    },
    room(ev) {
      pipeline.ingest(ev);
    },
    tick(now) {
      pipeline.tick(now);
    },
    alert(a) {
      for (const fn of alerts) fn(a);
    },
    setConnected(v) {
      up = v;
      for (const fn of connection) fn(v);
    },
  };
}
