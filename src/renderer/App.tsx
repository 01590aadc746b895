// The timeline window. For now the sessions, those needing attention first, live: each with its
// verdict, the cause in words, room, job and start. Every text from outside is rendered as text.
import { useEffect, useState } from 'react';
import type { DeadairApi } from '../shared/api.js';
import type { SessionSummary } from '../shared/types.js';

export function App({ api }: { api?: DeadairApi }) {
  const [version, setVersion] = useState<string>();
  const [sessions, setSessions] = useState<readonly SessionSummary[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!api) return;
    let live = true;
    void api.version().then(
      (v) => live && setVersion(v),
      () => undefined,
    );
    const load = () =>
      api.request('sessions.list', {}).then(
        (s) => live && (setSessions(s), setError(undefined)),
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      );
    void load();
    // Reload on what the store records, at most every half second.
    let pending: ReturnType<typeof setTimeout> | undefined;
    const off = api.subscribe('store.changes', () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        void load();
      }, 500);
    });
    return () => {
      live = false;
      off();
      if (pending) clearTimeout(pending);
    };
  }, [api]);
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>deadair</h1>
      {!api && (
        <p>
          Not connected: open the URL <code>deadair watch --ui</code> printed.
        </p>
      )}
      {error && <p role="alert">Cannot reach deadair: {error}</p>}
      {sessions && sessions.length === 0 && <p>No agent sessions yet.</p>}
      {sessions && sessions.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>verdict</th>
              <th>cause</th>
              <th>room</th>
              <th>job</th>
              <th>start</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id} data-session={s.id}>
                <td>{s.verdict}</td>
                <td>{s.verdict === 'healthy' ? '' : (s.causes[0]?.title ?? '')}</td>
                <td>{s.room ?? ''}</td>
                <td>{s.job ?? s.id}</td>
                <td>{Number.isFinite(s.start) ? new Date(s.start).toLocaleTimeString() : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {version && <p>version {version}</p>}
    </main>
  );
}
