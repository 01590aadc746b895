// The packaging config and the fuses script say the same: a packaged deadair gets the same fuses
// whichever sets them (electron-builder's electronFuses, or scripts/fuses.mjs after another
// packager); and it carries what main reads at run time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script, no types
import { FUSES } from '../scripts/fuses.mjs';
import { ROOT } from './support/cli.js';

/** The few lines of electron-builder.yml this checks, read without a YAML library. */
function fusesOfConfig(): Record<string, boolean> {
  const text = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
  const block = /^electronFuses:\n((?:[ \t]+.*\n)+)/m.exec(text)?.[1] ?? '';
  return Object.fromEntries(
    [...block.matchAll(/^\s+(\w+):\s*(true|false)\s*$/gm)].map((m) => [m[1] as string, m[2] === 'true']),
  );
}

describe('packaging', () => {
  it('sets the same fuses as scripts/fuses.mjs', () => {
    const fuses = FUSES as Record<string, boolean>;
    const lower = (k: string) => k[0]!.toLowerCase() + k.slice(1);
    expect(fusesOfConfig()).toEqual(Object.fromEntries(Object.entries(fuses).map(([k, v]) => [lower(k), v])));
    expect(fuses.RunAsNode).toBe(false);
  });
  it('ships the page bundle of the room observer and the icons and clips', () => {
    const text = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
    expect(text).toMatch(/^\s+- dist\/observer-page\.js$/m);
    expect(text).toMatch(/^\s+- from: resources\n\s+to: resources$/m);
  });
});
