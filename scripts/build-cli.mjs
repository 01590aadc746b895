// Bundles the headless CLI (src/cli + src/core) into dist/cli.js with esbuild: fast to start,
// dependencies left as imports from node_modules, and what only `watch --room` needs (the room
// observer, livekit) split into chunks loaded on demand. Also bundles the observer's page
// (livekit-client and src/observer/page.ts) into dist/observer-page.js for the browser it runs in.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry hashes: start clean so old ones do not pile up.
rmSync('dist/chunks', { recursive: true, force: true });

await Promise.all([
  build({
    // Split so what only `watch --room` needs (livekit, the observer) loads only then.
    entryPoints: { cli: 'src/cli/index.ts' },
    outdir: 'dist',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  }),
  build({
    entryPoints: ['src/observer/page.ts'],
    outfile: 'dist/observer-page.js',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome110',
    minify: true,
    legalComments: 'linked',
    logLevel: 'warning',
  }),
]);
