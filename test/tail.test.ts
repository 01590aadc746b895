// The tailer against real files changed while it runs: appends, partial lines, rotation,
// copytruncate, deletion, new files, globs, resume, and a bad path beside a good one.
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandPaths, tail, type Tail, type TailOptions } from '../src/core/logs/tail.js';
import type { RawLine, SourceProblem } from '../src/core/logs/types.js';

let dir: string;
let running: Tail[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deadair-tail-'));
});
afterEach(async () => {
  await Promise.all(running.map((t) => t.stop()));
  running = [];
  rmSync(dir, { recursive: true, force: true });
});

function start(paths: string[], over: Partial<TailOptions> = {}) {
  const lines: RawLine[] = [];
  const problems: SourceProblem[] = [];
  const events: string[] = [];
  const t = tail({
    paths,
    fromStart: false,
    follow: true,
    pollIntervalMs: 200,
    onLines: (b) => lines.push(...b),
    onProblem: (p) => problems.push(p),
    onFileEvent: (f, e) => events.push(`${e}:${f}`),
    ...over,
  });
  running.push(t);
  return { t, lines, problems, events, texts: () => lines.map((l) => l.text) };
}

async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  const end = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Lets the tailer open its files: the first append after this is seen as new. */
async function ready(t: Tail, n = 1): Promise<void> {
  await t.ready;
  await until(() => t.positions().length >= n, 'files opened');
}

describe('tail (follow)', () => {
  it('starts at the end, then reads appends with exact line numbers and offsets', async () => {
    const f = join(dir, 'a.log');
    writeFileSync(f, 'old 1\nold 2\n');
    const s = start([f]);
    await ready(s.t);
    appendFileSync(f, 'new 3\n');
    await until(() => s.lines.length === 1);
    expect(s.lines[0]).toEqual({ file: f, line: 3, offset: 12, text: 'new 3' });
  });

  it('holds a partial line until its newline arrives', async () => {
    const f = join(dir, 'p.log');
    writeFileSync(f, '');
    const s = start([f]);
    await ready(s.t);
    appendFileSync(f, '{"half":');
    await new Promise((r) => setTimeout(r, 300));
    expect(s.lines).toHaveLength(0);
    appendFileSync(f, '1}\n');
    await until(() => s.lines.length === 1);
    expect(s.texts()).toEqual(['{"half":1}']);
  });

  it('follows rotation by rename + create: drains the old file, then reads the new one from its start', async () => {
    const f = join(dir, 'agent.log');
    writeFileSync(f, '');
    const s = start([dir]);
    await ready(s.t);
    appendFileSync(f, 'one\n');
    await until(() => s.lines.length === 1);
    appendFileSync(f, 'two\n');
    renameSync(f, `${f}.1`);
    writeFileSync(f, 'three\n');
    await until(() => s.texts().includes('three'), 'the new file');
    expect(s.texts()).toEqual(['one', 'two', 'three']);
    expect(s.lines.at(-1)).toMatchObject({ line: 1, offset: 0 });
    // agent.log.1 appeared in the watched directory, but it is the file we already read.
    await new Promise((r) => setTimeout(r, 500));
    expect(s.texts()).toEqual(['one', 'two', 'three']);
  });

  it('restarts at 0 after copytruncate / truncation', async () => {
    const f = join(dir, 't.log');
    writeFileSync(f, 'a long first line\n');
    const s = start([f]);
    await ready(s.t);
    truncateSync(f, 0);
    await until(() => s.events.some((e) => e.startsWith('truncated')), 'truncation');
    appendFileSync(f, 'x\n');
    await until(() => s.lines.length === 1);
    expect(s.lines[0]).toMatchObject({ text: 'x', line: 1, offset: 0 });
  });

  it('survives deletion and reads the re-created file', async () => {
    const f = join(dir, 'd.log');
    writeFileSync(f, '');
    const s = start([f]);
    await ready(s.t);
    appendFileSync(f, 'before\n');
    await until(() => s.lines.length === 1);
    unlinkSync(f);
    await until(() => s.events.some((e) => e.startsWith('deleted')), 'deletion');
    writeFileSync(f, 'after\n');
    await until(() => s.texts().includes('after'), 're-created file');
    expect(s.problems).toEqual([]);
  });

  it('waits for an explicit file that does not exist yet', async () => {
    const f = join(dir, 'later.log');
    const s = start([f]);
    await new Promise((r) => setTimeout(r, 200));
    writeFileSync(f, 'hello\n');
    await until(() => s.lines.length === 1);
    expect(s.lines[0]).toMatchObject({ file: f, line: 1, text: 'hello' });
  });

  it('reads new files in a watched directory and new glob matches from their start', async () => {
    mkdirSync(join(dir, 'sub'));
    const s = start([dir, join(dir, 'sub', '*.jsonl')]);
    await new Promise((r) => setTimeout(r, 200));
    writeFileSync(join(dir, 'new.log'), 'n1\nn2\n');
    writeFileSync(join(dir, 'ignored.md'), 'no\n');
    writeFileSync(join(dir, 'sub', 'x.jsonl'), '{"g":1}\n');
    await until(() => s.lines.length === 3);
    expect(s.texts().sort()).toEqual(['n1', 'n2', '{"g":1}']);
  });

  it('reads history first with fromStart', async () => {
    const f = join(dir, 'h.log');
    writeFileSync(f, 'h1\nh2\n');
    const s = start([f], { fromStart: true });
    await until(() => s.lines.length === 2);
    appendFileSync(f, 'h3\n');
    await until(() => s.lines.length === 3);
    expect(s.texts()).toEqual(['h1', 'h2', 'h3']);
  });

  it('resumes exactly at a saved position', async () => {
    const f = join(dir, 'r.log');
    writeFileSync(f, 'r1\nr2\n');
    const first = start([f], { fromStart: true });
    await until(() => first.lines.length === 2);
    const saved = first.t.positions();
    await first.t.stop();
    appendFileSync(f, 'r3\n');
    const second = start([f], { fromStart: true, positions: saved });
    await until(() => second.lines.length === 1);
    expect(second.lines[0]).toMatchObject({ text: 'r3', line: 3, offset: 6 });
  });

  it('stop() releases everything: the process has no handles of ours left', async () => {
    const f = join(dir, 's.log');
    writeFileSync(f, 'x\n');
    const s = start([dir], { fromStart: true });
    await until(() => s.lines.length === 1);
    await s.t.ready; // the watchers exist from here on
    const watches = () =>
      process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap' || r === 'Timeout').length;
    const before = watches();
    expect(before).toBeGreaterThan(0);
    await s.t.stop();
    // A closed handle leaves the list when libuv runs its close callback: on the next turns of the loop.
    await until(
      () => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length === 0,
      'watchers closed',
    );
    expect(watches()).toBeLessThan(before);
  });
});

describe('tail (read to the end)', () => {
  it('reads every file, flushes a last line without a newline, and finishes', async () => {
    writeFileSync(join(dir, 'a.log'), 'a1\na2');
    writeFileSync(join(dir, 'b.jsonl'), 'b1\n');
    const s = start([dir], { fromStart: true, follow: false });
    await s.t.done;
    expect(s.texts()).toEqual(['a1', 'a2', 'b1']);
  });

  it('reports one clear problem for an unreadable path and reads the others', async () => {
    const loop = join(dir, 'loop.log');
    symlinkSync(loop, loop);
    writeFileSync(join(dir, 'good.log'), 'fine\n');
    const s = start([loop, join(dir, 'good.log')], { fromStart: true, follow: false });
    await s.t.done;
    expect(s.texts()).toEqual(['fine']);
    expect(s.problems).toHaveLength(1);
    expect(s.problems[0]?.message).toBe(`cannot read ${loop}: too many levels of symbolic links`);
  });

  it('takes chunks read ahead, reads on itself when they stop, and reports their read errors', async () => {
    const f = join(dir, 'ahead.log');
    const text = Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n') + '\n';
    writeFileSync(f, text);
    const data = Buffer.from(text);
    // A reader ahead that hands over `n` chunks of 100 bytes, then stops (null) or fails.
    const aheadOf = (n: number, then: 'stop' | 'fail') => {
      const asked: number[] = [];
      const scanner = {
        taken: 0,
        scan: (...span: [Buffer, number, number, number, number, number, number]) => span[2],
        readAhead(_fd: number, pos: number, chunk: number) {
          asked.push(pos, chunk);
          let at = pos;
          let left = n;
          return {
            next() {
              if (left-- <= 0) {
                if (then === 'fail') throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
                return null;
              }
              const b = Buffer.from(data.subarray(at, at + 100));
              at += b.length;
              return b;
            },
            close() {},
          };
        },
      };
      return { scanner, asked };
    };
    const stop = aheadOf(7, 'stop');
    const s = start([f], { fromStart: true, follow: false, lazyLines: true, scanner: () => stop.scanner });
    await s.t.done;
    expect(s.texts()).toEqual(text.trimEnd().split('\n'));
    expect(s.problems).toEqual([]);
    // Asked once, from the start, for chunks of 256 KiB (no chunk size was given).
    expect(stop.asked).toEqual([0, 256 * 1024]);

    const fail = aheadOf(3, 'fail');
    const s2 = start([f], { fromStart: true, follow: false, lazyLines: true, scanner: () => fail.scanner });
    await s2.t.done;
    // What was read before the error, its partial last line too (as at the end of any read).
    expect(s2.texts()).toEqual(text.slice(0, 300).split('\n'));
    expect(s2.problems.map((p) => p.message)).toEqual([`cannot read ${f}: input/output error`]);
  });

  it('expands paths for the CLI, naming what is wrong with each', async () => {
    writeFileSync(join(dir, 'x.log'), '');
    writeFileSync(join(dir, 'x.log.1'), '');
    mkdirSync(join(dir, 'empty'));
    const r = await expandPaths([dir, join(dir, 'missing.log'), join(dir, 'empty'), join(dir, '*.nothing')]);
    expect(r.files).toEqual([join(dir, 'x.log.1'), join(dir, 'x.log')]);
    expect(r.problems.map((p) => p.message)).toEqual([
      `no such file or directory: ${join(dir, 'missing.log')}`,
      expect.stringMatching(/^no log files in .*empty \(looked for \*\.log/),
      `no files match ${join(dir, '*.nothing')}`,
    ]);
  });
});
