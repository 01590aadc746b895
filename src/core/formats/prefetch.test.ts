// Reading ahead on the worker hands over exactly the chunks a reader would read itself, with the
// records the classifier gives them here — also after a job was stopped part way, when the worker's
// tables start afresh. (That analyze says the same either way is test/bulk.test.ts.)
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the benchmark's generator is plain JavaScript
import { jsonLines, prettyLines, textLines } from '../../../bench/generate.mjs';
import { stripAnsi } from '../logs/lines.js';
import { classifyHere, type ChunkRecords } from './bulk.js';
import { REC_F64, REC_I32, REC_OWNER, REC_MSG } from './classifier.js';
import { FileParser } from './parser.js';
import { readAhead } from './prefetch.js';

// The worker reads full-path lines only while it waits for a free slot (the path a slow reader
// leaves it time for; as it fills a slot when ahead is test/bulk.test.ts). Read when it starts.
process.env.DEADAIR_PREPARE = 'idle';

const dir = mkdtempSync(join(tmpdir(), 'deadair-prefetch-'));

function take(gen: Generator<string>, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(gen.next().value as string);
  return out.join('\n') + '\n';
}

/** A record as its ids mean, so records of two classifiers (two sets of ids) compare. */
function meaning(r: ChunkRecords): unknown[] {
  const out: unknown[] = [];
  for (let k = 0; k < r.count; k++) {
    const b = k * REC_I32;
    const format = ((r.i32[b + 5] as number) >> 2) & 7;
    out.push([
      ...r.i32.subarray(b, b + 3),
      r.i32[b + 5],
      r.space.owners[r.i32[b + REC_OWNER] as number],
      r.space.messages[format]?.[r.i32[b + REC_MSG] as number],
      r.f64[k * REC_F64 + 3],
    ]);
  }
  return out;
}

/** Reads `file` ahead from `pos` (at most `max` chunks), checking each chunk against a read here. */
function check(file: string, chunk: number, max = Infinity): number {
  const fd = openSync(file, 'r');
  const mine = Buffer.alloc(chunk);
  try {
    const reader = readAhead(fd, 0, chunk, 16384, 3);
    if (!reader) throw new Error('no worker');
    let pos = 0;
    let chunks = 0;
    let atLineStart = true;
    for (; chunks < max; chunks++) {
      const got = reader.next();
      if (got === null) throw new Error('the worker stopped answering');
      const n = readSync(fd, mine, 0, chunk, pos);
      expect(got.length).toBe(n);
      if (n === 0) return chunks;
      expect(got.equals(mine.subarray(0, n))).toBe(true);
      const nl = mine.indexOf(10);
      const from = atLineStart ? 0 : nl < 0 || nl >= n ? n : nl + 1;
      const ahead = meaning(reader.records(got) as ChunkRecords);
      const here = meaning(classifyHere(mine.subarray(0, n), from, n, 16384, 3) as ChunkRecords);
      expect(ahead).toEqual(here);
      atLineStart = mine[n - 1] === 10;
      pos += n;
    }
    reader.close();
    return chunks;
  } finally {
    closeSync(fd);
  }
}

describe('reading ahead', () => {
  it('hands over the chunks and records a reader would get here, to the end of the file', () => {
    const json = join(dir, 'a.json.log');
    writeFileSync(json, take(jsonLines(3), 20_000));
    expect(check(json, 64 * 1024)).toBeGreaterThan(40);
    expect(check(json, 4099)).toBeGreaterThan(500);
  });

  it('starts afresh after a job stopped part way, and reads the next file whole', () => {
    const text = join(dir, 'b.text.log');
    writeFileSync(text, take(textLines(4), 20_000));
    expect(check(text, 8192, 3)).toBe(3);
    expect(check(text, 8192)).toBe(Math.ceil(readFileSync(text).length / 8192));
  });

  it('reads the full-path lines of chunks the reader has not taken while it waits, as the full path reads them here', () => {
    const pretty = join(dir, 'd.pretty.log');
    writeFileSync(pretty, take(prettyLines(6), 30_000));
    const bytes = readFileSync(pretty);
    const fd = openSync(pretty, 'r');
    const pause = new Int32Array(new SharedArrayBuffer(4));
    const parser = new FileParser('');
    let supplemented = 0;
    let events = 0;
    try {
      const chunk = 16 * 1024;
      const reader = readAhead(fd, 0, chunk, 16384, 15);
      if (!reader) throw new Error('no worker');
      for (let pos = 0; ;) {
        const got = reader.next();
        if (got === null) throw new Error('the worker stopped answering');
        if (got.length === 0) break;
        const full = (reader.records(got) as ChunkRecords).full;
        if (full !== undefined) {
          supplemented++;
          for (const p of full) {
            // A whole record of this chunk, starting a line, that the full path reads alike here.
            expect(got[p.start]).toBe(91);
            expect(p.start === 0 || got[p.start - 1] === 10).toBe(true);
            expect(got[p.next - 1]).toBe(10);
            const lines = got
              .toString('utf8', p.start, p.next - 1)
              .split('\n')
              .map((t) => ({ file: '', line: 0, offset: 0, text: stripAnsi(t) }));
            expect(lines.length).toBe(p.lines);
            expect(p.ev).toEqual(parser.eventOf(lines)?.ev);
            events++;
          }
        }
        expect(got.equals(bytes.subarray(pos, pos + got.length))).toBe(true);
        pos += got.length;
        // A slow reader: the worker fills every slot and waits.
        Atomics.wait(pause, 0, 0, 5);
      }
      reader.close();
    } finally {
      closeSync(fd);
    }
    expect(supplemented).toBeGreaterThan(5);
    expect(events).toBeGreaterThan(20);
  });

  it('reads one file at a time', () => {
    const json = join(dir, 'c.json.log');
    writeFileSync(json, take(jsonLines(5), 1000));
    const fd = openSync(json, 'r');
    try {
      const a = readAhead(fd, 0, 4096, 16384, 3);
      expect(a).toBeDefined();
      expect(readAhead(fd, 0, 4096, 16384, 3)).toBeUndefined();
      a?.close();
      const b = readAhead(fd, 0, 4096, 16384, 3);
      expect(b?.next()?.length).toBe(4096);
      b?.close();
    } finally {
      closeSync(fd);
    }
  });
});
