// The fuses a packaged deadair gets, set by the real @electron/fuses on a file laid out as an
// Electron binary's fuse wire is (its sentinel, the wire's version and length, one byte a fuse).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script, no types
import { setFuses } from '../scripts/fuses.mjs';

const dir = mkdtempSync(join(tmpdir(), 'deadair-fuses-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packaged app’s fuses', () => {
  it('turn off Node, NODE_OPTIONS and --inspect; require the asar and check its integrity', async () => {
    const binary = join(dir, 'electron');
    const sentinel = Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX');
    // As Electron ships them: every fuse at its default ('1' on for these).
    const head = Buffer.from('\x7fELF binary before');
    const tail = Buffer.from('binary after');
    const before = Buffer.concat([head, sentinel, Buffer.from([1, 8]), Buffer.from('11111111'), tail]);
    writeFileSync(binary, before);
    const wire = (await setFuses(binary)) as Record<string, string>;
    expect(wire).toEqual({
      RunAsNode: '0',
      EnableCookieEncryption: '1',
      EnableNodeOptionsEnvironmentVariable: '0',
      EnableNodeCliInspectArguments: '0',
      EnableEmbeddedAsarIntegrityValidation: '1',
      OnlyLoadAppFromAsar: '1',
      LoadBrowserProcessSpecificV8Snapshot: '0',
      GrantFileProtocolExtraPrivileges: '1',
    });
    // Only the wire's bytes changed.
    const after = readFileSync(binary);
    const start = head.length + sentinel.length + 2;
    expect(after.length).toBe(before.length);
    expect(after.subarray(0, start)).toEqual(before.subarray(0, start));
    expect(after.subarray(start + 8)).toEqual(before.subarray(start + 8));
  });
  it('refuses a file that is not an Electron binary', async () => {
    const other = join(dir, 'not-electron');
    writeFileSync(other, 'hello');
    await expect(setFuses(other)).rejects.toThrow(/sentinel/);
  });
});
