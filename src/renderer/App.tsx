// The timeline window. For now: who we are; the live session timeline comes with the tray shell.
import { useEffect, useState } from 'react';
import type { DeadairApi } from '../shared/api.js';

export function App({ api }: { api?: DeadairApi }) {
  const [version, setVersion] = useState<string>();
  useEffect(() => {
    void api?.version().then(setVersion);
  }, [api]);
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>deadair</h1>
      <p>
        Session timeline: coming with the tray app. Until then, run <code>deadair watch</code>.
      </p>
      {version && <p>version {version}</p>}
    </main>
  );
}
