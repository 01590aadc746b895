import { describe, expect, it } from 'vitest';
import { LineSplitter, stripAnsi } from './lines.js';
import type { RawLine } from './types.js';

function split(chunks: Buffer[], opts: { maxLineBytes?: number } = {}): RawLine[] {
  const s = new LineSplitter('/f.log', opts);
  const out: RawLine[] = [];
  for (const c of chunks) s.push(c, (l) => out.push(l));
  s.flush((l) => out.push(l));
  return out;
}

const TEXT = 'first line\r\nsecond é line\n\nfourth 🎙 end\npartial';
const BYTES = Buffer.from(TEXT, 'utf8');

describe('LineSplitter', () => {
  const whole = split([BYTES]);

  it('splits lines, strips CR, and keeps exact byte offsets and line numbers', () => {
    expect(whole.map((l) => l.text)).toEqual(['first line', 'second é line', '', 'fourth 🎙 end', 'partial']);
    expect(whole.map((l) => l.line)).toEqual([1, 2, 3, 4, 5]);
    let off = 0;
    for (const l of whole) {
      expect(l.offset).toBe(off);
      expect(BYTES.subarray(l.offset).toString('utf8').startsWith(l.text.replace(/\r$/, ''))).toBe(true);
      off = BYTES.indexOf(10, off) + 1 || BYTES.length;
    }
  });

  it('gives the same lines whatever the chunk boundaries (inside a UTF-8 character, between CR and LF)', () => {
    for (let a = 0; a <= BYTES.length; a++) {
      for (let b = a; b <= BYTES.length; b += 3) {
        const got = split([BYTES.subarray(0, a), BYTES.subarray(a, b), BYTES.subarray(b)]);
        expect(got).toEqual(whole);
      }
    }
  });

  it('holds a partial last line until its newline, and reports consumed bytes at line boundaries', () => {
    const s = new LineSplitter('/f.log');
    const out: RawLine[] = [];
    s.push(Buffer.from('abc\nde'), (l) => out.push(l));
    expect(out.map((l) => l.text)).toEqual(['abc']);
    expect(s.offset).toBe(4);
    expect(s.hasPartial()).toBe(true);
    s.push(Buffer.from('f\n'), (l) => out.push(l));
    expect(out.map((l) => l.text)).toEqual(['abc', 'def']);
    expect(s.offset).toBe(8);
    expect(s.line).toBe(2);
    expect(s.hasPartial()).toBe(false);
  });

  it('cuts a line over the cap with a marker, keeps memory bounded, and goes on', () => {
    const big = Buffer.alloc(5000, 'x');
    const chunks = [
      Buffer.from('before\n'),
      big.subarray(0, 1200),
      big.subarray(1200),
      Buffer.from('\nafter\n'),
    ];
    const got = split(chunks, { maxLineBytes: 1000 });
    expect(got.map((l) => l.text.slice(0, 6))).toEqual(['before', 'xxxxxx', 'after']);
    const cut = got[1] as RawLine;
    expect(cut.truncated).toBe(true);
    expect(cut.text).toMatch(/^x{1000} …\[deadair: line cut at 1000 of 5000 bytes\]$/);
    expect(got[2]).toMatchObject({ line: 3, offset: 7 + 5000 + 1 });
  });

  it('cuts on a UTF-8 boundary', () => {
    const line = Buffer.from('é'.repeat(600) + '\n');
    const [cut] = split([line], { maxLineBytes: 1001 });
    expect(cut?.text.startsWith('é'.repeat(500))).toBe(true);
    expect(cut?.text).not.toContain('\ufffd');
  });

  it('replaces invalid UTF-8 and goes on', () => {
    const got = split([Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a, 0xc3, 0x0a, 0x63, 0x0a])]);
    expect(got.map((l) => l.text)).toEqual(['a\ufffd\ufffdb', '\ufffd', 'c']);
  });

  it('removes ANSI colour, CSI and OSC sequences', () => {
    expect(stripAnsi('\x1b[33mWARNING\x1b[0m x \x1b[90m{"a": 1}\x1b[39m')).toBe('WARNING x {"a": 1}');
    expect(stripAnsi('a\x1b]0;title\x07b\x1b[2Kc')).toBe('abc');
    expect(stripAnsi('a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\')).toBe('alink');
    expect(stripAnsi('end\x1b')).toBe('end');
    expect(stripAnsi('end\x1b[')).toBe('end');
    expect(stripAnsi('\x1b[38;5;208morange\x1b[0m \x9b31mc1')).toBe('orange c1');
    const [l] = split([Buffer.from('\x1b[1;31mERROR\x1b[22;39m boom\n')]);
    expect(l?.text).toBe('ERROR boom');
  });
});
