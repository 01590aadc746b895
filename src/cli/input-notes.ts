// What `analyze` says about its input beside the report: files it read none of (no line in a format
// it reads), lines cut at the line cap, and the subfolders of a folder that holds no log file
// itself. Findings about the input, not errors: the exit code stays the report's.

import { cutLinesText } from '../core/logs/lines.js';
import { isGlob, logFilesBelow } from '../core/logs/glob.js';
import type { FileStats } from '../core/pipeline.js';
import type { FormatId } from '../shared/events.js';
import { safeText, shortPath } from './format.js';

/** Notes about input files shown at once, beyond which the rest are counted. */
const SHOWN = 3;

const name = (f: string) => safeText(shortPath(f), 200);

/**
 * The files none of whose lines is in a format deadair reads (or in the one `--format` forced):
 * binary data, another program's log. A file with some such lines is read, and not named; one
 * whose only unread lines are lines cut at the cap is said by `cutNotes`.
 */
export function unreadFiles(files: readonly FileStats[]): FileStats[] {
  return files.filter((f) => {
    let known = 0;
    for (const [format, n] of Object.entries(f.formats)) if (format !== 'raw') known += n ?? 0;
    return known === 0 && (f.formats.raw ?? 0) > f.cutRaw;
  });
}

/** One line for the files `unreadFiles` found, e.g. `bin.log: none of its 412 lines is in …`. */
export function unreadNote(files: readonly FileStats[], format: FormatId | undefined): string | undefined {
  if (files.length === 0) return undefined;
  // What was not found in them, said of their lines: `… is in a log format deadair reads`.
  const said = (one: boolean) =>
    format
      ? `${one ? 'did not match' : 'matched'} --format ${format} (kept as raw; without --format deadair finds each line's format)`
      : `${one ? 'is not' : 'is'} in a log format deadair reads (kept as raw)`;
  const first = files[0] as FileStats;
  if (files.length === 1) {
    const n = first.lines;
    return n === 1
      ? `${name(first.file)}: its one line ${said(true)}`
      : `${name(first.file)}: none of its ${n.toLocaleString('en-US')} lines ${said(false)}`;
  }
  const names = files.slice(0, SHOWN).map((f) => name(f.file));
  if (files.length > SHOWN) names.push(`${files.length - SHOWN} more`);
  return `${names.join(', ')}: none of their lines ${said(false)}`;
}

/** A line per file with lines cut at the cap (at most SHOWN, then one for the rest). */
export function cutNotes(files: readonly FileStats[]): string[] {
  const cut = files.filter((f) => f.cut > 0);
  const out = cut.slice(0, SHOWN).map((f) => `${name(f.file)}: ${cutLinesText(f.cut, f.cutRaw)}`);
  const rest = cut.slice(SHOWN);
  if (rest.length > 0) {
    const n = rest.reduce((a, f) => a + f.cut, 0);
    const raw = rest.reduce((a, f) => a + f.cutRaw, 0);
    out.push(`${rest.length} more file${rest.length === 1 ? '' : 's'}: ${cutLinesText(n, raw)}`);
  }
  return out;
}

/**
 * For a folder given that holds no log file itself: `; its subfolders hold 24: deadair analyze
 * '<folder>/**\/*.log'` when its subfolders hold some (a quoted `**` glob reads them), else ''.
 */
export async function subfolderHint(given: string): Promise<string> {
  const below = await logFilesBelow(given);
  if (below.count === 0) return '';
  const hold = `its subfolders hold ${below.count.toLocaleString('en-US')}${below.complete ? '' : ' or more'}`;
  // A folder whose name has wildcards in it would be read as a pattern itself.
  const dir = given.replace(/\/+$/, '') || '/';
  if (isGlob(dir)) return `; ${hold} (read them with a quoted '**' pattern)`;
  const exts = below.exts.length === 1 ? below.exts[0] : `{${below.exts.join(',')}}`;
  const pattern = `${dir === '/' ? '' : dir}/**/*.${exts}${below.rotated ? '*' : ''}`;
  return `; ${hold}: deadair analyze ${shellQuote(pattern)}`;
}

/** `s` as one word for a POSIX shell, its wildcards not expanded by it. */
function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
