// Opens a URL the way the desktop does: `$BROWSER` when set (a command, as xdg-utils and Python's
// webbrowser read it: `%s` replaced by the URL, or the URL appended), else the platform's opener.
// Fire and forget: a failure to start it, or its exit with an error, is reported in one line that
// still gives the URL.

import { spawn } from 'node:child_process';

/** The command that opens `url`: argv, first element the program. */
export function openerCommand(
  url: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string[] {
  // BROWSER may list several commands separated by ':'; the first is taken.
  const browser = env.BROWSER?.split(':')[0]?.trim();
  if (browser) {
    const words = browser.split(/\s+/).filter(Boolean);
    return words.some((w) => w.includes('%s')) ? words.map((w) => w.replaceAll('%s', url)) : [...words, url];
  }
  if (platform === 'darwin') return ['open', url];
  if (platform === 'win32') return ['cmd', '/c', 'start', '', url];
  return ['xdg-open', url];
}

/**
 * Starts the opener and lets it run (it is not waited for: a browser may stay in the foreground).
 * It failing to start, or exiting with an error while this process still runs, is said once.
 */
export function openUrl(url: string, env: NodeJS.ProcessEnv, onError: (line: string) => void): void {
  const [cmd, ...args] = openerCommand(url, env);
  // Which opener, as the user set it: `BROWSER=/bin/false`, or the platform's (`xdg-open`).
  const who = (env.BROWSER?.split(':')[0]?.trim() ? `BROWSER=${cmd}` : (cmd as string)).slice(0, 120);
  let said = false;
  const fail = (why: string) => {
    if (said) return;
    said = true;
    onError(`could not open the browser (${why}): open ${url} yourself`);
  };
  const child = spawn(cmd as string, args, { stdio: 'ignore', detached: true });
  child.on('error', (e: NodeJS.ErrnoException) =>
    fail(e.code === 'ENOENT' ? `${who} was not found` : `${who}: ${e.message.slice(0, 120)}`),
  );
  // A signal is not a failure to open: a browser run in the foreground is closed that way.
  child.on('exit', (code) => {
    if (code !== null && code !== 0) fail(`${who} exited with ${code}`);
  });
  child.unref();
}
