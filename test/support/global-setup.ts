// Runs once before the node test project: builds the CLI bundle the integration tests execute.
import { execFileSync } from 'node:child_process';
import { ROOT } from './cli.js';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: ROOT, stdio: 'inherit' });
}
