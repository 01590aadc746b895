import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { COLOR } from './format.js';
import { guard, terminalSafe } from './terminal.js';

describe('what reaches the terminal', () => {
  it('keeps deadair’s own colours, newlines and tabs', () => {
    const s = `${COLOR.red('FAILED')}\t${COLOR.dim('why')}\n${COLOR.bold('x')}`;
    expect(terminalSafe(s)).toBe(s);
    expect(terminalSafe('\r██░░  50%')).toBe('\r██░░  50%');
    expect(terminalSafe('\r\x1b[2K')).toBe('\r\x1b[2K');
  });

  it('shows every other control visibly: OSC retitles, C1 forms, cursor moves, bidi overrides', () => {
    expect(terminalSafe('a\x1b]0;pwned\x07b')).toBe('a\\u001b]0;pwned\\u0007b');
    expect(terminalSafe('job \u009d0;t\u009c end')).toBe('job \\u009d0;t\\u009c end');
    expect(terminalSafe('x\x1b[8mhidden\x1b[2Jy')).toBe('x\\u001b[8mhidden\\u001b[2Jy');
    expect(terminalSafe('evil\u202etxt.exe')).toBe('evil\\u202etxt.exe');
    expect(terminalSafe('mid\rline')).toBe('mid\\u000dline');
  });

  it('leaves JSON exact: the escape it writes is the same character in a JSON string', () => {
    const obj = { job: 'AJ_\u009d1\u009c', file: 'a\u202eb' };
    const out = terminalSafe(JSON.stringify(obj));
    expect(out).not.toMatch(/[\u0080-\u009f\u202e]/);
    expect(JSON.parse(out)).toEqual(obj);
  });

  it('guards a stream’s writes and keeps its other properties', async () => {
    const sink = new PassThrough();
    const chunks: string[] = [];
    sink.on('data', (d: Buffer) => chunks.push(d.toString()));
    const s = Object.assign(sink, { isTTY: true, columns: 99 });
    const g = guard(s);
    expect(g.isTTY).toBe(true);
    expect(g.columns).toBe(99);
    g.write('name \x1b]2;x\x07\n');
    await new Promise((r) => setImmediate(r));
    expect(chunks.join('')).toBe('name \\u001b]2;x\\u0007\n');
  });
});
