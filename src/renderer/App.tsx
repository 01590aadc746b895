// The timeline window: the sessions (attention first, live) or one session, as the address's hash
// says (src/shared/links.ts), with the connection's state. It talks only to a DeadairApi — HTTP and
// server-sent events from `deadair watch --ui`, IPC in the tray app — and renders every text from
// outside as text.
import { useCallback, useEffect, useState } from 'react';
import type { DeadairApi } from '../shared/api.js';
import { parseTimelineHash, timelineHash, type TimelineRoute } from '../shared/links.js';
import type { SessionSummary } from '../shared/types.js';
import { SessionList } from './SessionList.js';
import { SessionView } from './SessionView.js';
import { Settings } from './Settings.js';
import { EditorContext } from './editor-context.js';
import type { EditorId } from '../shared/editor.js';

/** The session list is asked again at most this often while the store changes. */
export const LIST_REFRESH_MS = 500;

function useRoute(): [TimelineRoute, (r: TimelineRoute) => void] {
  const [route, setRoute] = useState(() => parseTimelineHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseTimelineHash(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const go = useCallback((r: TimelineRoute) => {
    location.hash = timelineHash(r);
    setRoute(r);
  }, []);
  return [route, go];
}

function useSessions(api: DeadairApi | undefined) {
  const [sessions, setSessions] = useState<readonly SessionSummary[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!api) return;
    let live = true;
    // A store of thousands of sessions answers in megabytes: asked again at most every
    // LIST_REFRESH_MS or ten times what the last answer took.
    let cost = 0;
    const load = () => {
      const began = performance.now();
      return api.request('sessions.list', {}).then(
        (s) => {
          cost = performance.now() - began;
          if (!live) return;
          setSessions(s);
          setError(undefined);
        },
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      );
    };
    void load();
    let pending: ReturnType<typeof setTimeout> | undefined;
    const off = api.subscribe('store.changes', () => {
      pending ??= setTimeout(
        () => {
          pending = undefined;
          void load();
        },
        Math.max(LIST_REFRESH_MS, 10 * cost),
      );
    });
    return () => {
      live = false;
      off();
      if (pending) clearTimeout(pending);
    };
  }, [api]);
  return { sessions, error };
}

/** The sessions page: asked for only while it is shown (a session's view has no use for the list). */
function Sessions({
  api,
  onOpen,
  last,
}: {
  api: DeadairApi;
  onOpen: (id: string) => void;
  last: string | undefined;
}) {
  const { sessions, error } = useSessions(api);
  return (
    <>
      {error && (
        <p className="banner error" role="alert" data-testid="error">
          Cannot reach deadair: {error}
        </p>
      )}
      {sessions === undefined && !error && (
        <p className="loading" data-testid="sessions-loading">
          Loading sessions…
        </p>
      )}
      {sessions && <SessionList sessions={sessions} onOpen={onOpen} last={last} />}
    </>
  );
}

export function App({ api, width }: { api?: DeadairApi; width?: number }) {
  const [version, setVersion] = useState<string>();
  const [connected, setConnected] = useState(true);
  // Only the tray app answers settings: the link is shown where they can be changed.
  const [settings, setSettings] = useState(false);
  const [editor, setEditor] = useState<EditorId>();
  const [route, go] = useRoute();
  // The session last opened: back on the list, it is the active row.
  const [lastSession, setLastSession] = useState<string>();
  const routedSession = route.view === 'session' ? route.session : undefined;
  useEffect(() => {
    if (routedSession !== undefined) setLastSession(routedSession);
  }, [routedSession]);
  useEffect(() => {
    if (!api) return;
    let live = true;
    void api.version().then(
      (v) => live && setVersion(v),
      () => undefined,
    );
    void api.request('settings.get', {}).then(
      () => live && setSettings(true),
      () => undefined,
    );
    void api.request('editor', {}).then(
      (e) => live && setEditor(e ?? undefined),
      () => undefined,
    );
    const off = api.connection?.((up) => live && setConnected(up));
    return () => {
      live = false;
      off?.();
    };
  }, [api]);

  return (
    <EditorContext.Provider value={editor}>
      <div className="app">
        <header className="top">
          <h1>
            <a href="#/" data-testid="home">
              deadair
            </a>
          </h1>
          <span className="muted">session timeline</span>
          <span className="grow" />
          {api && (
            <span
              className={`conn ${connected ? 'up' : 'down'}`}
              data-testid="connection"
              data-up={connected}
            >
              {connected ? 'live' : 'reconnecting…'}
            </span>
          )}
          {settings && (
            <a href="#/settings" data-testid="settings-link">
              Settings
            </a>
          )}
          {version && <span className="muted">version {version}</span>}
        </header>
        {!api && (
          <p className="banner" data-testid="not-connected">
            Not connected: open the URL <code>deadair watch --ui</code> printed.
          </p>
        )}
        {api && !connected && (
          <p className="banner warn" role="status" data-testid="disconnected">
            Disconnected from deadair: what is shown may be stale. Reconnecting by itself…
          </p>
        )}
        {api && route.view === 'session' && (
          <SessionView
            key={route.session}
            api={api}
            route={route}
            onBack={() => go({ view: 'sessions' })}
            {...(width !== undefined ? { width } : {})}
          />
        )}
        {api && route.view === 'settings' && <Settings api={api} onDone={() => go({ view: 'sessions' })} />}
        {api && route.view === 'sessions' && (
          <Sessions api={api} onOpen={(id) => go({ view: 'session', session: id })} last={lastSession} />
        )}
      </div>
    </EditorContext.Provider>
  );
}
