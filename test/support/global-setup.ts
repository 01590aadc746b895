// Runs once before the node test project: builds the CLI bundle the integration tests execute, and
// the timeline page `--ui` serves (the end-to-end tests drive it in Chromium): what is tested is
// what the sources say now, never a stale build.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(join(ROOT, 'node_modules/.bin/electron-vite'), ['build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}
