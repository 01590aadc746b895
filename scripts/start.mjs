// `npm start`: the tray app where it can run — Electron installed (downloaded on the first start,
// as the `electron` package does) and, on Linux, a display — and the headless demo where it cannot,
// saying why in one line. Arguments after `npm start --` go to the demo (`npm start -- --speed 4`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronPackage, installedElectron } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** Why the tray app cannot run here, or '' when it can. */
function whyHeadless(env = process.env) {
  if (env.DEADAIR_HEADLESS === '1') return 'DEADAIR_HEADLESS=1';
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return 'no display (DISPLAY is not set)';
  if (installedElectron(env)) return '';
  const pkg = electronPackage();
  if (!pkg) return 'the electron package is not installed (run npm install)';
  process.stderr.write('deadair: downloading Electron for the tray app (first start only)…\n');
  const r = spawnSync(process.execPath, [join(pkg, 'install.js')], { encoding: 'utf8' });
  if (r.status === 0 && installedElectron(env)) return '';
  // Its error, not the stack under it.
  const said = `${r.stderr ?? ''}\n${r.stdout ?? ''}`
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('at ') && !l.startsWith('Downloading'));
  return `Electron could not be downloaded${said ? ` (${said.slice(0, 160)})` : ''}`;
}

const why = whyHeadless();
const [cmd, argv] = why
  ? [process.execPath, [join(root, 'bin/deadair.js'), 'demo', ...args]]
  : [process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'preview']];
if (why) process.stderr.write(`deadair: the tray app cannot start here: ${why}; running the demo instead\n`);
// The demo's timeline (`--ui`) is the built page: built first when it is not (the tray app's
// `electron-vite preview` builds it itself).
if (why && args.includes('--ui') && !existsSync(join(root, 'out/renderer/index.html'))) {
  process.stderr.write('deadair: building the timeline page (first --ui only)…\n');
  spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
