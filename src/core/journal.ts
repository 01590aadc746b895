// The watcher's journal: an append-only file, one versioned JSON record per line, holding every
// event deadair understood (plain chatter excepted), every finding it reported and alert it sent,
// and with each batch the position reached in its file. After a crash or a restart, replaying it
// rebuilds the sessions, resumes every file exactly where its last batch ended, reports no finding
// twice, and keeps the alert caps where they were. A batch and its checkpoint are one write, so a
// kill leaves either both or neither. Why a JSON-lines file rather than an embedded store: one
// writer, append-only, readable with `tail` and `jq`, no native dependency.
//
// It is written under faults: a torn last line (power loss) is ended before anything is appended
// to it; a record of the wrong shape, or from a newer deadair, is skipped and counted; a full disk
// or a folder that turned read-only is said once, the watcher goes on without persistence, and the
// journal is tried again every RETRY_MS; one watcher at a time holds it (a lock file naming its pid).

import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { AgentEvent } from '../shared/events.js';
import type { Finding, Severity } from '../shared/types.js';
import type { SourcePosition } from './logs/types.js';

export const JOURNAL_VERSION = 1;

/** How long a journal that could not be written rests before the next try. */
export const RETRY_MS = 30_000;

type JournalRecord =
  | { v: 1; t: 'batch'; events: AgentEvent[]; pos?: SourcePosition }
  | { v: 1; t: 'finding'; how: 'created' | 'escalated' | 'recovered'; finding: Finding }
  /** A finding considered for an alert (decided once: never again after a restart). */
  | { v: 1; t: 'alert'; id: string; at: number }
  /** An alert sent: what the per-minute cap and the burst window count. */
  | { v: 1; t: 'sent'; id: string; at: number; cause: string; title: string };

export interface SentAlert {
  id: string;
  at: number;
  cause: string;
  title: string;
}

export interface JournalState {
  events: AgentEvent[];
  positions: SourcePosition[];
  /** Findings considered for an alert. */
  alerts: Set<string>;
  sent: SentAlert[];
  /** Findings reported, with the highest severity reported and whether their recovery was. */
  reported: Map<string, { severity: Severity; recovered: boolean }>;
  /** Lines that could not be read (a torn write, a record of the wrong shape): skipped. */
  skipped: number;
  /** Records of a newer journal version: skipped. */
  newer: number;
}

const RANK: Record<Severity, number> = { critical: 2, warning: 1, info: 0 };

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An event as the journal must hold it to be folded again; anything else is skipped. */
function isEvent(v: unknown): v is AgentEvent {
  return (
    isObj(v) &&
    typeof v.kind === 'string' &&
    (typeof v.time === 'number' || v.time === null) &&
    isObj(v.ctx) &&
    isObj(v.evidence) &&
    typeof v.evidence.text === 'string' &&
    typeof v.format === 'string' &&
    typeof v.message === 'string'
  );
}

export function readJournal(file: string): JournalState {
  const state: JournalState = {
    events: [],
    positions: [],
    alerts: new Set(),
    sent: [],
    reported: new Map(),
    skipped: 0,
    newer: 0,
  };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return state;
  }
  const positions = new Map<string, SourcePosition>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch {
      state.skipped++;
      continue;
    }
    if (!isObj(r) || typeof r.v !== 'number') {
      state.skipped++;
      continue;
    }
    if (r.v > JOURNAL_VERSION) {
      state.newer++;
      continue;
    }
    if (r.v !== JOURNAL_VERSION || !readRecord(r, state, positions)) state.skipped++;
  }
  state.positions = [...positions.values()];
  return state;
}

/** Folds one record into the state; false when it is not of a known shape. */
function readRecord(
  r: Record<string, unknown>,
  state: JournalState,
  positions: Map<string, SourcePosition>,
): boolean {
  switch (r.t) {
    case 'batch': {
      if (!Array.isArray(r.events)) return false;
      const pos = r.pos;
      if (
        pos !== undefined &&
        !(isObj(pos) && typeof pos.file === 'string' && typeof pos.offset === 'number')
      )
        return false;
      for (const ev of r.events) {
        if (!isEvent(ev)) continue;
        // JSON has no NaN: times that were unknown come back as null.
        if (typeof ev.time !== 'number') ev.time = Number.NaN;
        state.events.push(ev);
      }
      if (pos) positions.set(pos.file as string, pos as unknown as SourcePosition);
      return true;
    }
    case 'finding': {
      const f = r.finding;
      if (!isObj(f) || typeof f.id !== 'string' || typeof f.severity !== 'string') return false;
      const sev = (f.severity in RANK ? f.severity : 'info') as Severity;
      const was = state.reported.get(f.id);
      const severity = was && RANK[was.severity] >= RANK[sev] ? was.severity : sev;
      state.reported.set(f.id, {
        severity,
        recovered:
          r.how === 'recovered' || (r.how !== 'created' && r.how !== 'escalated' && !!was?.recovered),
      });
      return true;
    }
    case 'alert':
      if (typeof r.id !== 'string') return false;
      state.alerts.add(r.id);
      return true;
    case 'sent':
      if (typeof r.id !== 'string' || typeof r.at !== 'number') return false;
      state.sent.push({
        id: r.id,
        at: r.at,
        cause: typeof r.cause === 'string' ? r.cause : '',
        title: typeof r.title === 'string' ? r.title : '',
      });
      return true;
    default:
      return false;
  }
}

/** Another process holds the journal. */
export class JournalBusy extends Error {
  constructor(
    readonly file: string,
    readonly pid: number,
  ) {
    super(`journal ${file} is in use by another deadair (pid ${pid})`);
  }
}

/** Journals this process holds (a second watcher in the same process is refused too). */
const held = new Set<string>();

/** A lock beside the journal naming the process that writes it; a dead holder's lock is taken over. */
function lock(file: string): string {
  const path = `${file}.lock`;
  if (held.has(path)) throw new JournalBusy(file, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      held.add(path);
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new JournalBusy(file, pid);
      unlinkSync(path); // its holder is gone
    }
  }
  throw new Error(`cannot take the lock ${path}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a write failed, in a few words. */
function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOSPC'
    ? 'no space left on the disk'
    : code === 'EROFS'
      ? 'the file system is read-only'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EDQUOT'
          ? 'the disk quota is used up'
          : code === 'EEXIST' || code === 'ENOTDIR'
            ? `${notAFolder((e as NodeJS.ErrnoException).path) ?? 'a folder on its path'} is a file, not a folder`
            : ((e as Error).message ?? String(e));
}

/** The first of `path` and the folders above it that exists and is not a folder. */
function notAFolder(path: string | undefined): string | undefined {
  for (let p = path; p !== undefined; p = dirname(p) === p ? undefined : dirname(p)) {
    try {
      return statSync(p).isDirectory() ? undefined : p;
    } catch {
      // not there: the folder above it, then
    }
  }
  return undefined;
}

export interface JournalOptions {
  /** One human line when it stops or starts being written again. */
  onNotice?: (line: string) => void;
  now?: () => number;
  /** Writes a line (tests inject faults here). */
  write?: (fd: number, text: string) => void;
}

export class Journal {
  private fd: number | undefined;
  private lockPath: string | undefined;
  /** Not written since this time (a failure); undefined while it is written. */
  private failedAt: number | undefined;
  private readonly now: () => number;
  private readonly write: (fd: number, text: string) => void;
  /** What the last compaction left (bytes). */
  private compactedTo = 0;

  /** Opens (and locks) the journal; throws JournalBusy when another process holds it. */
  constructor(
    readonly file: string,
    private readonly o: JournalOptions = {},
  ) {
    this.now = o.now ?? Date.now;
    this.write = o.write ?? ((fd, text) => void writeSync(fd, text));
    try {
      mkdirSync(dirname(file), { recursive: true });
      this.lockPath = lock(file);
    } catch (e) {
      if (e instanceof JournalBusy) throw e;
      this.fail(e);
      return;
    }
    this.open();
  }

  private open(): boolean {
    try {
      const fd = openSync(this.file, 'a+');
      // A torn last line (a crash mid-write) is ended, so the next record is not glued onto it.
      const size = fstatSync(fd).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 10) this.write(fd, '\n');
      }
      this.fd = fd;
      if (this.failedAt !== undefined) this.o.onNotice?.(`journal ${this.file} is written again`);
      this.failedAt = undefined;
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    }
  }

  private fail(e: unknown): void {
    if (this.failedAt === undefined)
      this.o.onNotice?.(
        `cannot write the journal ${this.file}: ${why(e)} — watching on without it (what happens meanwhile is not kept across a restart); trying again every ${RETRY_MS / 1000} s`,
      );
    this.failedAt = this.now();
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already gone
      }
      this.fd = undefined;
    }
  }

  /**
   * When the file has grown past `maxBytes`, rewrites it with what a restart needs: every finding
   * reported (its last record), every alert decided, the alerts sent in the last minute, each
   * file's position, and the events of the last `keepMs` before the newest (enough to rebuild the
   * sessions still running: their turns, waits and retries). Written aside and renamed over, so a
   * crash leaves the old journal or the new one. Returns the bytes it was and is, or undefined.
   */
  compact(maxBytes: number, keepMs: number): { before: number; after: number } | undefined {
    if (this.fd === undefined) return undefined;
    let text: string;
    try {
      // Past the bound, and twice what the last compaction left (all of it may be recent).
      if (fstatSync(this.fd).size <= Math.max(maxBytes, 2 * this.compactedTo)) return undefined;
      text = readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    const findings = new Map<string, string>();
    const alerts: string[] = [];
    const sent: { at: number; line: string }[] = [];
    const batches: { events: AgentEvent[] }[] = [];
    const positions = new Map<string, SourcePosition>();
    let newest = Number.NEGATIVE_INFINITY;
    for (const line of text.split('\n')) {
      if (!line) continue;
      let r: Record<string, unknown>;
      try {
        const v: unknown = JSON.parse(line);
        if (!isObj(v) || v.v !== JOURNAL_VERSION) continue;
        r = v;
      } catch {
        continue;
      }
      if (r.t === 'finding' && isObj(r.finding) && typeof r.finding.id === 'string')
        findings.set(r.finding.id, line);
      else if (r.t === 'alert') alerts.push(line);
      else if (r.t === 'sent' && typeof r.at === 'number') sent.push({ at: r.at, line });
      else if (r.t === 'batch' && Array.isArray(r.events)) {
        const events = r.events.filter(isEvent);
        for (const ev of events) if (typeof ev.time === 'number' && ev.time > newest) newest = ev.time;
        if (events.length > 0) batches.push({ events });
        const pos = r.pos;
        if (isObj(pos) && typeof pos.file === 'string')
          positions.set(pos.file, pos as unknown as SourcePosition);
      }
    }
    const cutoff = newest - keepMs;
    // (Not Math.max(...): a journal of weeks may hold more records than arguments fit.)
    const lastSent = sent.reduce((m, x) => (x.at > m ? x.at : m), 0);
    const out: string[] = [...alerts, ...findings.values()];
    for (const x of sent) if (x.at > lastSent - 60_000) out.push(x.line);
    for (const b of batches) {
      const events = b.events.filter((ev) => typeof ev.time !== 'number' || ev.time >= cutoff);
      if (events.length > 0) out.push(JSON.stringify({ v: 1, t: 'batch', events }));
    }
    for (const pos of positions.values()) out.push(JSON.stringify({ v: 1, t: 'batch', events: [], pos }));
    const next = out.join('\n') + '\n';
    const tmp = `${this.file}.compact`;
    try {
      writeFileSync(tmp, next);
      renameSync(tmp, this.file);
      closeSync(this.fd);
      this.fd = undefined;
      this.open();
    } catch (e) {
      try {
        unlinkSync(tmp);
      } catch {
        // never written
      }
      this.fail(e);
      return undefined;
    }
    this.compactedTo = next.length;
    return { before: text.length, after: next.length };
  }

  /** Whether records are being kept right now. */
  get writing(): boolean {
    return this.fd !== undefined;
  }

  /** Appends records in one write: a kill leaves all of them or none (a torn line at worst). */
  private append(...recs: JournalRecord[]): void {
    if (this.fd === undefined) {
      if (this.failedAt === undefined || this.now() - this.failedAt < RETRY_MS) return;
      if (this.lockPath === undefined) {
        try {
          this.lockPath = lock(this.file);
        } catch (e) {
          this.fail(e);
          return;
        }
      }
      if (!this.open()) return;
    }
    try {
      this.write(this.fd as number, recs.map((r) => JSON.stringify(r) + '\n').join(''));
    } catch (e) {
      this.fail(e);
    }
  }

  /** The events of one batch of lines, and the position reached: one write. */
  batch(events: AgentEvent[], pos: SourcePosition | undefined): void {
    if (events.length === 0 && !pos) return;
    const rec: JournalRecord = { v: 1, t: 'batch', events };
    if (pos) rec.pos = pos;
    this.append(rec);
  }

  /** A finding as it was reported: replay reports it no more. */
  finding(how: 'created' | 'escalated' | 'recovered', finding: Finding): void {
    this.append({ v: 1, t: 'finding', how, finding });
  }

  /** A finding considered for an alert (what `alerts` writes, for one). */
  alert(id: string, at: number): void {
    this.alerts([{ id, at }], []);
  }

  /**
   * Findings considered for an alert and the alerts sent, once those have been shown (see the
   * watcher): one write, so a kill cannot keep a decision and drop what it sent.
   */
  alerts(decided: { id: string; at: number }[], sent: SentAlert[]): void {
    if (decided.length === 0 && sent.length === 0) return;
    this.append(
      ...decided.map((d): JournalRecord => ({ v: 1, t: 'alert', id: d.id, at: d.at })),
      ...sent.map((a): JournalRecord => ({ v: 1, t: 'sent', ...a })),
    );
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.lockPath !== undefined) {
      try {
        unlinkSync(this.lockPath);
      } catch {
        // gone already
      }
      held.delete(this.lockPath);
      this.lockPath = undefined;
    }
  }
}
