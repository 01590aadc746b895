// What the tray says of what it watches, beside the sessions: the logs it cannot read, and the
// notices the watcher said once (an agent's zone learnt, a log without user turn records). `deadair
// watch` prints both on stderr; the tray app has no terminal, and a path it cannot read would
// otherwise leave it saying "All agents healthy" while it sees nothing.

import { accessSync, constants } from 'node:fs';
import type { WatchEvent } from '../core/watcher.js';

/** Notices kept for the menu: the latest few. */
export const NOTES_KEPT = 3;

/** Problems that end when the path can be read again (it appeared, its permissions changed). */
const TRANSIENT = new Set(['ENOENT', 'EACCES', 'EPERM']);

export class SourceStatus {
  private readonly problems = new Map<string, { message: string; code?: string }>();
  private notes: string[] = [];

  /** Folds one of the watcher's events in; true when what the tray shows may have changed. */
  take(e: WatchEvent): boolean {
    if (e.type === 'problem') {
      this.problems.set(e.problem.path, { message: e.problem.message, code: e.problem.code });
      return true;
    }
    if (e.type === 'notice') {
      this.notes = [...this.notes.filter((n) => n !== e.text), e.text].slice(-NOTES_KEPT);
      return true;
    }
    return false;
  }

  /**
   * The problems still standing, one line each (a missing or unreadable path is over once
   * `readable` says it can be read), and the latest notices.
   */
  view(readable: (path: string) => boolean): { problems: string[]; notes: string[] } {
    for (const [path, p] of this.problems)
      if (p.code !== undefined && TRANSIENT.has(p.code) && readable(path)) this.problems.delete(path);
    return { problems: [...this.problems.values()].map((p) => p.message), notes: [...this.notes] };
  }

  /** A new watcher (the settings changed): what the old one said no longer holds. */
  clear(): void {
    this.problems.clear();
    this.notes = [];
  }
}

/** Can this process read `path` now? */
export function canRead(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
