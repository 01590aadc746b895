// Paths as a user types them: files, directories (their log-like files) and globs (`*`, `?`,
// `**`, `{a,b}`), expanded to absolute file paths. No dependency: the patterns are simple.

import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';

/**
 * What counts as a log file inside a directory: *.log, *.jsonl, *.ndjson, *.json, *.txt, *.out,
 * *.err, their numbered rotations (agent.log.1) and compressed ones (agent.log.2.gz, as logrotate
 * leaves them; an .xz, .bz2 or .zst one is named as one deadair does not read, not passed over).
 */
export const LOG_FILE = /\.(?:log|jsonl|ndjson|json|txt|out|err)(?:\.\d{1,3})?(?:\.(?:gz|xz|bz2|zst))?$/i;
export const LOG_FILE_RULE =
  '*.log, *.jsonl, *.ndjson, *.json, *.txt, *.out, *.err and rotations like *.log.1 and *.log.2.gz';

export function isGlob(p: string): boolean {
  return /[*?[{]/.test(p);
}

/** A glob as a RegExp over absolute paths. `**` spans directories; `*` and `?` do not. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const close = pattern.indexOf('}', i);
      if (close < 0) re += '\\{';
      else {
        re +=
          '(?:' +
          pattern
            .slice(i + 1, close)
            .split(',')
            .map(escape)
            .join('|') +
          ')';
        i = close;
      }
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

function escape(s: string): string {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

/** The directory a glob starts in: its segments before the first one with a wildcard. */
export function globBase(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const p of parts) {
    if (isGlob(p)) break;
    fixed.push(p);
  }
  return fixed.join('/') || (pattern.startsWith('/') ? '/' : '.');
}

export function absolute(p: string, cwd = process.cwd()): string {
  return isAbsolute(p) ? p : resolve(cwd, p);
}

/** Files under `dir` (recursively when `deep`) whose absolute path matches `re`. */
export async function walk(dir: string, re: RegExp | undefined, deep: boolean, depth = 0): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const full = dir.endsWith(sep) ? dir + e.name : join(dir, e.name);
    if (e.isDirectory()) {
      if (deep && depth < 12) out.push(...(await walk(full, re, deep, depth + 1)));
    } else if (e.isFile() || e.isSymbolicLink()) {
      if (re ? re.test(full) : LOG_FILE.test(e.name)) out.push(full);
    }
  }
  return out;
}

/**
 * The log files in the subfolders of `dir` (as `walk` finds them in a folder), for a hint when it
 * holds none itself: how many, whether that is all (at most `maxEntries` entries are read: the
 * folder may be a home directory), their extensions (`log`, `jsonl` …) and whether some are
 * rotations (`agent.log.1`, `agent.log.2.gz`).
 */
export async function logFilesBelow(
  dir: string,
  maxEntries = 20_000,
): Promise<{ count: number; complete: boolean; exts: string[]; rotated: boolean }> {
  const exts = new Set<string>();
  let count = 0;
  let rotated = false;
  let budget = maxEntries;
  const visit = async (d: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (--budget < 0) return;
      if (e.isDirectory()) {
        if (depth < 12) await visit(join(d, e.name), depth + 1);
      } else if (depth > 0 && (e.isFile() || e.isSymbolicLink())) {
        const m = LOG_FILE.exec(e.name);
        if (!m) continue;
        count++;
        const [ext, ...more] = m[0].slice(1).split('.');
        exts.add(ext as string);
        if (more.length > 0) rotated = true;
      }
    }
  };
  await visit(dir, 0);
  return { count, complete: budget >= 0, exts: [...exts].sort(), rotated };
}

export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Oldest first for rotations (agent.log.2, agent.log.1, agent.log), otherwise by name. */
export function sortLogFiles(files: string[]): string[] {
  const key = (f: string) => {
    const m = /^(.*?)(?:\.(\d{1,3}))?(?:\.(?:gz|xz|bz2|zst))?$/.exec(f);
    return { base: m?.[1] ?? f, n: m?.[2] ? Number(m[2]) : 0 };
  };
  return [...new Set(files)].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka.base < kb.base ? -1 : ka.base > kb.base ? 1 : kb.n - ka.n;
  });
}
