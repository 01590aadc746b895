// The watcher's journal: an append-only file, one versioned JSON record per line, holding every
// event deadair understood (plain chatter excepted), every finding and alert, and with each batch the
// position reached in its file. After a crash or a restart, replaying it rebuilds the sessions,
// resumes every file exactly where its last batch ended, and keeps alerts from being raised twice.
// A batch and its checkpoint are one write, so a kill leaves either both or neither; a torn last
// line (power loss) is ignored. Why a JSON-lines file rather than an embedded store: one writer,
// append-only, readable with `tail` and `jq`, no native dependency.

import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentEvent } from '../shared/events.js';
import type { Finding } from '../shared/types.js';
import type { SourcePosition } from './logs/types.js';

export const JOURNAL_VERSION = 1;

type JournalRecord =
  | { v: 1; t: 'batch'; events: AgentEvent[]; pos?: SourcePosition }
  | { v: 1; t: 'finding'; how: 'created' | 'escalated' | 'recovered'; finding: Finding }
  | { v: 1; t: 'alert'; id: string; at: number };

export interface JournalState {
  events: AgentEvent[];
  positions: SourcePosition[];
  alerts: Set<string>;
  /** Lines that could not be read (a torn write, another version): skipped, counted. */
  skipped: number;
}

export function readJournal(file: string): JournalState {
  const state: JournalState = { events: [], positions: [], alerts: new Set(), skipped: 0 };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return state;
  }
  const positions = new Map<string, SourcePosition>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    let r: JournalRecord;
    try {
      r = JSON.parse(line) as JournalRecord;
    } catch {
      state.skipped++;
      continue;
    }
    if (r?.v !== JOURNAL_VERSION) {
      state.skipped++;
      continue;
    }
    if (r.t === 'batch') {
      for (const ev of r.events) {
        // JSON has no NaN: times that were unknown come back as null.
        if (typeof ev.time !== 'number') ev.time = Number.NaN;
        state.events.push(ev);
      }
      if (r.pos) positions.set(r.pos.file, r.pos);
    } else if (r.t === 'alert') state.alerts.add(r.id);
  }
  state.positions = [...positions.values()];
  return state;
}

export class Journal {
  private fd: number;
  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(file, 'a');
  }

  /** The events of one batch of lines, and the position reached: one write. */
  batch(events: AgentEvent[], pos: SourcePosition | undefined): void {
    if (events.length === 0 && !pos) return;
    const rec: JournalRecord = { v: 1, t: 'batch', events };
    if (pos) rec.pos = pos;
    writeSync(this.fd, JSON.stringify(rec) + '\n');
  }

  /** A finding as it was reported (for the record: replay derives findings from the events). */
  finding(how: 'created' | 'escalated' | 'recovered', finding: Finding): void {
    writeSync(this.fd, JSON.stringify({ v: 1, t: 'finding', how, finding } satisfies JournalRecord) + '\n');
  }

  alert(id: string, at: number): void {
    writeSync(this.fd, JSON.stringify({ v: 1, t: 'alert', id, at } satisfies JournalRecord) + '\n');
  }

  close(): void {
    closeSync(this.fd);
  }
}
