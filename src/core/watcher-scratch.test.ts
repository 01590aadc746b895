import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepScratch } from './watcher.js';

describe('scratch archives of watchers without a journal', () => {
  it('removes those of processes that are gone, and keeps the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deadair-sweep-'));
    // A process that has exited: its pid names nobody now (or somebody else, who keeps it).
    const gone = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const stale = join(dir, `deadair-${gone}-0a1b2c3d.sessions.jsonl`);
    const mine = join(dir, `deadair-${process.pid}-deadbeef.sessions.jsonl`);
    const other = join(dir, 'deadair-demo.log');
    for (const f of [stale, mine, other]) writeFileSync(f, '{}\n');
    const alive = (pid: number) => pid === process.pid;
    expect(sweepScratch(dir, alive)).toBe(1);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(mine)).toBe(true);
    expect(existsSync(other)).toBe(true);
    // By default a pid is asked of the system: this process runs.
    expect(sweepScratch(dir)).toBe(0);
    expect(existsSync(mine)).toBe(true);
  });

  it('says nothing of a folder it cannot read', () => {
    expect(sweepScratch(join(tmpdir(), 'deadair-no-such-folder-x'))).toBe(0);
  });
});
