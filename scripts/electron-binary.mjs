// Where the Electron binary is, without downloading it: the `electron` package (≥ 42) downloads its
// binary on first `require`, which prints and fails where there is no network.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

/** The `electron` package's folder, or undefined when it is not installed. */
export function electronPackage() {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

/** The path of the installed Electron binary, or undefined when there is none yet. */
export function installedElectron(env = process.env) {
  const pkg = electronPackage();
  if (!pkg) return undefined;
  const pathFile = join(pkg, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(env.ELECTRON_OVERRIDE_DIST_PATH, rel || 'electron');
    return existsSync(p) ? p : undefined;
  }
  if (!rel) return undefined;
  const p = join(pkg, 'dist', rel);
  return existsSync(p) ? p : undefined;
}
