// Where the built CLI lives: tests run what users run, bin/deadair.js (built by global-setup.ts).
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/deadair.js', import.meta.url));
