import { appendFileSync, mkdtempSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordHash } from './classifier.js';
import { FileEvidence, type SourceFile } from './file-evidence.js';

const dir = mkdtempSync(join(tmpdir(), 'deadair-file-evidence-'));

/** A log, and the evidence of its record at [start, next) as the bulk reader makes it. */
function logWith(name: string, before: string, record: string, after: string) {
  const path = join(dir, name);
  const bytes = Buffer.from(before + record + after);
  writeFileSync(path, bytes);
  const st = statSync(path);
  const source: SourceFile = { path, dev: st.dev, ino: st.ino };
  const offset = Buffer.byteLength(before);
  const length = Buffer.byteLength(record) - 1;
  const evidence = () =>
    new FileEvidence(path, 2, offset, source, length, recordHash(bytes, offset, offset + length));
  return { path, evidence };
}

const RECORD =
  '[12:00:00.000] \x1b[34mDEBUG\x1b[39m (7): \x1b[36mUser turn committed é\x1b[39m\r\n    jobID: "AJ_a"\n    room_id: "RM_1"\n';

describe('FileEvidence', () => {
  it('reads its record again as the full path reads it: lines without CR and colour codes', () => {
    const log = logWith('a.log', 'first line\n', RECORD, '[12:00:01.000] INFO (7): next\n');
    const e = log.evidence();
    expect(e.text).toBe(
      '[12:00:00.000] DEBUG (7): User turn committed é\n    jobID: "AJ_a"\n    room_id: "RM_1"',
    );
    expect(JSON.parse(JSON.stringify({ evidence: [e] }))).toEqual({
      evidence: [{ file: log.path, line: 2, offset: 11, text: e.text }],
    });
    expect(FileEvidence.plain(e)).toEqual({ file: log.path, line: 2, offset: 11, text: e.text });
  });

  it('settles many at once, and still reads a file that grew since', () => {
    const log = logWith('b.log', 'x\n', RECORD, '');
    const all = [log.evidence(), log.evidence(), { text: 'plain' }];
    appendFileSync(log.path, 'more lines\n'.repeat(100));
    FileEvidence.settle(all);
    for (const e of all.slice(0, 2)) expect(e.text).toContain('User turn committed é');
    expect(all[2]?.text).toBe('plain');
  });

  it('says the file changed rather than show other bytes, when it was rewritten or replaced', () => {
    const rewritten = logWith('c.log', 'x\n', RECORD, '');
    const e1 = rewritten.evidence();
    writeFileSync(rewritten.path, 'x\n' + RECORD.replace('User', 'Usex'));
    expect(e1.text).toBe(`(not shown: ${rewritten.path} changed after it was read)`);

    const rotated = logWith('d.log', 'x\n', RECORD, '');
    const e2 = rotated.evidence();
    renameSync(rotated.path, rotated.path + '.1');
    writeFileSync(rotated.path, 'x\n' + RECORD);
    expect(e2.text).toBe(`(not shown: ${rotated.path} changed after it was read)`);

    const truncated = logWith('e.log', 'x\n', RECORD, '');
    const e3 = truncated.evidence();
    writeFileSync(truncated.path, 'x\n');
    expect(e3.text).toBe(`(not shown: ${truncated.path} changed after it was read)`);
  });
});
