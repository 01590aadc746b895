// What the CLI says about input it cannot use, as a user runs it (the built bin, real files): a file
// with no line it reads, lines cut at the cap, a folder whose logs are in its subfolders, `--open`
// without `--ui`, a browser that would not open. Each is one line, and every good event is kept.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from './support/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deadair-cli-input-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir, env });
const HANG_JSON = join(ROOT, 'test/fixtures/python-real/1.8.9/hang.json.log');

/** A livekit-agents JSON record of job `job` (python-json). */
const record = (message: string, job = 'AJ_in', extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    message,
    level: 'INFO',
    name: 'livekit.agents',
    job_id: job,
    room_id: 'RM_in',
    pid: 41,
    timestamp: '2026-12-04T17:19:17.933528+00:00',
    ...extra,
  });

type Summary = {
  files: { file: string; lines: number; format: string; cutLines: number }[];
  noKnownFormat: string[];
  rawLines: number;
};

describe('deadair analyze: a file with no line in a format it reads', () => {
  it('says so in one note naming the file (random bytes), and exits 0', async () => {
    // Random bytes with no newline byte left that could start a line in a known format.
    writeFileSync(
      join(dir, 'bin.log'),
      randomBytes(100_000).map((b) => (b === 123 ? 0 : b)),
    );
    const r = await run(['analyze', 'bin.log']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const notes = r.stdout.split('\n').filter((l) => l.startsWith('note: '));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^note: bin\.log: none of its [\d,]+ lines is in a log format deadair reads \(kept as raw\)$/,
    );
    const json = await run(['analyze', '--json', 'bin.log']);
    expect(json.code).toBe(0);
    const summary = (JSON.parse(json.stdout) as { summary: Summary }).summary;
    expect(summary.noKnownFormat).toEqual([join(dir, 'bin.log')]);
  });

  it('with --format, says that no line matched it', async () => {
    const r = await run(['analyze', '--format', 'python-text', HANG_JSON]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'hang.json.log: none of its 21 lines matched --format python-text (kept as raw; without --format deadair finds each line',
    );
    const json = JSON.parse((await run(['analyze', '--json', '--format', 'python-text', HANG_JSON])).stdout);
    expect((json as { summary: Summary }).summary.noKnownFormat).toEqual([HANG_JSON]);
  });

  it('says nothing of a file mostly raw that still gave a session', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `some other program's line ${i}`);
    lines.push(record('starting worker'), record('received job request', 'AJ_in'));
    writeFileSync(join(dir, 'mostly-raw.log'), lines.join('\n') + '\n');
    const r = await run(['analyze', 'mostly-raw.log']);
    expect(r.stdout).toMatch(/1 session — 1 healthy · 52 lines, 50 of no known format \(kept as raw\)/);
    expect(r.stdout).not.toMatch(/lines is in a log format|matched --format/);
    const json = JSON.parse((await run(['analyze', '--json', 'mostly-raw.log'])).stdout);
    expect((json as { summary: Summary }).summary.noKnownFormat).toEqual([]);
  });
});

describe('deadair analyze: lines over the cap', () => {
  const big = record('big ' + 'x'.repeat(5 * 1024 * 1024), 'AJ_big');

  it('says once per file how many lines were cut, and keeps every other event', async () => {
    const good = [record('starting worker', 'AJ_big'), record('received job request', 'AJ_big')];
    writeFileSync(join(dir, 'cut.log'), [good[0], big, good[1], big].join('\n') + '\n');
    writeFileSync(join(dir, 'cut-alone.log'), big + '\n');
    // The bulk reader and the full path alike.
    for (const env of [{}, { DEADAIR_BULK: '0' }]) {
      const r = await run(['analyze', 'cut.log', 'cut-alone.log'], env);
      expect(r.code).toBe(0);
      const notes = r.stdout.split('\n').filter((l) => l.startsWith('note: ') && !l.includes('user turn'));
      // A file whose only line was cut is not said to hold no known format as well.
      expect(notes.sort()).toEqual([
        'note: cut-alone.log: 1 line over 1 MiB was cut and kept as raw',
        'note: cut.log: 2 lines over 1 MiB were cut and kept as raw',
      ]);
      const json = JSON.parse((await run(['analyze', '--json', 'cut.log', 'cut-alone.log'], env)).stdout) as {
        summary: Summary;
      };
      expect(json.summary.files.map((f) => [f.file, f.lines, f.format, f.cutLines])).toEqual([
        [join(dir, 'cut-alone.log'), 1, 'raw', 1],
        [join(dir, 'cut.log'), 4, 'python-json', 2],
      ]);
      expect(json.summary.noKnownFormat).toEqual([]);
      expect(json.summary.rawLines).toBe(3);
    }
  });

  it('watch says it once per file, as it happens', async () => {
    const file = join(dir, 'cut-watch.log');
    writeFileSync(file, '');
    const child = spawn(process.execPath, [BIN, 'watch', '--no-notify', '--no-sound', '--no-journal', file], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    children.push(child);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await waitFor(() => err.includes('watching'));
    appendFileSync(file, [record('starting worker'), big, big].join('\n') + '\n');
    await waitFor(() => err.includes('was cut'));
    appendFileSync(file, big + '\n' + record('received job request') + '\n');
    await new Promise((r) => setTimeout(r, 700));
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    expect(err.split('\n').filter((l) => l.includes('cut'))).toEqual([
      `deadair: ${file}: 1 line over 1 MiB was cut and kept as raw (line 2; later ones in it are not said)`,
    ]);
  });
});

describe('deadair analyze: a folder whose logs are in its subfolders', () => {
  it('gives the command that reads them, and that command reads them', async () => {
    mkdirSync(join(dir, 'nested', 'a'), { recursive: true });
    mkdirSync(join(dir, 'nested', 'b', 'c'), { recursive: true });
    writeFileSync(join(dir, 'nested', 'README.md'), 'not a log\n');
    writeFileSync(join(dir, 'nested', 'a', 'one.log'), record('starting worker', 'AJ_a') + '\n');
    writeFileSync(join(dir, 'nested', 'b', 'c', 'two.log'), record('starting worker', 'AJ_b') + '\n');
    const r = await run(['analyze', 'nested']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^deadair: no log files in nested \(looked for \*\.log.*\); its subfolders hold 2: deadair analyze 'nested\/\*\*\/\*\.log'\n$/,
    );
    const ok = await run(['analyze', '--json', 'nested/**/*.log']);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { summary: Summary }).summary.files).toHaveLength(2);

    // Several kinds, rotations among them: one pattern for all.
    writeFileSync(join(dir, 'nested', 'a', 'three.jsonl'), record('starting worker', 'AJ_c') + '\n');
    writeFileSync(join(dir, 'nested', 'a', 'one.log.1'), record('starting worker', 'AJ_d') + '\n');
    const mixed = await run(['analyze', 'nested/']);
    expect(mixed.stderr).toMatch(
      /; its subfolders hold 4: deadair analyze 'nested\/\*\*\/\*\.\{jsonl,log\}\*'\n$/,
    );
    const all = await run(['analyze', '--json', 'nested/**/*.{jsonl,log}*']);
    expect((JSON.parse(all.stdout) as { summary: Summary }).summary.files).toHaveLength(4);
  });

  it('adds nothing for a folder with no log files below it either', async () => {
    mkdirSync(join(dir, 'bare', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'bare', 'sub', 'notes.md'), 'x\n');
    const r = await run(['analyze', 'bare']);
    expect([r.code, r.stderr]).toEqual([
      2,
      expect.stringMatching(/^deadair: no log files in bare \(looked for [^;]*\)\n$/),
    ]);
  });
});

describe('--open', () => {
  it('without --ui is a usage error, as --ui-port is', async () => {
    writeFileSync(join(dir, 'ok.log'), record('starting worker') + '\n');
    for (const args of [
      ['analyze', '--open', 'ok.log'],
      ['watch', '--open', 'ok.log'],
      ['demo', '--open'],
    ]) {
      const r = await run(args);
      expect([r.code, r.stderr]).toEqual([2, 'deadair: --open opens the timeline of --ui: give --ui too\n']);
    }
  });

  it('says in one line that the browser did not open, and keeps serving the timeline', async () => {
    const child = spawn(process.execPath, [BIN, 'analyze', '--ui', '--open', HANG_JSON], {
      env: { ...process.env, NO_COLOR: '1', BROWSER: '/bin/false' },
    });
    children.push(child);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await waitFor(() => err.includes('could not open'));
    const url = /timeline at (\S+)/.exec(err)?.[1] as string;
    expect(err).toContain(
      `deadair: could not open the browser (BROWSER=/bin/false exited with 1): open ${url} yourself\n`,
    );
    expect(child.exitCode).toBe(null);
    expect((await fetch(url)).status).toBe(200);
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
  });
});

async function waitFor(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
