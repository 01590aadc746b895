// `watch` on an agent that logs local time in another zone (a container in UTC watched from Berlin,
// a server abroad): livekit-agents `dev` text prints no offset. The real recordings
// (test/fixtures/python-real) are written to a file line by line at their own pace, each stamped
// with the local time of a clock three hours behind this one, as such an agent would write them.
// Read as this machine's local time, every turn would look three hours old the moment it is
// written, and be declared silent (and the worker hung) at once.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../src/core/config.js';
import { createWatcher, type WatchEvent, type Watcher } from '../src/core/watcher.js';
import { until } from './support/agent-lines.js';
import { BIN, ROOT } from './support/cli.js';

const H = 3600_000;
const AGENT_BEHIND_MS = 3 * H;
const REC = join(ROOT, 'test/fixtures/python-real/1.8.9');
const STAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d{3})/;
const two = (n: number) => String(n).padStart(2, '0');

/** `t` as `dev` text prints it: local time of this process's zone, no offset. */
function devStamp(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())},${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** The lines of a recording with their times, from its first line's (ms). */
function recording(name: string): { at: number; rest: string }[] {
  const lines = readFileSync(join(REC, name), 'utf8').split('\n').filter(Boolean);
  let t0: number | undefined;
  return lines.map((l) => {
    const m = STAMP.exec(l);
    if (!m) throw new Error(`no time: ${l}`);
    const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!);
    t0 ??= t;
    return { at: t - t0, rest: l.slice(m[0].length) };
  });
}

/** Writes `lines` to `file` at their pace, stamped by a clock AGENT_BEHIND_MS behind; when each was written. */
async function play(file: string, lines: { at: number; rest: string }[]): Promise<number[]> {
  const start = Date.now();
  const written: number[] = [];
  for (const l of lines) {
    const wait = start + l.at - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const now = Date.now();
    appendFileSync(file, `${devStamp(now - AGENT_BEHIND_MS)}${l.rest}\n`);
    written.push(now);
  }
  return written;
}

const settings: Config = { ...DEFAULT_CONFIG, detectors: { ...DEFAULT_CONFIG.detectors, silenceSeconds: 2 } };

describe('watch, an agent logging local time three hours behind this machine', () => {
  let dir = '';
  let w: Watcher | undefined;
  afterEach(async () => {
    await w?.stop();
    w = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  async function start(journal?: string, config = settings): Promise<{ log: string; said: WatchEvent[] }> {
    dir ||= mkdtempSync(join(tmpdir(), 'deadair-zone-'));
    const log = join(dir, 'agent.log');
    if (!journal) writeFileSync(log, '');
    const said: WatchEvent[] = [];
    w = createWatcher({ paths: [log], fromStart: false, settings: config, journal });
    w.subscribe((e) => said.push(e));
    await w.ready;
    return { log, said };
  }
  const findings = (said: WatchEvent[]) =>
    said.flatMap((e) => (e.type === 'finding' && e.how === 'created' ? [e.finding] : []));

  it('calls a healthy session healthy, and says once how it reads its times', async () => {
    const { log, said } = await start();
    await play(log, recording('healthy-metrics.dev.log'));
    // Longer than the silence threshold after the last line.
    await new Promise((r) => setTimeout(r, 3000));
    expect(findings(said)).toEqual([]);
    const notices = said.flatMap((e) => (e.type === 'notice' ? [e.text] : []));
    expect(notices).toEqual([
      `${log}: its local times are 3 h behind this machine's clock (the agent runs in another time zone): each is read 3 h later, so that silences are timed right`,
    ]);
    const [s] = w!.store.sessions();
    expect(s?.turns.user).toBe(3);
    // Its times are when it happened, by this machine's clock.
    expect(Math.abs((s?.end ?? 0) - Date.now())).toBeLessThan(10_000);
  });

  it('declares the silence after a hung turn when it is due, not at once, and the worker alive', async () => {
    const { log, said } = await start();
    const lines = recording('hang.dev.log');
    const asked = lines.findIndex((l) => l.rest.includes('"role": "user"'));
    expect(asked).toBeGreaterThan(0);
    const written = await play(log, lines.slice(0, asked + 1));
    const turnAt = written[asked]!;
    await until(() => findings(said).length > 0, 10_000);
    const seenAt = Date.now();
    const [f] = findings(said);
    expect(f?.cause).toBe('agent_silent');
    // Two seconds after the turn (the threshold), give or take a tick: not the moment it was written.
    expect(seenAt - turnAt).toBeGreaterThanOrEqual(1500);
    expect(Math.abs((f?.time ?? 0) - (turnAt + 2000))).toBeLessThan(1500);
    expect(findings(said).map((x) => x.cause)).not.toContain('process_died');
  });

  it('keeps the zone across a restart: a turn written meanwhile is not taken for hours old', async () => {
    dir = mkdtempSync(join(tmpdir(), 'deadair-zone-'));
    const journal = join(dir, 'journal.jsonl');
    writeFileSync(join(dir, 'agent.log'), '');
    // The default threshold (8 s): the restart in the middle of a turn takes well under it.
    const first = await start(journal, DEFAULT_CONFIG);
    const lines = recording('healthy-metrics.dev.log');
    const asked = lines.findIndex((l, i) => i > 12 && l.rest.includes('"role": "user"'));
    await play(first.log, lines.slice(0, asked));
    await until(() => first.said.some((e) => e.type === 'notice'));
    await w!.stop();
    w = undefined;
    // The user's next turn, written while deadair was down; its answer comes once it is back.
    await play(first.log, lines.slice(asked, asked + 1));
    const again = await start(journal, DEFAULT_CONFIG);
    await play(first.log, lines.slice(asked + 1));
    await new Promise((r) => setTimeout(r, 1000));
    expect(findings(again.said)).toEqual([]);
    // Known from before the restart: not learnt (nor said) again.
    expect(again.said.filter((e) => e.type === 'notice')).toEqual([]);
    const [s] = w!.store.sessions();
    expect(s?.turns.user).toBe(3);
  });

  it('learns it from standard input once the pipe has gone quiet (docker logs -f agent | deadair watch -)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'deadair-zone-'));
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ detectors: { silenceSeconds: 2 } }));
    const child = spawn(
      process.execPath,
      [BIN, 'watch', '--json', '--no-journal', '--no-notify', '--no-sound', '--config', config, '-'],
      { env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, XDG_STATE_HOME: dir } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const lines = recording('hang.dev.log');
      const asked = lines.findIndex((l) => l.rest.includes('"role": "user"'));
      const stamp = (l: { rest: string }) => `${devStamp(Date.now() - AGENT_BEHIND_MS)}${l.rest}\n`;
      // The worker's start, as the pipe delivers what was printed before: then a pause.
      child.stdin.write(lines.slice(0, 4).map(stamp).join(''));
      await new Promise((r) => setTimeout(r, 2500));
      for (const l of lines.slice(4, asked)) child.stdin.write(stamp(l));
      child.stdin.write(stamp(lines[asked]!));
      const turnAt = Date.now();
      const said = () =>
        out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { type?: string; cause?: string; time?: string });
      await until(() => said().some((l) => l.type === 'finding'), 10_000);
      expect(Date.now() - turnAt).toBeGreaterThanOrEqual(1500);
      expect(
        said()
          .filter((l) => l.type === 'finding')
          .map((l) => l.cause),
      ).toEqual(['agent_silent']);
      expect(err).toContain(
        "<stdin>: its local times are 3 h behind this machine's clock (the agent runs in another time zone)",
      );
    } finally {
      child.kill('SIGINT');
    }
  });
});

describe('watch --from-start, logs that print a time of day alone', () => {
  it('dates them by the day each file was written; one stamped ahead passes no other session’s deadline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deadair-days-'));
    const node = join(ROOT, 'test/fixtures/real-livekit/node-1.9.0');
    const yesterday = join(dir, 'agent.log');
    const ahead = join(dir, 'other.log');
    copyFileSync(join(node, 'killed.dev.log'), yesterday);
    copyFileSync(join(ROOT, 'test/fixtures/real/llm-credits.pretty.log'), ahead);
    const day = 24 * H;
    // Last written yesterday; the other's clock (or its date) a day ahead of ours.
    utimesSync(yesterday, new Date(Date.now() - day), new Date(Date.now() - day));
    utimesSync(ahead, new Date(Date.now() + day), new Date(Date.now() + day));
    const w = createWatcher({ paths: [yesterday, ahead], fromStart: true, settings: DEFAULT_CONFIG });
    const said: WatchEvent[] = [];
    w.subscribe((e) => said.push(e));
    try {
      await w.ready;
      // A few of the wall clock's ticks.
      await new Promise((r) => setTimeout(r, 1500));
      const [killed] = w.store.sessions().filter((s) => s.job === 'AJ_rLiQ7fA4MrfB');
      const startedDay = new Date(killed?.start ?? 0);
      const yest = new Date(Date.now() - day);
      expect([startedDay.getFullYear(), startedDay.getMonth(), startedDay.getDate()]).toEqual([
        yest.getFullYear(),
        yest.getMonth(),
        yest.getDate(),
      ]);
      // Its worker was killed while a user waited: the hang is told at its deadline, a minute
      // after the session's last line yesterday — not when the other log's clock said so, nor now.
      const mine = said.flatMap((e) =>
        e.type === 'finding' && e.how === 'created' && e.finding.job === 'AJ_rLiQ7fA4MrfB' ? [e.finding] : [],
      );
      expect(mine.map((f) => f.cause)).toEqual(['process_died']);
      expect(mine[0]!.time).toBe((killed?.end ?? 0) + 60_000);
    } finally {
      await w.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('watch, lines read late (old lines appended, a delayed stream, a clock that is off)', () => {
  // Three days, seven minutes and 13 s behind: no time zone explains it. The recording is written
  // four times faster than it was recorded, stamped with its own times.
  const BEHIND = 3 * 24 * H + 7 * 60_000 + 13_000;
  let dir = '';
  let w: Watcher | undefined;
  afterEach(async () => {
    await w?.stop();
    w = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  async function replay(
    lines: { at: number; rest: string }[],
  ): Promise<{ said: WatchEvent[]; written: number[] }> {
    dir = mkdtempSync(join(tmpdir(), 'deadair-late-'));
    const log = join(dir, 'agent.log');
    writeFileSync(log, '');
    const said: WatchEvent[] = [];
    w = createWatcher({ paths: [log], fromStart: false, settings, journal: undefined });
    w.subscribe((e) => said.push(e));
    await w.ready;
    const start = Date.now();
    const written: number[] = [];
    for (const l of lines) {
      const wait = start + l.at / 4 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      appendFileSync(log, `${devStamp(start - BEHIND + l.at)}${l.rest}\n`);
      written.push(Date.now());
    }
    return { said, written };
  }
  const created = (said: WatchEvent[]) =>
    said.flatMap((e) => (e.type === 'finding' && e.how === 'created' ? [e.finding] : []));

  it('answers each turn with the lines that arrive after it, not with the wall clock: a healthy call stays healthy', async () => {
    const { said } = await replay(recording('healthy-metrics.dev.log'));
    // Longer than the silence threshold after the last line.
    await new Promise((r) => setTimeout(r, 3000));
    expect(created(said)).toEqual([]);
    expect(w!.store.sessions()[0]?.turns.user).toBe(3);
  });

  it('declares a hung turn silent once the threshold has passed since it arrived, not at once', async () => {
    const lines = recording('hang.dev.log');
    const asked = lines.findIndex((l) => l.rest.includes('"role": "user"'));
    const { said, written } = await replay(lines.slice(0, asked + 1));
    const turnAt = written[asked]!;
    await until(() => created(said).length > 0, 10_000);
    expect(Date.now() - turnAt).toBeGreaterThanOrEqual(1500);
    expect(created(said).map((f) => f.cause)).toEqual(['agent_silent']);
  });
});
