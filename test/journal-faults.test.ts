// The journal under faults, with the real watcher on real files: a restart says nothing twice, a
// full disk or a read-only folder is said once and watching goes on (and the journal comes back),
// torn and wrong-shaped records are skipped, one watcher holds a journal at a time, and the alert
// caps survive a restart loop.
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/core/config.js';
import { Journal, JournalBusy, readJournal, RETRY_MS } from '../src/core/journal.js';
import { createWatcher, WatcherBusy, type WatchEvent } from '../src/core/watcher.js';
import { creditsLine as credits, pinoLine as pino, until } from './support/agent-lines.js';
import { BIN, unprivileged } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'deadair-jfault-'));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = (alerts: Partial<typeof DEFAULT_CONFIG.alerts> = {}) => ({
  ...DEFAULT_CONFIG,
  alerts: { ...DEFAULT_CONFIG.alerts, ...alerts },
});

/** A watcher on `log` with `journal`, collecting what it reports. */
async function watching(log: string, journal: string, alerts: Partial<typeof DEFAULT_CONFIG.alerts> = {}) {
  const events: WatchEvent[] = [];
  const w = createWatcher({ paths: [log], fromStart: true, settings: settings(alerts), journal, tickMs: 20 });
  w.subscribe((e) => events.push(e));
  await w.ready;
  return { w, events };
}

const found = (events: WatchEvent[], cause: string) =>
  events.filter((e) => e.type === 'finding' && e.how === 'created' && e.finding.cause === cause);

describe('the journal across restarts', () => {
  it('prints each finding once, however often the watcher restarts', async () => {
    const log = join(dir, 'silent.log');
    const journal = join(dir, 'silent.jsonl');
    // A user spoke a minute ago and nobody answered; another session ran out of credits.
    const now = Date.now();
    writeFileSync(
      log,
      [pino(now - 70_000, 'AJ_quiet', 'User turn committed'), credits(now - 60_000, 'AJ_broke')].join('\n') +
        '\n',
    );
    const first = await watching(log, journal);
    await until(
      () =>
        found(first.events, 'process_died').length > 0 && found(first.events, 'credits_exhausted').length > 0,
    );
    await first.w.stop();
    for (let i = 0; i < 3; i++) {
      const again = await watching(log, journal);
      await new Promise((r) => setTimeout(r, 300)); // ticks pass: any timer would fire again
      await again.w.stop();
      expect(again.events.filter((e) => e.type === 'finding')).toEqual([]);
      expect(again.events.filter((e) => e.type === 'alert')).toEqual([]);
    }
  });

  it('keeps the alert caps across a restart loop', async () => {
    const log = join(dir, 'caps.log');
    const journal = join(dir, 'caps.jsonl');
    writeFileSync(log, '');
    const alerts: WatchEvent[] = [];
    let n = 0;
    for (let run = 0; run < 4; run++) {
      const { w, events } = await watching(log, journal, { burstSeconds: 0, maxPerMinute: 3 });
      // Three more sessions out of credits in each run.
      const t = Date.now();
      for (let k = 0; k < 3; k++, n++) appendFileSync(log, credits(t + k, `AJ_cap${n}`) + '\n');
      await until(() => found(events, 'credits_exhausted').length === 3);
      await new Promise((r) => setTimeout(r, 100));
      await w.stop();
      alerts.push(...events.filter((e) => e.type === 'alert'));
    }
    // Twelve sessions failed within a minute: three alerts, as one uninterrupted run gives.
    expect(alerts).toHaveLength(3);
  });
});

describe('a kill -9 loop', () => {
  it('raises no more alerts than one uninterrupted run: the caps are in the journal', async () => {
    const log = join(dir, 'loop.log');
    const journal = join(dir, 'loop.jsonl');
    const config = join(dir, 'loop-config.json');
    writeFileSync(log, '');
    writeFileSync(config, JSON.stringify({ alerts: { burstSeconds: 0, maxPerMinute: 3 } }));
    let alerts = 0;
    let n = 0;
    for (let run = 0; run < 4; run++) {
      const child = spawn(process.execPath, [
        BIN,
        'watch',
        '--json',
        '--no-notify',
        '--no-sound',
        '--config',
        config,
        '--journal',
        journal,
        log,
      ]);
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      await until(() => err.includes('Ctrl-C to stop'));
      const t = Date.now();
      for (let k = 0; k < 3; k++, n++) appendFileSync(log, credits(t + k, `AJ_loop${n}`) + '\n');
      await until(() => (out.match(/"type":"finding"/g) ?? []).length === 3);
      await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      alerts += (out.match(/"type":"alert"/g) ?? []).length;
    }
    expect(alerts).toBe(3);
  }, 60_000);
});

describe('a journal that runs for weeks', () => {
  it('is compacted at start past its bound, and answers the same after', async () => {
    const log = join(dir, 'long.log');
    const journal = join(dir, 'long.jsonl');
    // Two hours of log: 600 healthy sessions, then one that fails.
    const lines: string[] = [];
    const start = Date.now() - 2 * 3_600_000;
    for (let i = 0; i < 600; i++) {
      const t = start + i * 12_000;
      const job = `AJ_ok${i}`;
      for (let k = 0; k < 5; k++)
        lines.push(
          pino(t + k * 2000, job, 'User turn committed'),
          pino(t + k * 2000 + 300, job, 'Creating speech handle'),
          pino(t + k * 2000 + 900, job, 'playout completed without interruption'),
        );
    }
    lines.push(credits(Date.now() - 1000, 'AJ_late'));
    writeFileSync(log, lines.join('\n') + '\n');
    const events: WatchEvent[] = [];
    const w = createWatcher({
      paths: [log],
      fromStart: true,
      settings: settings(),
      journal,
      journalMaxBytes: 64 * 1024,
    });
    w.subscribe((e) => events.push(e));
    await w.ready;
    await until(() => found(events, 'credits_exhausted').length === 1);
    const sessionsBefore = w.store.sessions().map((x) => `${x.id} ${x.verdict}`);
    const eventsBefore = w.store.events('AJ_ok7').events;
    await w.stop();
    const before = readFileSync(journal, 'utf8').length;
    expect(before).toBeGreaterThan(64 * 1024);
    // Restarted: compacted, nothing said twice, and a new line is read once, from where it stopped.
    const again: WatchEvent[] = [];
    const w2 = createWatcher({
      paths: [log],
      fromStart: true,
      settings: settings(),
      journal,
      journalMaxBytes: 64 * 1024,
    });
    w2.subscribe((e) => again.push(e));
    await w2.ready;
    appendFileSync(log, credits(Date.now(), 'AJ_later') + '\n');
    await until(() => found(again, 'credits_exhausted').length === 1);
    await w2.stop();
    expect(again.find((e) => e.type === 'notice')).toMatchObject({
      text: expect.stringMatching(/compacted from .* MB to .* MB/),
    });
    expect(
      found(again, 'credits_exhausted').map((e) => (e as { finding: { session: string } }).finding.session),
    ).toEqual(['AJ_later']);
    expect(
      again.filter(
        (e) => e.type === 'finding' && (e as { finding: { session: string } }).finding.session !== 'AJ_later',
      ),
    ).toEqual([]);
    expect(readFileSync(journal, 'utf8').length).toBeLessThan(before / 4);
    // The store answers as it did: the sessions (the old ones from its archive), and their events.
    // (The list holds the live sessions and the 500 most recently archived; every one by its id.)
    const after = sessionsBefore
      .map((x) => x.split(' ')[0] as string)
      .map((id) => `${id} ${w2.store.session(id)?.verdict}`);
    expect(after).toEqual(sessionsBefore);
    expect(w2.store.events('AJ_ok7').events).toEqual(eventsBefore);
    // And once more, from the compacted journal and the archive alone.
    const w3 = createWatcher({
      paths: [log],
      fromStart: true,
      settings: settings(),
      journal,
      journalMaxBytes: 64 * 1024,
    });
    w3.subscribe(() => undefined);
    await w3.ready;
    expect(w3.store.session('AJ_ok7')).toMatchObject({ id: 'AJ_ok7', verdict: 'healthy' });
    expect(w3.store.events('AJ_ok7').events).toEqual(eventsBefore);
    expect(w3.store.finding('AJ_late', 'AJ_late/credits_exhausted').map((v) => v.how)).toEqual(['created']);
    await w3.stop();
  });
});

describe('the journal under faults', () => {
  it('says a full disk once, keeps watching, and writes again when space returns', () => {
    const file = join(dir, 'full.jsonl');
    let full = true;
    let clock = 1_000_000;
    const notices: string[] = [];
    const j = new Journal(file, {
      now: () => clock,
      onNotice: (l) => notices.push(l),
      write: (fd, text) => {
        if (full)
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        appendFileSync(fd, text);
      },
    });
    j.alert('a', clock);
    j.alert('b', clock);
    expect(notices).toEqual([
      expect.stringMatching(
        /cannot write the journal .*full\.jsonl: no space left on the disk — watching on without it/,
      ),
    ]);
    expect(j.writing).toBe(false);
    full = false;
    j.alert('c', (clock += 1000)); // too soon to try again
    expect(readJournal(file).alerts.size).toBe(0);
    j.alert('d', (clock += RETRY_MS));
    expect(notices[1]).toMatch(/is written again/);
    expect([...readJournal(file).alerts]).toEqual(['d']);
    j.close();
  });

  it('watches on without a journal in a folder it may not write, and says so', async () => {
    const ro = join(dir, 'readonly');
    mkdirSync(ro);
    writeFileSync(join(dir, 'ro.log'), credits(Date.now(), 'AJ_ro') + '\n');
    chmodSync(ro, 0o555);
    const args = [
      'watch',
      '--json',
      '--no-notify',
      '--no-sound',
      '--from-start',
      '--journal',
      join(ro, 'j.jsonl'),
      join(dir, 'ro.log'),
    ];
    // Root writes anywhere: run as nobody when the suite runs as root.
    const { uid, skip } = unprivileged();
    if (skip) {
      console.log(`skipped: ${skip}`);
      return;
    }
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, NO_COLOR: '1' },
      ...(uid !== undefined ? { uid, gid: uid } : {}),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      await until(() => out.includes('credits_exhausted'));
      expect(err).toMatch(/cannot write the journal \S*j\.jsonl: permission denied — watching on without it/);
      expect(err).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      child.kill('SIGINT');
      chmodSync(ro, 0o755);
    }
  });

  it('names the file that stands where the journal’s folder should be', () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    for (const journal of [join(file, 'j.jsonl'), join(file, 'deeper', 'j.jsonl')]) {
      const said: string[] = [];
      const j = new Journal(journal, { onNotice: (l) => said.push(l) });
      j.close();
      expect(said).toEqual([
        `cannot write the journal ${journal}: ${file} is a file, not a folder — watching on without it (what happens meanwhile is not kept across a restart); trying again every 30 s`,
      ]);
    }
  });

  it('ends a torn last line before appending, and skips records of the wrong shape or a newer version', () => {
    const file = join(dir, 'torn.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ v: 1, t: 'alert', id: 'kept', at: 1 }),
        '{"v":1,"t":"batch"}',
        '{"v":1,"t":"batch","events":"nope"}',
        JSON.stringify({ v: 1, t: 'batch', events: [{ kind: 'error' }, 7] }),
        JSON.stringify({ v: 9, t: 'alert', id: 'future', at: 1 }),
        '[1,2]',
        '{"v":1,"t":"alert","id":"torn-in-the-mid', // no newline: a crash mid-write
      ].join('\n'),
    );
    const j = new Journal(file);
    j.alert('after', 2);
    j.close();
    const s = readJournal(file);
    expect([...s.alerts].sort()).toEqual(['after', 'kept']);
    expect(s.events).toEqual([]);
    expect(s.newer).toBe(1);
    expect(s.skipped).toBe(4); // two batches without events, a non-object, the torn line
  });

  it('starts despite a journal of the wrong shape, and says what it skipped', async () => {
    const log = join(dir, 'shape.log');
    const journal = join(dir, 'shape.jsonl');
    writeFileSync(log, credits(Date.now(), 'AJ_shape') + '\n');
    writeFileSync(journal, '{"v":1,"t":"batch"}\n{"v":1,"t":"finding","finding":null}\n{"v":2,"t":"x"}\n');
    const { w, events } = await watching(log, journal);
    await until(() => found(events, 'credits_exhausted').length === 1);
    await w.stop();
    const notices = events.filter((e) => e.type === 'notice').map((e) => (e as { text: string }).text);
    expect(notices).toEqual([
      expect.stringMatching(/2 damaged or unreadable record\(s\) skipped/),
      expect.stringMatching(/1 record\(s\) from a newer deadair skipped/),
    ]);
  });

  it('lets one watcher hold a journal, names the process that holds it, and takes over a dead one’s lock', async () => {
    const log = join(dir, 'two.log');
    const journal = join(dir, 'two.jsonl');
    writeFileSync(log, '');
    const { w } = await watching(log, journal);
    expect(() => createWatcher({ paths: [log], fromStart: true, settings: settings(), journal })).toThrow(
      WatcherBusy,
    );
    expect(() => new Journal(journal)).toThrow(JournalBusy);
    // The CLI says it in one line, exit 2.
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn(process.execPath, [
        BIN,
        'watch',
        '--no-notify',
        '--no-sound',
        '--journal',
        journal,
        log,
      ]);
      let err = '';
      c.stderr.on('data', (d: Buffer) => (err += d.toString()));
      c.on('exit', (code) => resolve({ code, err }));
    });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`in use by another deadair \\(pid ${process.pid}\\)`));
    await w.stop();
    expect(existsSync(`${journal}.lock`)).toBe(false);
    // A lock left by a process that died is taken over.
    writeFileSync(`${journal}.lock`, '999999\n');
    const again = await watching(log, journal);
    await again.w.stop();
    expect(readFileSync(log, 'utf8')).toBe('');
  });
});
