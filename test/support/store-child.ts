// A watcher in a process of its own (so it can be killed with SIGKILL), writing what its session
// store answers to a file every 100 ms: sessions, each one's events, its findings' versions, and
// the evidence of its first and last events. Usage: store-child <log> <journal> <out.json>
import { renameSync, writeFileSync } from 'node:fs';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { createWatcher } from '../../src/core/watcher.js';

const [log, journal, out] = process.argv.slice(2) as [string, string, string];
const w = createWatcher({ paths: [log], fromStart: true, settings: DEFAULT_CONFIG, journal, tickMs: 50 });
w.subscribe(() => undefined);
await w.ready;
setInterval(() => {
  const store = w.store;
  const sessions = store.sessions();
  const dump = sessions.map((s) => {
    const events = store.events(s.id, { limit: 5000 }).events;
    return {
      id: s.id,
      verdict: s.verdict,
      events,
      evidence: [events[0], events[events.length - 1]].map((e) => (e ? store.evidence(s.id, e.id) : null)),
      findings: s.causes.map((c) =>
        store.finding(s.id, c.id).map((v) => ({ how: v.how, at: v.at, severity: v.finding.severity })),
      ),
    };
  });
  writeFileSync(out + '.tmp', JSON.stringify(dump));
  renameSync(out + '.tmp', out);
}, 100);
