// One model, three readers: `analyze --json`, `watch --json` and the session store the timeline
// reads give the same sessions and findings (ids, verdicts, causes, evidence) for the same log.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/core/config.js';
import { createWatcher } from '../src/core/watcher.js';
import { sessionRecord } from '../src/shared/records.js';
import { until } from './support/agent-lines.js';
import { BIN, ROOT, runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'deadair-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Rec = Record<string, unknown> & {
  id: string;
  causes: (Record<string, unknown> & { id: string; evidence: unknown[] })[];
};

/** What a reader of a finished log may see differently: whether the session is still followed. */
const settled = (s: Rec) => ({ ...s, live: undefined });

describe('analyze --json, watch --json and the store agree', () => {
  for (const name of ['llm-credits.json.log', 'llm-ratelimit-recovers.pretty.log', 'stt-429.json.log']) {
    it(`on ${name}`, async () => {
      const log = join(dir, name);
      copyFileSync(join(ROOT, 'test/fixtures/real', name), log);

      const analyzed = JSON.parse((await runCli(['analyze', '--json', log], { cwd: dir })).stdout) as {
        sessions: Rec[];
      };
      expect(analyzed.sessions.length).toBeGreaterThan(0);
      const causes = analyzed.sessions.flatMap((s) => s.causes);

      // The store, as the timeline reads it.
      const w = createWatcher({ paths: [log], fromStart: true, settings: DEFAULT_CONFIG });
      try {
        await w.ready;
        await until(() =>
          analyzed.sessions.every((a) => (w.store.session(a.id)?.causes.length ?? -1) === a.causes.length),
        );
        for (const a of analyzed.sessions) {
          const s = w.store.session(a.id);
          expect(s).toBeDefined();
          expect(settled(JSON.parse(JSON.stringify(sessionRecord(s!))) as Rec)).toEqual(settled(a));
          // Each finding's versions answer by the id the JSON gives.
          for (const c of a.causes) expect(w.store.finding(a.id, c.id).length).toBeGreaterThan(0);
        }
      } finally {
        await w.stop();
      }

      // `watch --json`: every finding it prints is one of those, by the same id, saying the same.
      const child = spawn(
        process.execPath,
        [BIN, 'watch', '--json', '--from-start', '--no-journal', '--no-notify', '--no-sound', log],
        { cwd: dir, env: { ...process.env, NO_COLOR: '1' } },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      // The latest version printed of each finding (created, then escalated as it worsened).
      const latest = () => {
        const m = new Map<string, Record<string, unknown>>();
        for (const l of out.split('\n').filter(Boolean)) {
          const r = JSON.parse(l) as Record<string, unknown>;
          if (r.type === 'finding' && r.how !== 'recovered') m.set(r.id as string, r);
        }
        return m;
      };
      try {
        await until(() => causes.every((c) => latest().get(c.id)?.severity === c.severity));
      } finally {
        child.kill();
      }
      const printed = latest();
      expect([...printed.keys()].sort()).toEqual(causes.map((c) => c.id).sort());
      for (const c of causes) {
        const f = printed.get(c.id)!;
        for (const k of [
          'session',
          'cause',
          'severity',
          'component',
          'title',
          'remedy',
          'time',
          'file',
          'line',
        ])
          expect([k, f[k]]).toEqual([k, c[k]]);
        expect((f.evidence as unknown[])[0]).toEqual(c.evidence[0]);
      }
    }, 60_000);
  }
});
