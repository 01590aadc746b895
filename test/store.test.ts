// The session store: stable ids across a SIGKILL and a restart, events and finding versions read
// back the same after the journal is replayed, evidence read back from the file, paging, and frozen
// copies for readers.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/core/config.js';
import { createWatcher } from '../src/core/watcher.js';
import { creditsLine as credits, pinoLine as pino, until } from './support/agent-lines.js';
import { ROOT } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'deadair-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

const child = join(dir, 'store-child.mjs');
beforeAll(async () => {
  await build({
    entryPoints: [join(ROOT, 'test/support/store-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: child,
    logLevel: 'error',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
}, 60_000);

describe('the session store', () => {
  it('answers the same after a SIGKILL and a restart: ids, events, finding versions, evidence', async () => {
    const log = join(dir, 'agent.log');
    const journal = join(dir, 'journal.jsonl');
    const now = Date.now();
    const lines = [
      pino(now - 40_000, 'AJ_ok', 'User turn committed'),
      pino(now - 39_500, 'AJ_ok', 'Creating speech handle'),
      pino(now - 39_000, 'AJ_ok', 'playout completed without interruption'),
      pino(now - 30_000, 'AJ_quiet', 'User turn committed'),
      pino(now - 20_000, 'AJ_broke', 'Creating speech handle'),
      credits(now - 19_900, 'AJ_broke'),
    ];
    writeFileSync(log, lines.join('\n') + '\n');
    const out = join(dir, 'dump.json');
    const read = () =>
      JSON.parse(readFileSync(out, 'utf8')) as {
        id: string;
        findings: unknown[][];
        events: { id: string }[];
        evidence: (string | null)[];
      }[];
    const startChild = () => {
      const c = spawn(process.execPath, [child, log, journal, out], { stdio: 'ignore' });
      children.push(c);
      return c;
    };
    const a = startChild();
    await until(
      () =>
        existsSync(out) &&
        read().some((s) => s.id === 'AJ_quiet' && s.findings.length > 0) &&
        read().some((s) => s.id === 'AJ_broke' && s.findings.length > 0),
    );
    await new Promise((r) => setTimeout(r, 300));
    const before = read();
    a.kill('SIGKILL');
    await new Promise((r) => a.once('exit', r));
    rmSync(out);
    const b = startChild();
    await until(() => existsSync(out));
    await new Promise((r) => setTimeout(r, 300));
    const after = read();
    b.kill('SIGKILL');
    expect(after).toEqual(before);
    // Ids as promised, and the evidence is the line itself, read back from the file.
    const broke = after.find((s) => s.id === 'AJ_broke');
    expect(broke?.events.map((e) => e.id)).toEqual([
      expect.stringMatching(/^[0-9a-f]{10}:\d+$/),
      expect.stringMatching(/^[0-9a-f]{10}:\d+$/),
    ]);
    expect(broke?.evidence).toEqual([lines[4], lines[5]]);
    expect(
      after
        .map((s) => s.id)
        .slice(0, 2)
        .sort(),
    ).toEqual(['AJ_broke', 'AJ_quiet']); // attention first
  }, 60_000);

  it('moves sessions that ended long ago to its archive, serves them from it, and after a restart', async () => {
    const log = join(dir, 'old.log');
    const journal = join(dir, 'old.jsonl');
    const old = Date.now() - 3_600_000;
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      const job = `AJ_old${i}`;
      lines.push(
        pino(old + i * 1000, job, 'Creating speech handle'),
        pino(old + i * 1000 + 500, job, 'playout completed without interruption'),
        pino(old + i * 1000 + 900, job, 'AgentSession closed', { reason: 'user_initiated' }),
      );
    }
    lines.push(
      credits(old + 40_000, 'AJ_oldfail'),
      pino(old + 40_100, 'AJ_oldfail', 'AgentSession closed', { reason: 'error' }),
    );
    lines.push(pino(Date.now(), 'AJ_live', 'Creating speech handle'));
    writeFileSync(log, lines.join('\n') + '\n');
    const open = () =>
      createWatcher({
        paths: [log],
        fromStart: true,
        settings: DEFAULT_CONFIG,
        journal,
        tickMs: 20,
        retireAfterMs: 10_000,
      });
    const w = open();
    w.subscribe(() => undefined);
    await w.ready;
    await until(() => w.pipeline.tracker.size === 1);
    const sessions = w.store.sessions();
    expect(sessions).toHaveLength(32);
    expect(sessions[0]).toMatchObject({ id: 'AJ_oldfail', verdict: 'failed' });
    const failEvents = w.store.events('AJ_oldfail').events;
    expect(failEvents.map((e) => e.kind)).toEqual(['error', 'session_close']);
    expect(w.store.evidence('AJ_oldfail', failEvents[0]?.id ?? '')).toBe(lines[90]);
    const findings = w.store.finding('AJ_oldfail', 'AJ_oldfail/credits_exhausted');
    expect(findings.map((v) => [v.how, v.finding.severity])).toEqual([['created', 'critical']]);
    await w.stop();
    const again = open();
    again.subscribe(() => undefined);
    await again.ready;
    expect(
      again.store
        .sessions()
        .map((s) => s.id)
        .sort(),
    ).toEqual(sessions.map((s) => s.id).sort());
    expect(again.store.events('AJ_old7').events).toHaveLength(3);
    expect(again.store.finding('AJ_oldfail', 'AJ_oldfail/credits_exhausted')).toHaveLength(1);
    // The archived sessions are listed from memory, not read back from the archive on every look
    // (the tray lists them twice a second): emptied under it, the archive still lists them all.
    writeFileSync(join(dir, 'old.sessions.jsonl'), '');
    expect(again.store.sessions().map((s) => s.id)).toEqual(sessions.map((s) => s.id));
    expect(again.store.session('AJ_oldfail')).toMatchObject({ verdict: 'failed' });
    expect(again.store.events('AJ_old7').events).toHaveLength(0); // events are read from the file
    await again.stop();
  });

  it('tells a session’s turns from its events, with the latencies its metrics carried', async () => {
    const log = join(dir, 'turns.log');
    const t0 = Date.now() - 60_000;
    const py = (ms: number, level: string, message: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        message,
        level,
        name: 'livekit.agents',
        ...extra,
        pid: 5,
        job_id: 'AJ_turns',
        room: 'r',
        timestamp: new Date(t0 + ms).toISOString(),
      });
    writeFileSync(
      log,
      [
        py(0, 'DEBUG', 'conversation_item_added', { role: 'assistant', 'lk.pii.text': 'Hello!' }), // a greeting
        py(5000, 'DEBUG', 'conversation_item_added', { role: 'user', 'lk.pii.text': 'hi' }),
        py(5010, 'INFO', 'EOU metrics', { end_of_utterance_delay: 0.5, transcription_delay: 0.2 }),
        py(5600, 'INFO', 'LLM metrics', { ttft: 0.4 }),
        py(5900, 'INFO', 'TTS metrics', { ttfb: 0.15, audio_duration: 1.2 }),
        py(7000, 'DEBUG', 'conversation_item_added', {
          role: 'assistant',
          'lk.pii.text': 'Hi, how can I help?',
        }),
        py(12_000, 'DEBUG', 'conversation_item_added', { role: 'user', 'lk.pii.text': 'are you there?' }),
      ].join('\n') + '\n',
    );
    const w = createWatcher({ paths: [log], fromStart: true, settings: DEFAULT_CONFIG });
    w.subscribe(() => undefined);
    await w.ready;
    await until(() => w.store.events('AJ_turns').events.length >= 7);
    const turns = w.store.turns('AJ_turns');
    await w.stop();
    expect(
      turns.map((t) => [t.userEnd !== undefined, t.replyBegun !== undefined, t.spoke !== undefined]),
    ).toEqual([
      [false, false, true],
      [true, true, true],
      [true, false, false],
    ]);
    expect(turns[1]?.latency).toMatchObject({
      eouDelayMs: 500,
      transcriptionDelayMs: 200,
      ttftMs: 400,
      ttfbMs: 150,
    });
    expect(turns[1]?.spoke).toBe(t0 + 5900);
    expect(turns[2]?.latency).toBeUndefined();
  });

  it('without a journal, keeps what it retires in a scratch archive while it runs: summaries and events', async () => {
    const log = join(dir, 'nojournal.log');
    const old = Date.now() - 3_600_000;
    writeFileSync(
      log,
      [
        credits(old, 'AJ_nj'),
        pino(old + 100, 'AJ_nj', 'AgentSession closed', { reason: 'error' }),
        pino(Date.now(), 'AJ_now', 'Creating speech handle'),
      ].join('\n') + '\n',
    );
    const w = createWatcher({
      paths: [log],
      fromStart: true,
      settings: DEFAULT_CONFIG,
      tickMs: 20,
      retireAfterMs: 10_000,
    });
    w.subscribe(() => undefined);
    await w.ready;
    await until(() => w.pipeline.tracker.size === 1);
    expect(w.store.sessions().map((s) => [s.id, s.verdict])).toEqual([
      ['AJ_nj', 'failed'],
      ['AJ_now', 'healthy'],
    ]);
    expect(w.store.session('AJ_nj')?.causes[0]?.cause).toBe('credits_exhausted');
    // Its events too (the timeline of a session read from an old log), and their lines.
    const { events } = w.store.events('AJ_nj');
    expect(events.length).toBeGreaterThan(0);
    expect(w.store.evidence('AJ_nj', events[0]!.id)).toContain('AJ_nj');
    const scratch = readdirSync(tmpdir()).filter((f) => f.startsWith(`deadair-${process.pid}-`));
    expect(scratch.length).toBeGreaterThan(0);
    await w.stop();
    // …and nothing is left behind.
    expect(readdirSync(tmpdir()).filter((f) => scratch.includes(f))).toEqual([]);
  });

  it('pages a session’s events, by time range, and gives readers frozen copies', async () => {
    const log = join(dir, 'paged.log');
    const t0 = Date.now() - 100_000;
    const lines: string[] = [];
    for (let i = 0; i < 250; i++)
      lines.push(
        pino(
          t0 + i * 100,
          'AJ_many',
          i % 2 ? 'playout completed without interruption' : 'Creating speech handle',
        ),
      );
    writeFileSync(log, lines.join('\n') + '\n');
    const w = createWatcher({ paths: [log], fromStart: true, settings: DEFAULT_CONFIG });
    w.subscribe(() => undefined);
    await w.ready;
    await until(() => w.store.events('AJ_many', { limit: 5000 }).events.length === 250);
    const p1 = w.store.events('AJ_many', { limit: 100 });
    const p2 = w.store.events('AJ_many', { limit: 100, after: p1.next });
    const p3 = w.store.events('AJ_many', { limit: 100, after: p2.next });
    expect([p1.events.length, p2.events.length, p3.events.length, p3.next]).toEqual([
      100,
      100,
      50,
      undefined,
    ]);
    expect(new Set([...p1.events, ...p2.events, ...p3.events].map((e) => e.id)).size).toBe(250);
    const mid = w.store.events('AJ_many', { from: t0 + 10_000, to: t0 + 10_900 });
    expect(mid.events.map((e) => e.time)).toEqual(
      Array.from({ length: 10 }, (_, i) => t0 + 10_000 + i * 100),
    );
    // A reader's copy does not change as the watcher goes on, and cannot be changed.
    const held = w.store.sessions();
    const turns = held[0]?.turns.agent;
    const changes: string[] = [];
    const off = w.store.subscribe((c) => changes.push(c.type));
    appendFileSync(log, pino(Date.now(), 'AJ_many', 'Creating speech handle') + '\n');
    await until(() => changes.includes('event'));
    off();
    expect(held[0]?.turns.agent).toBe(turns);
    expect(Object.isFrozen(held) && Object.isFrozen(held[0]) && Object.isFrozen(held[0]?.turns)).toBe(true);
    expect(w.store.sessions()[0]?.turns.agent).toBe((turns ?? 0) + 1);
    await w.stop();
  });
});
