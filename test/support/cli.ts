// Where the built CLI lives: tests run what users run, bin/deadair.js (built by global-setup.ts).
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/deadair.js', import.meta.url));

/**
 * How to run the CLI so that file permissions apply: as nobody when the suite runs as root (root
 * reads and writes everything), as we are otherwise. `skip` says why it cannot be checked here
 * (nobody cannot reach the checkout, e.g. under a private temporary folder).
 */
export function unprivileged(): { uid?: number; skip?: string } {
  if (process.getuid?.() !== 0) return {};
  const r = spawnSync(process.execPath, [BIN, '--version'], { uid: 65534, gid: 65534 });
  if (r.status !== 0)
    return {
      skip: `nobody (uid 65534) cannot run ${BIN}: ${r.stderr.toString().trim().split('\n')[0] ?? ''}`,
    };
  return { uid: 65534 };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI run to its end in `cwd`, as a user runs it (no colour), with its exit code and output. */
export function runCli(
  args: string[],
  o: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; uid?: number },
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { ...process.env, NO_COLOR: '1', ...o.env },
        cwd: o.cwd,
        maxBuffer: 1 << 28,
        ...(o.uid !== undefined ? { uid: o.uid, gid: o.uid } : {}),
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(o.input);
  });
}
