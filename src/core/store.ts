// The session store: what the timeline, `--json` and the terminal read of a live watcher. Per
// session, its events as a compact index — time, kind, where (file and byte offset, or room) —
// with the evidence text read back from the file on demand (lnav's way: a long-running watcher
// does not hold its logs in memory), and its findings as immutable versions (created, escalated,
// recovered). Readers get frozen copies and subscribe to changes (subscribe returns the
// unsubscribe), as GitHub Desktop's stores do.
//
// Ids are stable across restarts: a session is named by its job (or process and file), an event
// by its file and byte offset, or by its room, time and kind — the same after the journal is
// replayed, so a link into the timeline still opens the same moment.

import { createHash } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { AgentEvent } from '../shared/events.js';
import type { FindingVersion, StoreChange, StoredEvent, StoredTurn } from '../shared/store.js';
import type { Finding, SessionSummary, Verdict } from '../shared/types.js';

export type { FindingVersion, StoreChange, StoredEvent, StoredTurn };
import type { SessionTracker } from './tracker.js';
import { eventDetail } from './event-detail.js';
import { FileParser } from './formats/parser.js';
import { stripAnsi } from './logs/lines.js';

interface Entry {
  events: StoredEvent[];
  /** Room evidence (no file to read it back from), by event id. */
  roomText: Map<string, string>;
  findings: Map<string, FindingVersion[]>;
}

/**
 * A session forgotten by the tracker: where its line of the archive file is (its summary, events
 * and findings are read back from there). A hundred bytes each, whatever the session held.
 */
interface Archived {
  offset: number;
  length: number;
  /** Without an archive file (or when it could not be written), the summary alone, in memory. */
  summary?: SessionSummary;
}

export interface StoreOptions {
  /**
   * Where sessions that ended long ago go (a JSON-lines file): their events and findings are read
   * back from it on demand. Without one, only their summaries are kept.
   */
  archive?: string;
  /** Sessions kept in the archive's index (the oldest forgotten past it; default 100 000). */
  maxArchived?: number;
  /** Archived sessions `sessions()` lists (the most recent; default 500): the rest by id. */
  maxListedArchived?: number;
  /** The archive file is rewritten with its newest half past this size (default 64 MB). */
  maxArchiveBytes?: number;
  /** Events kept per session (oldest dropped past it; default 100 000). */
  maxEventsPerSession?: number;
  /** Sessions kept (the oldest closed ones dropped past it; default 5 000). */
  maxSessions?: number;
  now?: () => number;
}

const ATTENTION: Record<Verdict, number> = { failed: 0, silent: 1, degraded: 2, healthy: 3 };

function shortId(s: string): string {
  return createHash('sha1').update(s).digest('hex').slice(0, 10);
}

/** Deep-frozen copy: nothing a reader holds changes under it. */
function frozen<T>(v: T): T {
  const c = structuredClone(v);
  const freeze = (o: unknown): void => {
    if (typeof o !== 'object' || o === null || Object.isFrozen(o)) return;
    Object.freeze(o);
    for (const x of Object.values(o)) freeze(x);
  };
  freeze(c);
  return c;
}

export class SessionStore {
  private readonly entries = new Map<string, Entry>();
  private readonly archived = new Map<string, Archived>();
  /**
   * The summaries of the most recently archived sessions (those `sessions()` lists), kept in
   * memory: the tray lists them up to twice a second, and reading each back from the archive (its
   * events with it) would cost a file read and a parse every time.
   */
  private readonly listedSummaries = new Map<string, SessionSummary>();
  private readonly fileIds = new Map<string, string>();
  private readonly listeners = new Set<(c: StoreChange) => void>();
  /**
   * Room events of one room, time and kind are numbered in turn. Only the latest keys matter (such
   * events come within a millisecond), so the map is started afresh past 10 000.
   */
  private readonly roomSeq = new Map<string, number>();
  private readonly now: () => number;

  /** `tracker`: the tracker whose sessions these are (or how to get it, once it exists). */
  constructor(
    tracker: SessionTracker | (() => SessionTracker),
    private readonly o: StoreOptions = {},
  ) {
    this.trackerOf = typeof tracker === 'function' ? tracker : () => tracker;
    this.now = o.now ?? Date.now;
    if (o.archive) this.readArchive(o.archive);
  }

  /** The archive's index, rebuilt at start: what was retired before a restart is still served. */
  private readArchive(file: string): void {
    let buf: Buffer;
    try {
      buf = readFileSync(file);
    } catch {
      return;
    }
    let offset = 0;
    while (offset < buf.length) {
      let end = buf.indexOf(10, offset);
      if (end < 0) end = buf.length;
      const length = end + 1 - offset;
      try {
        const r = JSON.parse(buf.toString('utf8', offset, end)) as {
          v?: number;
          id?: unknown;
          summary?: SessionSummary;
        };
        if (r.v === 1 && typeof r.id === 'string' && r.summary && typeof r.summary === 'object') {
          this.archived.delete(r.id);
          this.archived.set(r.id, { offset, length: Math.min(length, buf.length - offset) });
          this.keepListed(r.id, r.summary);
        }
      } catch {
        // a torn or foreign line: skipped
      }
      offset = end + 1;
    }
    const max = this.o.maxArchived ?? 100_000;
    for (const id of this.archived.keys()) {
      if (this.archived.size <= max) break;
      this.archived.delete(id);
    }
  }

  private readonly trackerOf: () => SessionTracker;
  private get tracker(): SessionTracker {
    return this.trackerOf();
  }

  private entry(session: string): Entry {
    let e = this.entries.get(session);
    if (!e) {
      e = { events: [], roomText: new Map(), findings: new Map() };
      this.entries.set(session, e);
      this.evict();
    }
    return e;
  }

  /** An event folded into `session` (the pipeline's onFolded). Chatter is not kept. */
  addEvent(ev: AgentEvent, session: string | undefined): void {
    if (session === undefined || ev.kind === 'log') return;
    const e = this.entry(session);
    const src = ev.evidence;
    let id: string;
    const stored: StoredEvent = {
      id: '',
      session,
      time: ev.time,
      kind: ev.kind,
      source: src.file ? 'log' : 'room',
      message: ev.message.length > 300 ? ev.message.slice(0, 299) + '…' : ev.message,
    };
    if (ev.kind === 'metrics') stored.metrics = ev.metrics.type;
    const detail = eventDetail(ev);
    if (detail) stored.detail = detail;
    if (src.file) {
      let f = this.fileIds.get(src.file);
      if (!f) this.fileIds.set(src.file, (f = shortId(src.file)));
      id = `${f}:${src.offset ?? src.line ?? 0}`;
      stored.file = src.file;
      if (src.line !== undefined) stored.line = src.line;
      if (src.offset !== undefined) stored.offset = src.offset;
    } else {
      const room = src.room ?? '';
      const key = `${shortId(room)}:${ev.time}:${ev.kind}`;
      if (this.roomSeq.size > 10_000) this.roomSeq.clear();
      const n = (this.roomSeq.get(key) ?? 0) + 1;
      this.roomSeq.set(key, n);
      id = `${key}:${n}`;
      stored.room = room;
      e.roomText.set(id, src.text);
    }
    stored.id = id;
    // The same line folded again (a replayed journal overlapping a re-read) is one event.
    const last = e.events[e.events.length - 1];
    if (last?.id === id) return;
    e.events.push(Object.freeze(stored));
    const max = this.o.maxEventsPerSession ?? 100_000;
    if (e.events.length > max) {
      const gone = e.events.splice(0, e.events.length - max);
      for (const g of gone) e.roomText.delete(g.id);
    }
    this.tell({ type: 'event', event: stored });
  }

  /** A finding created, escalated or recovered: a new version of it. */
  addFinding(f: Finding, how: FindingVersion['how']): FindingVersion {
    const e = this.entry(f.session);
    // When it happened, by the times it carries (the same when the journal is replayed).
    const at = how === 'created' ? f.time : how === 'recovered' ? (f.recovered ?? f.lastTime) : f.lastTime;
    const version: FindingVersion = Object.freeze({
      how,
      at: Number.isFinite(at) ? at : this.now(),
      finding: frozen(f),
    });
    const list = e.findings.get(f.id) ?? [];
    list.push(version);
    e.findings.set(f.id, list);
    this.tell({ type: 'finding', version });
    return version;
  }

  /**
   * Sessions the tracker forgot (ended long ago): their summaries kept, their events and findings
   * moved to the archive file, and memory freed.
   */
  retire(summaries: readonly SessionSummary[]): void {
    for (const summary of summaries) {
      const e = this.entries.get(summary.id);
      this.entries.delete(summary.id);
      let offset = -1;
      let length = 0;
      if (this.o.archive && e) {
        const line =
          JSON.stringify({
            v: 1,
            id: summary.id,
            summary,
            events: e.events,
            rooms: [...e.roomText],
            findings: [...e.findings],
          }) + '\n';
        try {
          offset = fileSize(this.o.archive);
          appendFileSync(this.o.archive, line);
          length = Buffer.byteLength(line);
        } catch {
          offset = -1; // not kept: its summary still is
        }
      }
      this.archived.delete(summary.id);
      this.archived.set(
        summary.id,
        offset >= 0 ? { offset, length } : { offset, length, summary: frozen(summary) },
      );
      if (offset >= 0) this.keepListed(summary.id, summary);
    }
    const max = this.o.maxArchived ?? 100_000;
    for (const id of this.archived.keys()) {
      if (this.archived.size <= max) break;
      this.archived.delete(id);
    }
    if (this.o.archive && fileSize(this.o.archive) > (this.o.maxArchiveBytes ?? 64 * 1024 * 1024))
      this.rewriteArchive();
  }

  /** The archive file with only what the index still names, newest half first to go past the cap. */
  private rewriteArchive(): void {
    const file = this.o.archive as string;
    const keep = [...this.archived.entries()].slice(Math.floor(this.archived.size / 2));
    const lines: string[] = [];
    let offset = 0;
    const next = new Map<string, Archived>();
    for (const [id, a] of keep) {
      if (a.summary) {
        next.set(id, a); // held in memory, not in the file
        continue;
      }
      const line = readAt(file, a.offset, a.length);
      if (line === undefined) continue;
      lines.push(line);
      next.set(id, { offset, length: Buffer.byteLength(line) });
      offset += Buffer.byteLength(line);
    }
    try {
      writeFileSync(file + '.tmp', lines.join(''));
      renameSync(file + '.tmp', file);
      this.archived.clear();
      for (const [id, a] of next) this.archived.set(id, a);
    } catch {
      // kept as it was
    }
  }

  /** What the archive holds of a session, or undefined. */
  private fromArchive(id: string): (Entry & { summary: SessionSummary }) | undefined {
    const a = this.archived.get(id);
    if (a?.summary) return { summary: a.summary, events: [], roomText: new Map(), findings: new Map() };
    if (!a || !this.o.archive) return undefined;
    const line = readAt(this.o.archive, a.offset, a.length);
    if (line === undefined) return undefined;
    try {
      const r = JSON.parse(line) as {
        id: string;
        summary: SessionSummary;
        events: StoredEvent[];
        rooms: [string, string][];
        findings: [string, FindingVersion[]][];
      };
      if (r.id !== id) return undefined;
      return {
        summary: r.summary,
        events: r.events,
        roomText: new Map(r.rooms),
        findings: new Map(r.findings),
      };
    } catch {
      return undefined;
    }
  }

  /** The summary of a session just archived, for listing: the newest `maxListedArchived` are kept. */
  private keepListed(id: string, summary: SessionSummary): void {
    this.listedSummaries.delete(id);
    this.listedSummaries.set(id, summary);
    const listed = this.o.maxListedArchived ?? 500;
    for (const old of this.listedSummaries.keys()) {
      if (this.listedSummaries.size <= listed) break;
      this.listedSummaries.delete(old);
    }
  }

  /** An archived session's summary: from memory when it is among the newest, else from the archive. */
  private archivedSummary(id: string): SessionSummary | undefined {
    return this.listedSummaries.get(id) ?? this.fromArchive(id)?.summary;
  }

  /** A session's index: in memory while it is recent, from the archive once it was retired. */
  private read(id: string): Entry | undefined {
    return this.entries.get(id) ?? this.fromArchive(id);
  }

  // ---- reading ------------------------------------------------------------------------------------

  /** Every session, those needing attention first (failed, silent, degraded, healthy), then newest. */
  sessions(): readonly SessionSummary[] {
    // Every session the tracker holds (those with an index among them), once each.
    const out = this.tracker.summaries();
    // The most recently archived ones too, read back from the archive (the rest by `session(id)`).
    const live = new Set(out.map((x) => x.id));
    const ids = [...this.archived.keys()];
    const listed = this.o.maxListedArchived ?? 500;
    for (let k = ids.length - 1; k >= 0 && k >= ids.length - listed; k--) {
      const id = ids[k] as string;
      if (live.has(id)) continue;
      const summary = this.archivedSummary(id);
      if (summary) out.push(summary);
    }
    out.sort((a, b) => ATTENTION[a.verdict] - ATTENTION[b.verdict] || (b.start || 0) - (a.start || 0));
    return frozen(out);
  }

  /**
   * Every session the tracker holds, one at a time (those needing attention first with
   * `worstFirst`), for a reader that writes each out before taking the next: `analyze` reports a
   * million sessions without their summaries in memory at once. Not copied: read it before the
   * next event is folded.
   */
  *eachSummary(worstFirst = false): Generator<Readonly<SessionSummary>> {
    yield* this.tracker.eachSummary(worstFirst);
  }

  /**
   * Log files that gave sessions but no user turn end at all (the tracker's
   * filesWithoutTurnEvidence): a session read only from them has its user turns unknown, not none.
   */
  filesWithoutTurnEvidence(): string[] {
    return this.tracker.filesWithoutTurnEvidence();
  }

  session(id: string): SessionSummary | undefined {
    const s = this.tracker.session(id);
    if (s) return frozen(this.tracker.summary(s));
    const a = this.archivedSummary(id);
    return a ? frozen(a) : undefined;
  }

  /**
   * A session's events in a time range, a page at a time: `after` is the id of the last event of
   * the previous page; `next` is given while more remain.
   */
  events(
    session: string,
    q: { from?: number; to?: number; after?: string; limit?: number } = {},
  ): { events: readonly StoredEvent[]; next?: string } {
    const e = this.read(session);
    if (!e) return { events: [] };
    const limit = Math.max(1, Math.min(q.limit ?? 500, 5000));
    let i = 0;
    if (q.after !== undefined) {
      const at = e.events.findIndex((x) => x.id === q.after);
      i = at < 0 ? e.events.length : at + 1;
    } else if (q.from !== undefined) {
      // The index is in the order events were folded: times rise, but not strictly (two sources).
      while (i < e.events.length && !((e.events[i] as StoredEvent).time >= (q.from as number))) i++;
    }
    const out: StoredEvent[] = [];
    for (; i < e.events.length && out.length < limit; i++) {
      const x = e.events[i] as StoredEvent;
      if (q.to !== undefined && x.time > q.to) break;
      if (q.from !== undefined && x.time < q.from) continue;
      out.push(x);
    }
    const more = i < e.events.length && (q.to === undefined || (e.events[i] as StoredEvent).time <= q.to);
    const last = out[out.length - 1];
    return more && last ? { events: out, next: last.id } : { events: out };
  }

  /** The evidence of one event, verbatim: its record read back from its file at its offset (or the room's). */
  evidence(session: string, eventId: string): string | undefined {
    const e = this.read(session);
    const ev = e?.events.find((x) => x.id === eventId);
    if (!e || !ev) return undefined;
    if (ev.source === 'room') return e.roomText.get(eventId);
    if (ev.file === undefined || ev.offset === undefined) return undefined;
    return readRecord(ev.file, ev.offset);
  }

  /**
   * A session's turns, in order, from its events: each user turn end opens one (a reply with no
   * user turn before it opens one too); the reply begun and the speech that follow are its, and
   * the latencies its metrics carried.
   */
  turns(session: string): readonly StoredTurn[] {
    const e = this.read(session);
    if (!e) return [];
    const out: StoredTurn[] = [];
    let cur: StoredTurn | undefined;
    for (const ev of e.events) {
      // A metrics record is the step it measures: an EOU the user's turn end, an LLM the reply
      // begun, a TTS with audio the agent speaking.
      const kind =
        ev.kind !== 'metrics'
          ? ev.kind
          : ev.metrics === 'eou'
            ? 'user_turn_end'
            : ev.metrics === 'llm' || ev.metrics === 'realtime'
              ? 'agent_turn'
              : ev.metrics === 'tts'
                ? 'agent_speech'
                : 'log';
      switch (kind) {
        case 'user_turn_end':
          // The same turn reported by another record (or the room) a moment later is one turn.
          if (
            cur?.userEnd !== undefined &&
            cur.replyBegun === undefined &&
            cur.spoke === undefined &&
            ev.time - cur.userEnd <= 3000
          )
            break;
          out.push((cur = { id: ev.id, userEnd: ev.time, errors: 0 }));
          break;
        case 'agent_turn':
          if (!cur || cur.spoke !== undefined) out.push((cur = { id: ev.id, errors: 0 }));
          cur.replyBegun ??= ev.time;
          break;
        case 'agent_speech':
          if (!cur) out.push((cur = { id: ev.id, errors: 0 }));
          cur.spoke ??= ev.time;
          break;
        case 'error':
          if (cur) cur.errors++;
          break;
        default:
          break;
      }
    }
    // Each set of latencies belongs to the last turn that had begun when its first metric was written.
    const start = (t: StoredTurn) => t.userEnd ?? t.replyBegun ?? t.spoke ?? Number.NaN;
    let k = 0;
    for (const l of this.session(session)?.latency?.turns ?? []) {
      while (k + 1 < out.length && start(out[k + 1] as StoredTurn) <= l.time) k++;
      const t = out[k];
      if (t && start(t) <= l.time && t.latency === undefined) t.latency = l;
    }
    return frozen(out);
  }

  /** A finding's versions, oldest first. */
  finding(session: string, findingId: string): readonly FindingVersion[] {
    return this.read(session)?.findings.get(findingId) ?? [];
  }

  subscribe(fn: (c: StoreChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private tell(c: StoreChange): void {
    for (const fn of this.listeners) fn(c);
  }

  /** Past maxSessions, the oldest closed sessions' indexes are dropped (their summaries stay). */
  private evict(): void {
    const max = this.o.maxSessions ?? 5000;
    if (this.entries.size <= max) return;
    for (const id of this.entries.keys()) {
      if (this.entries.size <= max) break;
      const s = this.tracker.session(id);
      if (!s || s.closed || s.exited) this.entries.delete(id);
    }
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** `length` bytes of `file` from `offset`, as text, or undefined. */
function readAt(file: string, offset: number, length: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, offset);
    return n === length ? buf.toString('utf8') : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The line that starts at `offset` of `file` (at most 64 KiB of it), or undefined. */
/**
 * The record that begins at `offset` of `file`, as the parser reads it: its line, and the lines that
 * continue it (pino-pretty fields, a traceback, a console record's wrapped extras) — what a finding
 * cites of it, without colour codes. Read from at most 64 KiB.
 */
export function readRecord(file: string, offset: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, offset);
    const lines = buf.subarray(0, n).toString('utf8').split('\n');
    // The last piece may be cut short by the read: never taken for a line of its own.
    if ((n === buf.length && lines.length > 1) || lines[lines.length - 1] === '') lines.pop();
    const parser = new FileParser(file);
    let text: string | undefined;
    // The record's own event (another stream's line after it, in a log collector's file, is
    // read as it comes while the record waits for its fields).
    const emit = (ev: AgentEvent): void => {
      if (ev.evidence.line === 1) text ??= ev.evidence.text;
    };
    for (let i = 0; i < lines.length && text === undefined; i++)
      parser.push(
        { file, line: i + 1, offset, text: stripAnsi((lines[i] as string).replace(/\r$/, '')) },
        emit,
      );
    parser.flush(emit);
    return text;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
