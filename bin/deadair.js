#!/usr/bin/env node
// The `deadair` command. The CLI is bundled to dist/cli.js by `npm install` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write(
    'deadair: the CLI is not built yet — run `npm install` (or `npm run build:cli`) in the deadair folder first\n',
  );
  process.exit(2);
}
await import(pathToFileURL(bundle).href);
