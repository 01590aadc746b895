// Opens a URL the way the desktop does: `$BROWSER` when set (a command, as xdg-utils and Python's
// webbrowser read it: `%s` replaced by the URL, or the URL appended), else the platform's opener.
// Fire and forget: a failure is reported in one line that still gives the URL.

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

export function openUrl(url: string, env: NodeJS.ProcessEnv, onError: (line: string) => void): void {
  const [cmd, ...args] = openerCommand(url, env);
  const child = spawn(cmd as string, args, { stdio: 'ignore', detached: true });
  child.on('error', (e) => onError(`cannot open a browser (${e.message.slice(0, 120)}): open ${url}`));
  child.unref();
}
