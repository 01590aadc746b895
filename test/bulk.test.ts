// The bulk reader (analyze's hot path) must never change what analyze says: every log here is read
// twice from real files — line by line through the full path, and with the bulk reader taking what
// it can straight from the chunks — and the two must agree on every session, finding, piece of
// evidence, line count and format. The logs are the benchmark's own mixes, the framework-shaped
// fixtures, and the same lines mutated, interleaved, coloured, cut across small read chunks and
// broken in every way a log breaks.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the benchmark's generator is plain JavaScript
import { jsonLines, prettyLines, pyJsonLines, textLines } from '../bench/generate.mjs';
import { preparedFolded } from '../src/core/formats/bulk.js';
import { chunksReadAhead } from '../src/core/formats/prefetch.js';
import { LineSplitter } from '../src/core/logs/lines.js';
import { tail } from '../src/core/logs/tail.js';
import type { RawLine } from '../src/core/logs/types.js';
import { Pipeline } from '../src/core/pipeline.js';
import type { FormatId } from '../src/shared/events.js';
import type { Finding } from '../src/shared/types.js';
import { BIN } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'deadair-bulk-'));
const BASE = Date.UTC(2026, 10, 24, 12);
// The worker reads pino-pretty records by the full path whether or not it is ahead of the reader.
process.env.DEADAIR_PREPARE = '1';

interface Run {
  bulk: boolean;
  /** Read and classify the chunks ahead on the worker thread (prefetch.ts), or here. */
  ahead?: boolean;
  format?: FormatId;
  chunkBytes?: number;
  maxLineBytes?: number;
  /** A listener for findings as they are raised. */
  onFinding?: (f: Finding) => void;
}

async function analyze(paths: string[], run: Run) {
  const p = new Pipeline({
    format: run.format,
    baseTime: () => BASE,
    prefetch: run.ahead ? 'always' : 'never',
    onFinding: run.onFinding,
  });
  let taken = 0;
  const t = tail({
    paths,
    fromStart: true,
    follow: false,
    lazyLines: true,
    chunkBytes: run.chunkBytes,
    maxLineBytes: run.maxLineBytes,
    scanner: run.bulk
      ? (f) => {
          const s = p.scanner(f);
          if (!s) return undefined;
          return {
            taken: 0,
            readAhead: s.readAhead,
            scan(...a: Parameters<typeof s.scan>) {
              const pos = s.scan(...a);
              this.taken = s.taken;
              taken += s.taken;
              return pos;
            },
          };
        }
      : undefined,
    onLines: (l) => p.push(l),
    onDrained: (f) => p.drained(f),
    onProblem: () => undefined,
  });
  await t.done;
  p.end();
  const report = JSON.stringify({
    sessions: p.sessions(),
    files: p.files(),
    lines: p.lines,
    events: p.events,
    unattributed: p.tracker.unattributed,
  });
  return { report, taken, lines: p.lines };
}

/**
 * Reads `paths` three ways — the full path, the bulk reader classifying here, and classifying
 * ahead on the worker — and expects the same report; returns the share of lines taken in bulk.
 */
async function agree(paths: string[], run: Omit<Run, 'bulk' | 'ahead'> = {}): Promise<number> {
  const full = await analyze(paths, { ...run, bulk: false });
  const bulk = await analyze(paths, { ...run, bulk: true });
  const before = chunksReadAhead();
  const ahead = await analyze(paths, { ...run, bulk: true, ahead: true });
  // The worker read them (when the bulk reader reads the format at all).
  if (bulk.taken > 0) expect(chunksReadAhead()).toBeGreaterThan(before);
  expect(full.taken).toBe(0);
  for (const r of [bulk, ahead]) {
    if (r.report !== full.report) {
      // Point at the first difference, not at two megabytes of JSON.
      let i = 0;
      while (r.report[i] === full.report[i]) i++;
      expect(r.report.slice(Math.max(0, i - 300), i + 300)).toBe(
        full.report.slice(Math.max(0, i - 300), i + 300),
      );
    }
  }
  // Read ahead, at least the lines read here are taken: the worker also reads the lines it can
  // read alone by the full path (errors, mostly), and chunks read ahead are larger by default
  // (fewer lines are split across two).
  expect(ahead.taken).toBeGreaterThanOrEqual(bulk.taken);
  return bulk.lines === 0 ? 0 : bulk.taken / bulk.lines;
}

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function take(gen: Generator<string>, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(gen.next().value as string);
  return out;
}

const ODD = [
  '\x1b[31m',
  '\x1b]0;title\x07',
  '\x1bM',
  '\u009b',
  '\x9b',
  '\u00e9',
  '\ufffd',
  '\\',
  '"',
  '\r',
  '\t',
  ' ',
  '}',
  '{"',
  '"pid": 7, ',
  '"room": "support-1", ',
  '"tid": 3, ',
  'room_name"',
  '"roomName"',
  ' - ',
  'WARNING',
  'User turn committed',
  'Creating speech handle',
  'AgentSession is closing due to an unrecoverable error',
  '0',
  '9',
];

/** Breaks a line the way logs break: bytes lost, odd characters in, cut short, doubled. */
function mutate(line: string, r: () => number): string {
  let out = line;
  const ops = 1 + Math.floor(r() * 3);
  for (let i = 0; i < ops; i++) {
    const at = Math.floor(r() * (out.length + 1));
    const op = r();
    if (op < 0.3) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(r() * 6));
    else if (op < 0.75)
      out = out.slice(0, at) + (ODD[Math.floor(r() * ODD.length)] as string) + out.slice(at);
    else if (op < 0.85) out = out.slice(0, at);
    else out = out.slice(0, at) + out.slice(0, at);
  }
  return out;
}

const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/app/agent.py", line 10, in entrypoint',
  '    await session.start()',
  'RuntimeError: boom',
];

/** A log of `lines`, some mutated, with tracebacks, blank lines and invalid UTF-8 between them. */
function corrupt(lines: string[], seed: number, rate = 0.08): Buffer {
  const r = rng(seed);
  const parts: Buffer[] = [];
  for (const l of lines) {
    const x = r();
    if (x < rate) parts.push(Buffer.from(mutate(l, r)));
    else parts.push(Buffer.from(l));
    const y = r();
    if (y < 0.004) parts.push(Buffer.from('\n' + TRACEBACK.join('\n')));
    else if (y < 0.006) parts.push(Buffer.from('\n'));
    else if (y < 0.008) parts.push(Buffer.from([0x0a, 0xff, 0xfe, 0x41, 0xc3]));
    else if (y < 0.01) parts.push(Buffer.from('\r'));
    parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

function write(name: string, data: string | Buffer): string {
  const f = join(dir, name);
  writeFileSync(f, data);
  return f;
}

describe('the bulk reader agrees with the full path', () => {
  it('on the benchmark mixes (agents-js JSON and pino-pretty, livekit-agents dev text and JSON), taking most lines', async () => {
    const json = write('bench.json.log', take(jsonLines(7), 30_000).join('\n') + '\n');
    const text = write('bench.text.log', take(textLines(8), 30_000).join('\n') + '\n');
    const pyjson = write('bench.pyjson.log', take(pyJsonLines(9), 30_000).join('\n') + '\n');
    const pretty = write('bench.pretty.log', take(prettyLines(10), 10_000).join('\n') + '\n');
    expect(await agree([json])).toBeGreaterThan(0.9);
    expect(await agree([text])).toBeGreaterThan(0.9);
    expect(await agree([pyjson])).toBeGreaterThan(0.9);
    // Its error records are read by the full path on the worker, and folded by the bulk reader.
    const before = preparedFolded();
    expect(await agree([pretty])).toBeGreaterThan(0.9);
    expect(preparedFolded()).toBeGreaterThan(before + 20);
    // All files at once: the same reader per file, sessions of each.
    expect(await agree([json, text, pyjson, pretty])).toBeGreaterThan(0.9);
  });

  // Every log read three ways, in many chunk sizes: the time it may take on a loaded machine.
  it('on the framework-shaped fixtures, whatever the format, chunk size or line cap', async () => {
    // What the real frameworks printed (python-real: livekit-agents, a folder per version).
    const fixtures = ['python', 'real', 'python-real']
      .filter((d) => existsSync(join('test/fixtures', d)))
      .flatMap((d) =>
        readdirSync(join('test/fixtures', d), { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.log') || f.endsWith('.jsonl'))
          .sort()
          .map((f) => join('test/fixtures', d, f)),
      );
    expect(fixtures.length).toBeGreaterThan(10);
    for (const f of fixtures) {
      await agree([f]);
      await agree([f], { chunkBytes: 97 });
    }
    await agree(fixtures);
    for (const format of ['pino-json', 'python-text', 'python-json', 'pino-pretty'] as FormatId[])
      await agree(fixtures, { format, chunkBytes: 4096 });
  }, 180_000);

  // Every log read three ways, in many chunk sizes: the time it may take on a loaded machine.
  it('on mutated, interleaved and broken logs, across small chunks and a small line cap', async () => {
    const json = take(jsonLines(11), 8000);
    const text = take(textLines(12), 8000);
    const pyjson = take(pyJsonLines(13), 8000);
    // pino-pretty records span several lines (a header, then fields indented four spaces).
    const pretty = take(prettyLines(14), 8000);
    const r = rng(99);
    // One worker's JSON and dev text interleaved in one file, and the same jobs in a second file.
    const mixed: string[] = [];
    for (let i = 0; i < 8000; i++) {
      const x = r();
      mixed.push((x < 0.3 ? json[i] : x < 0.6 ? text[i] : x < 0.9 ? pyjson[i] : pretty[i]) as string);
    }
    const alone = [json, text, pyjson, pretty];
    const forced: FormatId[] = ['python-text', 'pino-json', 'python-json', 'pino-pretty'];
    for (let seed = 1; seed <= 6; seed++) {
      const a = write(`mut-${seed}-a.log`, corrupt(mixed, seed));
      const b = write(`mut-${seed}-b.log`, corrupt(alone[seed % 4] as string[], seed + 100, 0.2));
      for (const chunkBytes of [64 * 1024, 1000, 97]) await agree([a, b], { chunkBytes });
      await agree([a, b], { chunkBytes: 5000, maxLineBytes: 180 });
      await agree([a], { format: forced[seed % 4], chunkBytes: 3000 });
    }
  }, 180_000);

  it('dates pino-pretty errors read on the worker by the day clock, across midnight', async () => {
    // Chatter (taken in bulk) and retry warnings with a stack (read on the worker) from 23:58 to
    // 00:02: the day clock moves to the next day at the first line after midnight, whichever reads it.
    const lines: string[] = [];
    const hms = (s: number) => {
      const t = (86_400 + 23 * 3600 + 58 * 60 + s) % 86_400;
      const two = (n: number) => String(n).padStart(2, '0');
      return `${two(Math.floor(t / 3600))}:${two(Math.floor(t / 60) % 60)}:${two(t % 60)}.${String((s * 37) % 1000).padStart(3, '0')}`;
    };
    for (let s = 0; s < 240; s++) {
      const job = `AJ_${s % 7}`;
      const head = (level: string, msg: string) =>
        `[${hms(s)}] \x1b[33m${level}\x1b[39m (${100 + (s % 7)}): \x1b[36m${msg}\x1b[39m`;
      lines.push(head('DEBUG', 'running EOU detection'), `    jobID: "${job}"`, `    room_id: "RM_${s % 7}"`);
      if (s % 3 === 0)
        lines.push(
          head('WARN', 'failed to generate LLM completion, retrying in 2000ms'),
          `    jobID: "${job}"`,
          `    room_id: "RM_${s % 7}"`,
          '    llm: "inference.LLM"',
          '    attempt: 1',
          '    error: {',
          '      "type": "APIStatusError",',
          '      "message": "429 \\"LLM token credit quota exceeded, category: MaxConcurrentGatewayLLMRpm\\"",',
          '      "stack":',
          '          APIStatusError: 429 "LLM token credit quota exceeded, category: MaxConcurrentGatewayLLMRpm"',
          '              at LLMStream.run (file:///app/node_modules/@livekit/agents/dist/inference/llm.js:322:15)',
          '      "retryable": true,',
          '      "statusCode": 429,',
          `      "requestId": "req_${s}"`,
          '    }',
        );
    }
    const f = write('midnight.pretty.log', lines.join('\n') + '\n');
    const before = preparedFolded();
    await agree([f]);
    await agree([f], { chunkBytes: 4096 });
    expect(preparedFolded()).toBeGreaterThan(before + 50);
  });

  it('keeps the evidence text of dev-text turns whose colour codes cut UTF-8 characters apart', async () => {
    // Each job ends one user turn and is never answered: its silence keeps that line as evidence.
    const odd = [
      Buffer.from([0xc3, 0x1b, 0x5b, 0x30, 0x6d, 0xa9]), // é cut in two by a colour code
      Buffer.from('\x1b[1m\u00e9\x1b[0m caf\u00e9'), // whole characters between codes
      Buffer.from([0xc3, 0x1b, 0x5b, 0x6d, 0x41]), // a lead byte, then ASCII
      Buffer.from([0xe2, 0x82, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0xac]), // € cut in two
      Buffer.from([0x1b, 0x5b, 0x30, 0x6d, 0xa9]), // a lone continuation byte
    ];
    const parts: Buffer[] = [];
    for (let j = 0; j < 200; j++) {
      const t = `2026-11-24 12:${String(Math.floor(j / 60)).padStart(2, '0')}:${String(j % 60).padStart(2, '0')},${String(j % 1000).padStart(3, '0')}`;
      const stamp = `\x1b[90m{"pid": ${100 + j}, "job_id": "AJ_${j}", "room": "r-${j}"}\x1b[0m`;
      const line = (msg: Buffer) =>
        Buffer.concat([
          Buffer.from(`${t} - \x1b[36mDEBUG\x1b[0m livekit.agents - `),
          msg,
          Buffer.from(` ${stamp}\n`),
        ]);
      for (let k = 0; k < 4; k++) parts.push(line(Buffer.from('running EOU detection')));
      parts.push(
        line(Buffer.concat([Buffer.from(`user turn committed ${j} `), odd[j % odd.length] as Buffer])),
      );
      for (let k = 0; k < 4; k++) parts.push(line(Buffer.from('running EOU detection')));
    }
    const f = write('utf8-cut.log', Buffer.concat(parts));
    expect(await agree([f])).toBeGreaterThan(0.8);
    expect(await agree([f], { chunkBytes: 500 })).toBeGreaterThan(0.5);
    // The silences keep those lines, decoded as the full path decodes them.
    const { report } = await analyze([f], { bulk: true });
    expect(report).toContain('user turn committed 1 \u00e9 caf\u00e9 {');
    expect(report).toContain('user turn committed 0 \ufffd\ufffd {');
    // A listener sees each finding's evidence as it is raised, text and all.
    const seen: string[] = [];
    const heard = await analyze([f], {
      bulk: true,
      onFinding: (x) => seen.push(...x.evidence.map((e) => e.text)),
    });
    expect(heard.report).toBe(report);
    expect(seen.length).toBeGreaterThan(100);
    expect(seen.filter((t) => !t.includes('user turn committed'))).toEqual([]);
  });

  it('when jobs share a room name, move between files, or are named only after their pid', async () => {
    const r = rng(5);
    const dev = (t: number, msg: string, stamp: string) =>
      `2026-11-24 12:00:${String(t % 60).padStart(2, '0')},${String(t % 1000).padStart(3, '0')} - \x1b[36mDEBUG\x1b[0m livekit.agents - ${msg} \x1b[90m{${stamp}}\x1b[0m`;
    const lines: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const job = Math.floor(r() * 4);
      // Jobs 0 and 1 are in the same room (a room reused by the next job, or two agents).
      const room = job < 2 ? 'shared' : `room-${job}`;
      const msg = ['user turn committed', 'running EOU detection', 'generating reply'][
        Math.floor(r() * 3)
      ] as string;
      const stamp =
        r() < 0.1 ? `"pid": ${100 + job}` : `"pid": ${100 + job}, "job_id": "AJ_${job}", "room": "${room}"`;
      lines.push(dev(i, msg, stamp));
    }
    const a = write('rooms-a.log', lines.slice(0, 3000).join('\n') + '\n');
    const b = write('rooms-b.log', lines.slice(3000).join('\n') + '\n');
    expect(await agree([a, b])).toBeGreaterThan(0.5);
    expect(await agree([b, a], { chunkBytes: 777 })).toBeGreaterThan(0.5);
    // Never more than what was read: the report counts every line once.
    const full = await analyze([a, b], { bulk: true });
    expect(full.lines).toBe(6000);
    expect(readFileSync(a, 'utf8').split('\n').length - 1).toBe(3000);
  });

  it('when pino-pretty pids share a slot of the pid cache, are written with a leading zero, or run one job after another', async () => {
    const r = rng(9);
    const lines: string[] = [];
    // 7, 1031 and 2055 are one slot of the classifier's pid cache (1024 slots); `(07)` is pid 7 to the
    // full path but other bytes; pid 7 runs AJ_a, then AJ_c in another room.
    const procs = [
      { pid: '7', job: 'AJ_a', room: 'RM_1' },
      { pid: '1031', job: 'AJ_b', room: 'RM_1' },
      { pid: '2055', job: 'AJ_a', room: 'RM_2' },
      { pid: '07', job: 'AJ_a', room: 'RM_1' },
    ];
    let k = 0;
    for (let i = 0; i < 4000; i++) {
      // Half the records are of the process before (found in the cache), and AJ_c's first record
      // comes right after one of AJ_a's, in lines of the same length.
      if (i === 1999) k = 0;
      else if (i !== 2000 && r() < 0.5) k = Math.floor(r() * procs.length);
      const p = procs[k] as (typeof procs)[number];
      const job = p.pid === '7' && i >= 2000 ? { job: 'AJ_c', room: 'RM_3' } : p;
      const s = String(i % 60).padStart(2, '0');
      const msg = ['user turn committed', 'running EOU detection', 'Creating speech handle'][
        Math.floor(r() * 3)
      ] as string;
      lines.push(
        `[12:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${s}.${String(i % 1000).padStart(3, '0')}] \x1b[34mDEBUG\x1b[39m (${p.pid}): \x1b[36m${msg}\x1b[39m`,
        `    jobID: "${job.job}"`,
        `    room_id: "${job.room}"`,
      );
    }
    const f = write('pid-cache.log', lines.join('\n') + '\n');
    expect(await agree([f])).toBeGreaterThan(0.5);
    expect(await agree([f], { chunkBytes: 4096 })).toBeGreaterThan(0.5);
  });

  it('when pino-pretty headers are coloured in other ways than its own, or their colour codes cut a character apart', async () => {
    // The classifier reads pino-pretty's own colouring where it is, and strips any other first:
    // each way of colouring a header must read as the full path reads it.
    const E = '\x1b';
    const variants: ((level: string, pid: string, msg: string) => Buffer)[] = [
      (l, p, m) => Buffer.from(`${E}[34m${l}${E}[39m (${p}): ${E}[36m${m}${E}[39m`),
      (l, p, m) => Buffer.from(`${E}[1;34m${l}${E}[22;39m (${p}): ${E}[36m${m}${E}[39m`),
      (l, p, m) => Buffer.from(`${E}[34m${l}${E}[39m (${p}): ${m}`),
      (l, p, m) => Buffer.from(`${l} (${p}): ${E}[36m${m}${E}[39m`),
      (l, p, m) => Buffer.from(`${E}[34m${l}${E}[39m (${p}): ${E}[36m${m}${E}[39m${E}[0m`),
      (l, p, m) => Buffer.from(`${E}[34m${l}${E}[39m (${p}): ${E}[36m${m}${E}[39m tail`),
      (l, p, m) =>
        Buffer.from(`${E}[34m${l}${E}[39m (${p}): ${E}[36m${m.slice(0, 4)}${E}[1m${m.slice(4)}${E}[39m`),
      (l, p, m) => Buffer.from(`${E}[34m${l}${E}[39m (${p}): ${E}[36m${m}${E}[39`),
      (l, p, m) => Buffer.from(`${E}[34m${l}${E}[39m (${p}): ${E}[36m${m}${E}`),
      (l, p, m) => Buffer.from(`${E}[34m ${l}${E}[39m (${p}): ${E}[36m${m}${E}[39m`),
      (l, p, m) => Buffer.from(`${E}[34m${l}${E}[39m(${p}): ${E}[36m${m}${E}[39m`),
      (l, p, m) => Buffer.from(`${E}]0;t${E}\\${l} (${p}): ${E}[36m${m}${E}[39m`),
      // "é" (C3 A9) cut by a colour code: a continuation byte after it.
      (l, p, m) =>
        Buffer.concat([
          Buffer.from(`${E}[34m${l}${E}[39m (${p}): ${E}[36m${m} `),
          Buffer.from([0xc3]),
          Buffer.from(`${E}[39m`),
          Buffer.from([0xa9]),
        ]),
      (l, p, m) =>
        Buffer.concat([
          Buffer.from(`${E}[34m${l}${E}[39m (${p}): ${E}[36m`),
          Buffer.from([0xa9]),
          Buffer.from(`${m}${E}[39m`),
        ]),
      (l, p, m) => Buffer.from(`${E}[34m${l}${E}[39m (${p}): ${E}[36m${m} é${E}[39m`),
    ];
    const r = rng(11);
    const parts: Buffer[] = [];
    for (let i = 0; i < 6000; i++) {
      const v = variants[Math.floor(r() * variants.length)] as (typeof variants)[number];
      const j = Math.floor(r() * 5);
      const msg = [
        'User turn committed',
        'running EOU detection',
        'Creating speech handle',
        'playout completed',
      ][Math.floor(r() * 4)] as string;
      const time = `[12:${String(Math.floor(i / 600) % 60).padStart(2, '0')}:${String(Math.floor(i / 10) % 60).padStart(2, '0')}.${String((i % 10) * 100).padStart(3, '0')}] `;
      const t = r() < 0.05 ? `[12:0${E}[1m0:00.000] ` : time;
      parts.push(
        Buffer.from(t),
        v(r() < 0.5 ? 'DEBUG' : 'INFO', String(4000 + j), msg),
        Buffer.from(`\n    jobID: "AJ_${j}"\n    room_id: "RM_${j}"\n`),
      );
    }
    const f = write('pretty-colours.log', Buffer.concat(parts));
    expect(await agree([f])).toBeGreaterThan(0.2);
    expect(await agree([f], { chunkBytes: 4096 })).toBeGreaterThan(0.2);
  });
});

describe('the bulk reader, when its tables fill up', () => {
  it('starts them afresh and still agrees (more distinct messages than it can hold)', async () => {
    // 40 000 distinct messages (ids in them, as some loggers write) overflow the scanner's 32 768.
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      const job = `AJ_fill${i % 7}`;
      const msg = i % 9 === 0 ? 'User turn committed' : `task speech_${i.toString(36)} done`;
      lines.push(
        `{"level":20,"time":${1795510800000 + i * 10},"pid":${100 + (i % 7)},"hostname":"w","pid":${100 + (i % 7)},"jobID":"${job}","room_id":"RM_fill${i % 7}","msg":"${msg}"}`,
      );
    }
    const f = write('fill.json.log', lines.join('\n') + '\n');
    expect(await agree([f])).toBeGreaterThan(0.9);
  });
});

describe('the bulk reader, driven by hand', () => {
  it('agrees when the chunks of two files that share jobs alternate', () => {
    // analyze reads one file after the other; a caller that alternates makes a job's last file
    // change under the reader, which must then stop trusting what it knew of that job.
    const lines = take(jsonLines(21), 6000);
    const files = {
      a: Buffer.from(lines.slice(0, 3000).join('\n') + '\n'),
      b: Buffer.from(lines.slice(3000).join('\n') + '\n'),
    };
    const run = (bulk: boolean) => {
      const p = new Pipeline({ baseTime: () => BASE });
      const readers = Object.entries(files).map(([name, data]) => {
        const file = `/alt/${name}.log`;
        const splitter = new LineSplitter(file, { lazy: true });
        const scanner = bulk ? p.scanner(file) : undefined;
        return { data, splitter, scanner, pos: 0 };
      });
      const r = rng(3);
      while (readers.some((x) => x.pos < x.data.length)) {
        for (const x of readers) {
          if (x.pos >= x.data.length) continue;
          const n = 200 + Math.floor(r() * 5000);
          // A copy per chunk: the reader's buffer is reused, and so is this one.
          const chunk = Buffer.from(x.data.subarray(x.pos, x.pos + n));
          x.pos += n;
          let batch: RawLine[] = [];
          x.splitter.push(
            chunk,
            (l) => batch.push(l),
            x.scanner && {
              scanner: x.scanner,
              before() {
                if (batch.length > 0) p.push(batch);
                batch = [];
              },
            },
          );
          if (batch.length > 0) p.push(batch);
        }
      }
      p.end();
      return JSON.stringify({ sessions: p.sessions(), files: p.files(), lines: p.lines, events: p.events });
    };
    expect(run(true)).toBe(run(false));
  });
});

describe('deadair analyze', () => {
  it('says the same with DEADAIR_BULK=0 (every line by the full path), DEADAIR_READ_AHEAD=0 (one thread) and by default', () => {
    // Over 8 MB: read ahead on the worker by default.
    const json = write('cli.json.log', take(jsonLines(31), 40_000).join('\n') + '\n');
    expect(statSync(json).size).toBeGreaterThan(8 * 1024 * 1024);
    const text = write('cli.text.log', take(textLines(32), 20_000).join('\n') + '\n');
    const run = (env: Record<string, string>) => {
      try {
        return execFileSync(process.execPath, [BIN, 'analyze', '--json', json, text], {
          env: { ...process.env, ...env },
          encoding: 'utf8',
          maxBuffer: 1 << 28,
        });
      } catch (e) {
        // Exit 1: some session failed (these mixes always have one); the report is on stdout.
        return (e as { stdout: string }).stdout;
      }
    };
    const fast = run({});
    const here = run({ DEADAIR_READ_AHEAD: '0' });
    const full = run({ DEADAIR_BULK: '0' });
    expect(JSON.parse(fast).summary.lines).toBe(60_000);
    expect(fast).toBe(full);
    expect(here).toBe(full);
  });
});
