import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canRead, NOTES_KEPT, SourceStatus } from './source-status.js';

describe('what the tray says of the logs it watches', () => {
  it('keeps a problem per path until a missing or forbidden one can be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deadair-sources-'));
    try {
      const missing = join(dir, 'agent.log');
      const binary = join(dir, 'core.bin');
      writeFileSync(binary, 'x');
      const s = new SourceStatus();
      expect(
        s.take({
          type: 'problem',
          problem: { path: missing, message: `${missing}: not there yet`, code: 'ENOENT' },
        }),
      ).toBe(true);
      expect(
        s.take({
          type: 'problem',
          problem: { path: binary, message: `cannot read ${binary}: not a log`, code: 'EFORMAT' },
        }),
      ).toBe(true);
      expect(s.view(canRead).problems).toEqual([
        `${missing}: not there yet`,
        `cannot read ${binary}: not a log`,
      ]);
      // It appeared: that one is over. A file of the wrong kind stays said, readable or not.
      writeFileSync(missing, '');
      expect(s.view(canRead).problems).toEqual([`cannot read ${binary}: not a log`]);
      // The same path again: its latest word.
      s.take({ type: 'problem', problem: { path: binary, message: 'newer', code: 'EFORMAT' } });
      expect(s.view(canRead).problems).toEqual(['newer']);
      s.clear();
      expect(s.view(canRead)).toEqual({ problems: [], notes: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the latest notices, each once', () => {
    const s = new SourceStatus();
    for (const text of ['a', 'b', 'a', 'c', 'd']) s.take({ type: 'notice', text });
    expect(s.view(canRead).notes).toEqual(['a', 'c', 'd'].slice(-NOTES_KEPT));
    expect(s.take({ type: 'rooms', online: true })).toBe(false);
  });

  it('tells a file it may read from one it may not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deadair-sources-'));
    try {
      const f = join(dir, 'a.log');
      writeFileSync(f, '');
      expect(canRead(f)).toBe(true);
      expect(canRead(join(dir, 'none.log'))).toBe(false);
      chmodSync(f, 0o000);
      // Root reads anything: only checked as another user.
      if (process.getuid?.() !== 0) expect(canRead(f)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
