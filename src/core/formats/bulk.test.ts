// What the bulk reader takes straight from the bytes, and what it leaves to the full path. (That
// the two always agree is test/bulk.test.ts: real files, mutated logs, both ways.)
import { describe, expect, it } from 'vitest';
import { rawLines } from '../../../test/support/lines.js';
import { Pipeline } from '../pipeline.js';
import { bulkAvailable } from './bulk.js';

const FILE = '/logs/agent.log';
const PINO = (level: number, rest: string) =>
  `{"level":${level},"time":1764000000123,"pid":4242,"hostname":"w","pid":4242,"jobID":"AJ_x","room_id":"RM_y"${rest}}`;
const DEV = (level: string, msg: string, stamp = '"pid": 51, "job_id": "AJ_py", "room": "demo"') =>
  `2026-11-24 19:05:01,123 - \x1b[36m${level}\x1b[0m livekit.agents - ${msg} \x1b[90m{"x": 1, ${stamp}}\x1b[0m`;
const NEXT =
  '2026-11-24 19:05:02,000 - DEBUG livekit.agents - next {"pid": 51, "job_id": "AJ_py", "room": "demo"}';

/** A pipeline that knows both jobs (their first lines took the full path). */
function known(): Pipeline {
  const p = new Pipeline({ baseTime: () => Date.UTC(2026, 10, 24, 12) });
  p.push(rawLines(PINO(30, ',"msg":"starting agent session"'), FILE));
  p.push(rawLines(DEV('INFO', 'starting agent session'), FILE));
  p.drained(FILE);
  return p;
}

/** How many of `lines` the reader takes, from the start. */
function taken(lines: string[], p = known()): number {
  const buf = Buffer.from(lines.join('\n') + '\n');
  const s = p.scanner(FILE);
  if (!s) throw new Error('no scanner');
  s.scan(buf, 1, 0, buf.length, 10, 0, 1 << 20);
  return s.taken;
}

describe('bulk reader', () => {
  it('has its WebAssembly scanner (built by scripts/build-cli.mjs)', () => {
    expect(bulkAvailable()).toBe(true);
  });

  it('takes chatter and turn markers of known jobs in both layouts', () => {
    const p = known();
    const before = p.sessions().find((s) => s.id === 'AJ_x')?.turns.agent ?? 0;
    const lines = [
      PINO(20, ',"speech_id":"s1","msg":"running EOU detection"'),
      PINO(30, ',"msg":"Creating speech handle"'),
      DEV('DEBUG', 'using preemptive generation'),
      DEV('INFO', 'user turn committed'),
      NEXT,
    ];
    // The last dev line is left: what follows it is not in this chunk.
    expect(taken(lines, p)).toBe(4);
    p.end();
    expect(p.sessions().find((s) => s.id === 'AJ_x')?.turns.agent).toBe(before + 1);
    expect(p.sessions().find((s) => s.id === 'AJ_py')?.turns.user).toBe(1);
  });

  it('leaves to the full path every line a rule reads, that teaches attribution, or is odd', () => {
    const no = [
      PINO(40, ',"msg":"running EOU detection"'), // a warning
      PINO(20, ',"msg":"failed to generate LLM completion, retrying in 2000ms"'), // a rule reads it
      PINO(20, ',"lk.pii.room_name":"demo","msg":"running EOU detection"'), // names its room
      PINO(20, ',"msg":"said \\"hi\\""'), // escapes
      PINO(20, ',"msg":"\x1b[31mred\x1b[0m"'), // an escape sequence
      PINO(20, ',"msg":"\u009bc1"'), // a C1 control
      PINO(20, ',"msg":"running EOU detection"').slice(0, -1), // cut
      PINO(20, '').replace('AJ_x', 'AJ_unknown') + ',"msg":"running EOU detection"}',
      `{"level":20,"time":1764000000123,"pid":4242,"hostname":"w","msg":"no job"}`,
      DEV('WARNING', 'using preemptive generation'),
      DEV('DEBUG', 'failed to recognize speech, retrying in 0.1s'),
      DEV('DEBUG', 'no job here', '"pid": 51'),
      DEV('DEBUG', 'a thread', '"tid": 3, "job_id": "AJ_py", "room": "demo"'),
      DEV('DEBUG', 'another room', '"pid": 51, "job_id": "AJ_py", "room": "elsewhere"'),
      DEV('DEBUG', 'no extras').replace(/ \x1b\[90m.*$/, ''),
      'garbage',
    ];
    for (const line of no) expect(taken([line, NEXT]), JSON.stringify(line)).toBe(0);
  });

  it('keeps a dev line whose next line continues it (a traceback) for the full path', () => {
    expect(taken([DEV('DEBUG', 'x'), 'Traceback (most recent call last):', NEXT])).toBe(0);
    expect(taken([DEV('DEBUG', 'x'), '  File "a.py", line 1', NEXT])).toBe(0);
    expect(taken([DEV('DEBUG', 'x'), DEV('DEBUG', 'y'), '', NEXT])).toBe(1);
  });
});
