// Helpers that turn literal log text into RawLines and events, for unit tests of the parsers.
import type { AgentEvent, FormatId } from '../../src/shared/events.js';
import { FileParser } from '../../src/core/formats/parser.js';
import type { RawLine } from '../../src/core/logs/types.js';
import { Pipeline } from '../../src/core/pipeline.js';

/** Splits text as the tailer would (no ANSI stripping here: pass already-clean text). */
export function rawLines(text: string, file = '/logs/agent.log'): RawLine[] {
  const out: RawLine[] = [];
  let offset = 0;
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  parts.forEach((t, i) => {
    out.push({ file, line: i + 1, offset, text: t.replace(/\r$/, '').replace(/\x1b\[[0-9;]*m/g, '') });
    offset += Buffer.byteLength(t) + 1;
  });
  return out;
}

export function parseAll(
  text: string,
  opts: { format?: FormatId; file?: string; baseTime?: number } = {},
): AgentEvent[] {
  const p = new FileParser(opts.file ?? '/logs/agent.log', {
    format: opts.format,
    baseTime: opts.baseTime ?? Date.UTC(2026, 10, 24, 12),
  });
  const events: AgentEvent[] = [];
  for (const l of rawLines(text, opts.file)) p.push(l, (e) => events.push(e));
  p.flush((e) => events.push(e));
  return events;
}

export function analyzeText(files: Record<string, string>) {
  const p = new Pipeline({ baseTime: () => Date.UTC(2026, 10, 24, 12) });
  for (const [file, text] of Object.entries(files)) {
    p.push(rawLines(text, file));
    p.drained(file);
  }
  p.end();
  p.conclude();
  return p.sessions();
}
