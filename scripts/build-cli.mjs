// Bundles the headless CLI (src/cli + src/core) into dist/cli.js with esbuild: one file, fast to
// start, dependencies left as imports from node_modules.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/index.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
