// Electron's own start-up, as the double plays it: `node --import register.js launch.js <appDir>
// [switches]` is `electron <appDir> [switches]`. The app's package.json names its main script; it
// is loaded (ES module: awaited to its end, as Electron awaits an ESM main before 'ready'), then
// the app becomes ready. Electron's message loop keeps the process running until the app quits
// or exits; an exception nobody catches is reported and the app runs on, as Electron's are.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lifecycle, listen, record, uncaught } from './harness.js';

const [appDir = '.', ...switches] = process.argv.slice(2);
process.argv = [process.execPath, resolve(appDir), ...switches];

process.on('uncaughtException', uncaught);
process.on('unhandledRejection', uncaught);
listen();
setInterval(() => undefined, 1 << 30);

const pkg = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { main?: string };
const main = resolve(appDir, pkg.main ?? 'index.js');
record('launch', { main, argv: process.argv });
try {
  await import(pathToFileURL(main).href);
} catch (e) {
  uncaught(e);
  record('launch.failed', { main });
  process.exit(1);
}
if (!lifecycle.ready) {
  record('launch.failed', { main, why: 'the main script never imported electron' });
  process.exit(1);
}
lifecycle.ready();
