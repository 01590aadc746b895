// The journal for real: SIGKILL the watcher while lines are being appended, restart it, and check
// that every line was processed once and no alert lost. An alert is journalled once it is shown, so
// the one a kill cuts off between showing it and journalling it is shown again after the restart
// (at most that one; none is ever lost). The instant of such a kill is checked deterministically too.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/core/config.js';
import { createWatcher } from '../src/core/watcher.js';
import { BIN } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'deadair-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

const quota = {
  message: '429 "LLM token credit quota exceeded, category: MaxGatewayCredits"',
  statusCode: 429,
};
// Written as an agent writes them: now (a backlog's findings over HISTORY_ALERT_MS old are not
// alerted, and what is written while the watcher is down is caught up as a backlog).
const T0 = Date.now();
const sessionLines = (i: number, t0 = T0) => [
  JSON.stringify({
    level: 30,
    time: t0 + i * 10,
    pid: 9,
    hostname: 'h',
    jobID: `AJ_${i}`,
    room_id: 'RM_j',
    speech_id: `s${i}`,
    msg: 'Creating speech handle',
  }),
  JSON.stringify({
    level: 40,
    time: t0 + 1 + i * 10,
    pid: 9,
    hostname: 'h',
    jobID: `AJ_${i}`,
    room_id: 'RM_j',
    llm: 'inference.LLM',
    attempt: 1,
    error: quota,
    msg: 'failed to generate LLM completion, retrying in 100ms',
  }),
];

// Every session must alert on its own here: no burst collapse, no per-minute cap.
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({ alerts: { burstSeconds: 0, maxPerMinute: 600 } }));

/** `deadair watch` of `logs` with this journal, from their start unless `fromStart` is false. */
function start(logs: string | string[], journal: string, out: string[], fromStart = true): ChildProcess {
  const child = spawn(process.execPath, [
    BIN,
    'watch',
    '--json',
    '--no-notify',
    '--no-sound',
    ...(fromStart ? ['--from-start'] : []),
    '--config',
    config,
    '--journal',
    journal,
    ...(Array.isArray(logs) ? logs : [logs]),
  ]);
  child.stdout?.on('data', (d: Buffer) => out.push(d.toString()));
  children.push(child);
  return child;
}
let debugInfo = () => '';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (${debugInfo()})`);
    await sleep(20);
  }
}
const alertsIn = (out: string[]) =>
  out
    .join('')
    .split('\n')
    .filter((l) => l.includes('"type":"alert"'))
    .map((l) => (JSON.parse(l) as { id: string }).id);

describe('journal and resume', () => {
  it('after a SIGKILL mid-stream, resumes with no line processed twice and no alert lost or repeated but the one cut off', async () => {
    const log = join(dir, 'agent.log');
    const journal = join(dir, 'journal.jsonl');
    writeFileSync(log, '');
    const N = 240;
    const first: string[] = [];
    const second: string[] = [];
    let watcher = start(log, journal, first);
    debugInfo = () => `first ${alertsIn(first).length} second ${alertsIn(second).length}`;
    let i = 0;
    // Append while the first watcher runs; kill it without warning in the middle of the stream.
    for (; i < 120; i++) {
      appendFileSync(log, sessionLines(i).join('\n') + '\n');
      if (i % 10 === 0) await sleep(5);
    }
    await until(() => alertsIn(first).length >= 40, 'the first alerts');
    watcher.kill('SIGKILL');
    await new Promise((r) => watcher.once('exit', r));
    // The agent keeps logging while deadair is down.
    for (; i < 180; i++) appendFileSync(log, sessionLines(i).join('\n') + '\n');
    watcher = start(log, journal, second);
    for (; i < N; i++) {
      appendFileSync(log, sessionLines(i).join('\n') + '\n');
      if (i % 10 === 0) await sleep(5);
    }
    await until(() => new Set([...alertsIn(first), ...alertsIn(second)]).size >= N, 'every alert');
    await sleep(300);
    watcher.kill('SIGINT');
    await new Promise((r) => watcher.once('exit', r));

    // None lost. One is shown twice only if the kill fell between showing it and journalling it:
    // then it is the last the killed watcher showed, and the first the restarted one shows.
    const alerts = [...alertsIn(first), ...alertsIn(second)];
    expect(new Set(alerts).size).toBe(N);
    const again = alertsIn(second).filter((id) => alertsIn(first).includes(id));
    expect(again.length).toBeLessThanOrEqual(1);
    if (again.length === 1) {
      expect(alertsIn(first).at(-1)).toBe(again[0]);
      expect(alertsIn(second)[0]).toBe(again[0]);
    }
    expect(alerts).toHaveLength(N + again.length);
    expect(alertsIn(second).length).toBeGreaterThan(0);

    // Every meaningful line is in the journal exactly once, and none is missing.
    const lines = readFileSync(journal, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { t: string; events?: { evidence: { line: number } }[] });
    const seen = lines.flatMap((r) => (r.t === 'batch' ? (r.events ?? []).map((e) => e.evidence.line) : []));
    expect(seen).toHaveLength(2 * N);
    expect(new Set(seen).size).toBe(2 * N);
    expect(lines.filter((r) => r.t === 'alert')).toHaveLength(N);
  }, 60_000);

  it('raises again after a restart the alert a kill cut off as it was shown, and none shown before it', async () => {
    // Three sessions out of credits (logged just now: none has ended by the restart); the journal
    // copied at the instant each alert reaches the shell is what a SIGKILL then leaves on disk.
    const log = join(dir, 'cut.log');
    const t0 = Date.now() - 1000;
    writeFileSync(log, [0, 1, 2].flatMap((k) => sessionLines(500 + k, t0)).join('\n') + '\n');
    const settings = {
      ...DEFAULT_CONFIG,
      alerts: { ...DEFAULT_CONFIG.alerts, burstSeconds: 0, maxPerMinute: 600 },
    };
    const watch = async (journal: string, onAlert: (id: string) => void) => {
      const w = createWatcher({ paths: [log], fromStart: true, settings, journal, tickMs: 20 });
      w.subscribe((e) => {
        if (e.type === 'alert') onAlert(e.alert.id);
      });
      await w.ready;
      return w;
    };
    const atShow: { id: string; journal: string }[] = [];
    const journal = join(dir, 'cut.jsonl');
    const w = await watch(journal, (id) => atShow.push({ id, journal: readFileSync(journal, 'utf8') }));
    await until(() => atShow.length >= 3, 'three alerts');
    await w.stop();
    const ids = atShow.map((a) => a.id);
    expect(ids).toEqual(['AJ_500/credits_exhausted', 'AJ_501/credits_exhausted', 'AJ_502/credits_exhausted']);

    for (const [k, cut] of atShow.entries()) {
      const copy = join(dir, `cut-${k}.jsonl`);
      writeFileSync(copy, cut.journal);
      const raised: string[] = [];
      const again = await watch(copy, (id) => raised.push(id));
      await until(() => raised.length >= ids.length - k, `the alerts from ${cut.id} on`);
      await again.stop();
      // The one being shown was not journalled yet: it comes again, and so do those after it.
      expect(raised).toEqual(ids.slice(k));
    }
  });

  it('resumes a file it was following from its end, though no line came while it ran', async () => {
    // A log with old lines (followed from its end) and an empty one: the first run reads nothing.
    const old = join(dir, 'old.log');
    const empty = join(dir, 'empty.log');
    writeFileSync(old, sessionLines(900).join('\n') + '\n');
    writeFileSync(empty, '');
    const journal = join(dir, 'from-end.jsonl');
    const run = (out: string[]) => start([old, empty], journal, out, false);
    const first: string[] = [];
    const a = run(first);
    // Where it stands in each file is journaled once it has opened them.
    const placed = () => {
      try {
        const text = readFileSync(journal, 'utf8');
        return text.includes('old.log"') && text.includes('empty.log"');
      } catch {
        return false;
      }
    };
    await until(placed, 'both files placed in the journal');
    a.kill('SIGKILL');
    await new Promise((r) => a.once('exit', r));
    expect(alertsIn(first)).toEqual([]);

    // Written while deadair was down: read when it comes back, not skipped as if new to it.
    appendFileSync(old, sessionLines(901).join('\n') + '\n');
    appendFileSync(empty, sessionLines(902).join('\n') + '\n');
    const second: string[] = [];
    run(second);
    await until(() => alertsIn(second).length >= 2, 'the alerts of what was written meanwhile');
    const text = second.join('');
    expect(text).toContain('AJ_901');
    expect(text).toContain('AJ_902');
    // The old lines before the first start stay unread, as `watch` follows from the end.
    expect(text).not.toContain('AJ_900');
  }, 30_000);
});
