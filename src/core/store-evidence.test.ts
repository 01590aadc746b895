import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecord } from './store.js';

const FIX = join(import.meta.dirname, '../../test/fixtures');
/** The byte offset of the first line of `file` that contains `text`, and the lines from there. */
function at(file: string, text: string): { offset: number; lines: string[] } {
  const bytes = readFileSync(file);
  const s = bytes.toString('utf8');
  const i = s.indexOf(text);
  const start = s.lastIndexOf('\n', i) + 1;
  return { offset: Buffer.byteLength(s.slice(0, start)), lines: s.slice(start).split('\n') };
}
const plain = (l: string) => l.replace(/\x1b\[[0-9;]*m/g, '');

describe('an event’s evidence read back from its log (the timeline’s raw line)', () => {
  it('is the whole pino-pretty record: its header and its fields, the error object too', () => {
    const file = join(FIX, 'real/llm-credits.pretty.log');
    const { offset, lines } = at(file, 'failed to generate LLM completion');
    const text = readRecord(file, offset) ?? '';
    const own = [
      lines[0],
      ...lines.slice(
        1,
        lines.findIndex((l, i) => i > 0 && l.startsWith('[')),
      ),
    ];
    expect(text).toBe(own.map((l) => plain(l ?? '')).join('\n'));
    expect(text).toContain('credit quota exceeded');
    expect(text.split('\n').length).toBeGreaterThan(5);
  });

  it('is the record alone out of a log collector: docker compose, another service writing between its lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deadair-evidence-'));
    try {
      const src = join(FIX, 'real/llm-credits.pretty.log');
      const { lines } = at(src, 'failed to generate LLM completion');
      const end = lines.findIndex((l, i) => i > 0 && l.startsWith('['));
      const own = lines.slice(0, end).map((l) => plain(l));
      const other = 'livekit-1  | 2026-12-05T13:00:00.000Z\tINFO\tlivekit\troom event';
      const file = join(dir, 'compose.log');
      writeFileSync(file, [other, ...own.flatMap((l) => [`agent-1    | ${l}`, other])].join('\n') + '\n');
      const { offset } = at(file, 'failed to generate LLM completion');
      expect(readRecord(file, offset)).toBe(own.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is a Python error line with the traceback printed after it', () => {
    const file = join(FIX, 'python-real/1.8.9/credits.dev.log');
    const { offset } = at(file, 'Error in _llm_inference_task');
    const text = readRecord(file, offset) ?? '';
    expect(text.split('\n')[0]).toMatch(/ - ERROR livekit\.agents - Error in _llm_inference_task/);
    expect(text).toContain('Traceback (most recent call last):');
    expect(text).toMatch(/APIStatusError: .*429/);
    // Not the next record.
    expect(
      text
        .split('\n')
        .slice(1)
        .some((l) => /^\d{4}-\d{2}-\d{2} /.test(l)),
    ).toBe(false);
  });

  it('is one line of JSON, and a console record with its wrapped extras', () => {
    const json = join(FIX, 'python-real/1.8.9/credits.json.log');
    const j = at(json, '"conversation_item_added"');
    expect(readRecord(json, j.offset)).toBe(j.lines[0]);
    const con = join(FIX, 'python-real/1.8.9/healthy-metrics.console-80.log');
    const c = at(con, 'LLM metrics');
    const text = readRecord(con, c.offset) ?? '';
    expect(text).toContain('"tokens_per_second"');
    expect(text).not.toContain('conversation_item_added');
  });

  it('is undefined for a file that is gone', () => {
    expect(readRecord(join(FIX, 'no-such.log'), 0)).toBeUndefined();
  });
});
