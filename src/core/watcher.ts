// The one live composition both shells start: log sources and rooms → pipeline (parsers, tracker,
// detectors) → alert policy → journal, driven by a clock. `deadair watch`, `deadair demo` and the
// tray app each call `createWatcher` with their settings and subscribe to what happens — findings,
// alerts, problems, notices — and present it their own way (a terminal, a notification, a tray
// icon). Nothing here prints, notifies or plays: sinks are the shells'.

import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent, FormatId } from '../shared/events.js';
import type { Finding, Severity } from '../shared/types.js';
import { AlertPolicy, isHistory, type Alert, type AlertPolicyOptions } from './alerts.js';
import type { CauseId } from '../shared/types.js';
import type { Config } from './config.js';
import { Journal, JournalBusy, readJournal, type SentAlert } from './journal.js';
import { fileDay } from './formats/record.js';
import { zoneNotice } from './formats/zone.js';
import { cutLinesText } from './logs/lines.js';
import { QUIET_MS, STDIN_NAME, tail } from './logs/tail.js';
import type { SourcePosition, SourceProblem } from './logs/types.js';
import { Pipeline } from './pipeline.js';
import { SessionStore, type FindingVersion } from './store.js';
import { connectionEvent } from './rooms/events.js';
import type { RoomObserver, RoomObserverOptions } from './rooms/observer.js';
import type { TrackerOptions } from './tracker.js';

/** What a watcher reports, in the order it happens. */
export type WatchEvent =
  /** A new version of a finding, as the store keeps it (`version.finding` is `finding`, frozen). */
  | { type: 'finding'; how: 'created' | 'escalated' | 'recovered'; finding: Finding; version: FindingVersion }
  | { type: 'alert'; alert: Alert }
  /** A source could not be read (one line), or a room problem: the rest keeps running. */
  | { type: 'problem'; problem: SourceProblem }
  /** One human line worth saying once: the journal, the observer, logs without turn records. */
  | { type: 'notice'; text: string; files?: string[] }
  /** Every event folded in, for those who keep them (the session store, the timeline). */
  | { type: 'event'; event: AgentEvent }
  /** The LiveKit server stopped answering (why, in one line), or answers again. */
  | { type: 'rooms'; online: boolean; why?: string }
  /** Standard input (`-`) ended: nothing more will come from it (its last lines were read). */
  | { type: 'ended'; file: string };

export interface WatcherOptions {
  /** Files, directories, globs, `-` (standard input) or named pipes. */
  paths: string[];
  /** Read what the files already hold first (otherwise only what is appended from now). */
  fromStart: boolean;
  format?: FormatId;
  /** The settings: detector thresholds and alert policy. */
  settings: Pick<Config, 'detectors' | 'alerts'>;
  /** Thresholds divided by this (the demo's `--speed`). */
  speed?: number;
  /** Journal file: replayed at start, appended to as it goes; none when undefined. */
  journal?: string;
  /** LiveKit rooms to observe alongside the logs, with the host livekit-client runs in. */
  rooms?: Omit<RoomObserverOptions, 'onEvent' | 'onNotice' | 'onStatus'>;
  /** The wall clock (tests inject one). */
  now?: () => number;
  /** How often time passes for the detectors (default 250 ms). */
  tickMs?: number;
  /**
   * How long a file must stay quiet before a record it ended on is complete without the
   * continuation lines a next write could bring (default QUIET_MS).
   */
  quietMs?: number;
  /** Sessions followed this long with no user turn record at all are named, once per file. */
  noTurnNoticeMs?: number;
  /** Sessions ended this long ago leave memory for the store's archive (default 10 min). */
  retireAfterMs?: number;
  /** The journal is compacted at start past this size (default JOURNAL_MAX_BYTES). */
  journalMaxBytes?: number;
}

export interface Watcher {
  /** Resolves once the sources are open (what is appended from then on is seen) and rooms joined. */
  ready: Promise<void>;
  /** Stops every source and the clock, and closes the journal. */
  stop(): Promise<void>;
  /** Every WatchEvent from now on; returns the unsubscribe. */
  subscribe(fn: (e: WatchEvent) => void): () => void;
  /**
   * The files it found (or was named) and cannot read now — permission denied, not a text log — each
   * said once as a problem. It keeps trying them, and reads one once it can; a missing file is not
   * among them (it waits for that one to appear).
   */
  unreadable(): string[];
  readonly pipeline: Pipeline;
  /** Sessions, their events and finding versions, as the timeline reads them. */
  readonly store: SessionStore;
}

/** The detector thresholds the settings name, divided by `speed`. */
export function trackerOptions(c: Pick<Config, 'detectors'>, speed = 1): TrackerOptions {
  return {
    silenceMs: (c.detectors.silenceSeconds * 1000) / speed,
    thinkingMs: (c.detectors.thinkingSeconds * 1000) / speed,
    hangMs: (c.detectors.hangSeconds * 1000) / speed,
    rateLimitCriticalMs: (c.detectors.rateLimitCriticalMinutes * 60_000) / speed,
    neverJoinedMs: (c.detectors.neverJoinedSeconds * 1000) / speed,
  };
}

export function policyOptions(c: Pick<Config, 'alerts'>): AlertPolicyOptions {
  return {
    minSeverity: c.alerts.minSeverity,
    causes: c.alerts.causes,
    burstMs: c.alerts.burstSeconds * 1000,
    maxPerMinute: c.alerts.maxPerMinute,
  };
}

const RANK: Record<Severity, number> = { critical: 2, warning: 1, info: 0 };

/** The journal is compacted at start once it has grown past this. */
export const JOURNAL_MAX_BYTES = 16 * 1024 * 1024;

/** How long standard input must go quiet after its first lines before what follows is live. */
const STDIN_QUIET_MS = 2000;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Another deadair already watches with this journal: the second would alert everything twice. */
export class WatcherBusy extends Error {}

export function createWatcher(o: WatcherOptions): Watcher {
  const now = o.now ?? Date.now;
  const listeners = new Set<(e: WatchEvent) => void>();
  // What is said before anyone subscribes (the journal's notices at start) waits for the first.
  let early: WatchEvent[] | undefined = [];
  const emit = (e: WatchEvent) => {
    if (early) early.push(e);
    else for (const fn of listeners) fn(e);
  };
  const notice = (text: string) => emit({ type: 'notice', text });
  const policy = new AlertPolicy(policyOptions(o.settings));
  policy.roomSidOf = (id) => pipeline.tracker.session(id)?.roomSid;

  // What a previous run reported (from the journal): said once, across restarts.
  let reported = new Map<string, { severity: Severity; recovered: boolean }>();
  const alreadySaid = (f: Finding, how: 'created' | 'escalated' | 'recovered'): boolean => {
    const was = reported.get(f.id);
    if (!was) return false;
    if (how === 'recovered') return was.recovered;
    return RANK[was.severity] >= RANK[f.severity] && !was.recovered;
  };

  let replaying = false;
  let journal: Journal | undefined;
  // An alert is journalled once it has been shown, never before. The journal's record is what keeps
  // a restart from raising it again, so a record written first and a kill before the alert reached
  // the shells lost it for good: decided, never shown, and never raised again. Written after, a kill
  // before the record leaves the lines that raised it unjournalled too (their batch follows them),
  // so the restart reads them again and raises it. The price: a kill in the instant between showing
  // an alert and recording it shows that one alert again after the restart — a crash may repeat the
  // alert it was showing, and loses none.
  let decided: { id: string; at: number }[] = [];
  let sent: SentAlert[] = [];
  /** Shows what the policy raised, then journals what it decided (alerts shown or not): one write. */
  const show = (alerts: Alert[]) => {
    for (const alert of alerts) emit({ type: 'alert', alert });
    if (decided.length === 0 && sent.length === 0) return;
    journal?.alerts(decided, sent);
    decided = [];
    sent = [];
  };
  let batchEvents: AgentEvent[] = [];
  // Without a journal, sessions that ended long ago still keep their events for the timeline while
  // this watcher runs: in a scratch archive, removed when it stops.
  const scratchArchive = o.journal
    ? undefined
    : join(tmpdir(), `deadair-${process.pid}-${randomBytes(4).toString('hex')}.sessions.jsonl`);
  if (scratchArchive) sweepScratch(tmpdir());
  // The store reads the pipeline's tracker, which exists once the pipeline does.
  const store: SessionStore = new SessionStore(() => pipeline.tracker, {
    now,
    archive: o.journal ? `${o.journal.replace(/\.jsonl$/, '')}.sessions.jsonl` : scratchArchive,
  });
  // Lines appended to a file from the moment its backlog was read are read as they are written: what
  // tells the zone of an agent that logs local time without one (formats/zone.ts). Standard input
  // is a replay (`cat agent.log |`) until it has gone quiet once after its first lines: a pipe from
  // a running agent (`docker logs -f agent |`) pauses between turns, a replay runs to its end.
  let live = false;
  let stdinLast: number | undefined;
  let stdinLive = false;
  /** Where each file's backlog ended (the bytes read before the watch went live). */
  const backlogEnd = new Map<string, number>();
  /** The lines of standard input read before it went live. */
  let stdinBacklogLines = 0;
  /**
   * Does this finding cite a line a log held before it was watched (its backlog)? Also when time
   * passes later: a user turn the backlog ended on is found unanswered on the first live tick.
   */
  const fromBacklog = (f: Finding): boolean => {
    const ev = f.evidence[0];
    const file = ev?.file;
    if (ev === undefined || file === undefined || file === '') return false; // a room's: watched as it happens
    if (file === STDIN_NAME) return !stdinLive || (ev.line ?? Number.POSITIVE_INFINITY) <= stdinBacklogLines;
    if (!live) return true;
    const end = backlogEnd.get(file);
    return end !== undefined && ev.offset !== undefined && ev.offset < end;
  };
  const historyMs = o.settings.alerts.historyMinutes * 60_000;
  /** Findings from a backlog that would have alerted but are history, not yet said (sayHistory). */
  const historyUnsaid = new Set<string>();
  const sayHistory = () => {
    if (historyUnsaid.size === 0) return;
    const n = historyUnsaid.size;
    historyUnsaid.clear();
    notice(
      `${n} finding${n === 1 ? '' : 's'} from what the logs held before this watch (over ${o.settings.alerts.historyMinutes} min old) ${n === 1 ? 'was' : 'were'} reported, not alerted`,
    );
  };
  const cutSaid = new Set<string>();
  const pipeline: Pipeline = new Pipeline({
    format: o.format,
    tracker: trackerOptions(o.settings, o.speed),
    live: (file) => ((file === STDIN_NAME ? stdinLive : live) ? now() : undefined),
    wallClock: now,
    // A time of day alone (pino-pretty, Python console) is dated by the day the file was last
    // written, as analyze dates it: today's date would put yesterday's evening in the future.
    baseTime: (file) => (file === STDIN_NAME ? now() : fileDay(file, now())),
    onZone: (file, ms) => notice(zoneNotice(file, ms)),
    // Said once per file: a log that writes such lines writes many.
    onCut: (line, raw) => {
      if (cutSaid.has(line.file)) return;
      cutSaid.add(line.file);
      notice(
        `${line.file}: ${cutLinesText(1, raw ? 1 : 0)} (line ${line.line}; later ones in it are not said)`,
      );
    },
    onFolded: (ev, session) => store.addEvent(ev, session),
    onFinding: (f, how) => {
      const version = store.addFinding(f, how);
      if (replaying) return;
      // Said before a restart: not said again — but its alert may not have been decided yet (the
      // policy remembers the ones that were).
      if (!alreadySaid(f, how)) {
        emit({ type: 'finding', how, finding: f, version });
        journal?.finding(how, f);
      }
      if (how === 'recovered') return;
      // Read from what a log held before it was watched, and long over: reported, not alerted (a
      // day's log read with --from-start would otherwise notify of its first failures, hours old).
      if (fromBacklog(f) && isHistory(f, now(), historyMs)) {
        if (policy.eligible(f)) historyUnsaid.add(f.id);
        return;
      }
      const alert = policy.consider(f, now());
      show(alert ? [alert] : []);
    },
    onEvent: (ev) => {
      if (replaying || ev.kind === 'log') return;
      batchEvents.push(ev);
      emit({ type: 'event', event: ev });
    },
  });

  // What a restart needs of the events: those of sessions that may still be running (the rest are
  // in the store's archive once they end).
  const retireAfterMs = o.retireAfterMs ?? 10 * 60_000;
  const keepMs = Math.max(retireAfterMs, 2 * (trackerOptions(o.settings, o.speed).hangMs ?? 0));
  const journalMax = o.journalMaxBytes ?? JOURNAL_MAX_BYTES;
  let positions: SourcePosition[] | undefined;
  if (o.journal) {
    try {
      journal = new Journal(o.journal, { onNotice: notice, now });
    } catch (e) {
      if (e instanceof JournalBusy)
        throw new WatcherBusy(
          `${e.message}, watching these paths already: stop it, or give this one --journal FILE or --no-journal`,
        );
      throw e;
    }
    const state = readJournal(o.journal);
    if (state.skipped > 0)
      notice(`journal ${o.journal}: ${state.skipped} damaged or unreadable record(s) skipped`);
    if (state.newer > 0)
      notice(`journal ${o.journal}: ${state.newer} record(s) from a newer deadair skipped`);
    replaying = true;
    for (const ev of state.events) pipeline.ingest(ev);
    // The rooms it watched went unwatched while deadair was down: nothing that happened (or did
    // not) in them meanwhile may count as silence. The observer's reconnection ends the gap.
    const lastSeen = new Map<string, number>();
    for (const ev of state.events)
      if (!ev.evidence.file && ev.evidence.room) lastSeen.set(ev.evidence.room, ev.time);
    for (const [room, time] of lastSeen)
      pipeline.ingest(connectionEvent(room, 'disconnected', time, 'deadair stopped'));
    replaying = false;
    reported = state.reported;
    for (const id of state.alerts) policy.markRaised(id);
    for (const a of state.sent)
      policy.restoreSent(a.at, (a.cause || undefined) as CauseId | undefined, a.title, now());
    positions = state.positions;
    // The zones learnt before the restart: what was written meanwhile is read in them.
    for (const p of positions)
      if (typeof p.zoneShiftMs === 'number' && Number.isFinite(p.zoneShiftMs))
        pipeline.setZoneShift(p.file, p.zoneShiftMs);
    // Bounded: past JOURNAL_MAX_BYTES it keeps what a restart needs and the last events only —
    // once the sessions that ended long ago are in the store's archive, their history with them.
    store.retire(pipeline.tracker.prune(now() - retireAfterMs));
    const compacted = journal.compact(journalMax, keepMs);
    if (compacted)
      notice(
        `journal ${o.journal} compacted from ${mb(compacted.before)} to ${mb(compacted.after)} (findings, alerts, positions and the last ${Math.round(keepMs / 60_000)} min of events kept; older sessions are in the archive)`,
      );
    policy.onRaise = (id) => decided.push({ id, at: now() });
    policy.onSend = (a, at) => sent.push({ id: a.id, at, cause: a.finding.cause, title: a.title });
  }

  /** Journal what the last lines of `file` produced, with the position they reached. */
  const checkpoint = (file: string) => {
    if (!journal) {
      batchEvents = [];
      return;
    }
    let pos = t.positions().find((p) => p.file === file);
    const held = pipeline.heldStart(file);
    if (pos && held && held.offset < pos.offset) pos = { ...pos, offset: held.offset, line: held.line };
    const shift = pipeline.zoneShift(file);
    if (pos && shift !== 0) pos = { ...pos, zoneShiftMs: shift };
    journal.batch(batchEvents, pos);
    if (pos) positioned.add(file);
    batchEvents = [];
  };
  /**
   * Journal where each file stands that no batch has placed yet (one opened at its end, or empty):
   * a restart resumes there and reads what was written meanwhile, instead of starting at the end
   * again and never reading it.
   */
  const positioned = new Set<string>();
  const placeFiles = () => {
    if (!journal) return;
    for (const pos of t.positions()) {
      if (positioned.has(pos.file)) continue;
      positioned.add(pos.file);
      journal.batch([], pos);
    }
  };

  let observer: RoomObserver | undefined;
  let stopping = false;
  const rooms = o.rooms;
  // The observer is loaded only when rooms are watched.
  const observing = rooms
    ? import('./rooms/observer.js').then(async ({ RoomObserver }) => {
        if (stopping) return;
        observer = new RoomObserver({
          ...rooms,
          onEvent: (ev) => {
            pipeline.ingest(ev, now());
            if (journal && ev.kind !== 'log') journal.batch([ev], undefined);
          },
          onNotice: notice,
          onStatus: (st) =>
            emit(st.online ? { type: 'rooms', online: true } : { type: 'rooms', online: false, why: st.why }),
        });
        await observer.start();
      })
    : undefined;

  const quietMs = o.quietMs ?? QUIET_MS;
  const unreadable = new Set<string>();
  const t = tail({
    paths: o.paths,
    fromStart: o.fromStart,
    follow: true,
    positions,
    quietMs,
    onLines: (lines) => {
      const at = now();
      if (!stdinLive && lines[0]?.file === STDIN_NAME) {
        if (stdinLast !== undefined && at - stdinLast >= STDIN_QUIET_MS) {
          stdinLive = true;
          stdinBacklogLines = (lines[0]?.line ?? 1) - 1;
        }
        stdinLast = at;
      }
      pipeline.push(lines);
      const last = lines[lines.length - 1];
      if (last) checkpoint(last.file);
    },
    onDrained: (file) => {
      pipeline.drained(file);
      checkpoint(file);
    },
    onCaughtUp: (file) => {
      if (pipeline.caughtUp(file)) checkpoint(file);
    },
    onProblem: (problem) => {
      if (problem.code !== 'ENOENT') unreadable.add(problem.path);
      emit({ type: 'problem', problem });
    },
    onFileEvent: (file, event) => {
      if (event === 'opened' || event === 'created') unreadable.delete(file);
      if (event !== 'ended') return;
      sayHistory();
      emit({ type: 'ended', file });
    },
  });

  // Said once per file: a log with sessions but no user turn records cannot show silence.
  const blindSaid = new Set<string>();
  let ticks = 0;
  const tickMs = o.tickMs ?? 250;
  const noTurnMs = o.noTurnNoticeMs ?? 60_000;
  let ticker: NodeJS.Timeout | undefined;
  const pruneMs = Math.min(60_000, Math.max(tickMs, retireAfterMs / 10));
  let lastPrune = now();
  /**
   * Where time stands for the detectors at `at`. A record read as it was written and still waiting
   * for its continuation lines (a quiet period, at most) would have been folded when it was read:
   * time waits there for it, so that an answer read 7.9 s after a turn is not called silent at 8 s
   * because its fields come in the writer's next write. A file that keeps writing continuation
   * lines holds it back a few quiet periods at most, and held back, it never goes back on a tick.
   */
  const heldBackMs = 4 * quietMs;
  let detectorsAt = Number.NEGATIVE_INFINITY;
  const detectorTime = (at: number): number => {
    const held = pipeline.heldSince();
    detectorsAt =
      held === undefined ? at : Math.max(detectorsAt, Math.min(at, Math.max(held, at - heldBackMs)));
    return detectorsAt;
  };
  // Time passes for the detectors once what the files held at the start has been read: a backlog
  // read after a restart must answer its turns before the wall clock calls them silent.
  void t.ready.then(() => {
    if (stopping) return;
    live = true;
    for (const p of t.positions()) backlogEnd.set(p.file, p.offset);
    placeFiles();
    sayHistory();
    ticker = setInterval(() => {
      const at = now();
      pipeline.tick(detectorTime(at));
      // Sessions that ended long ago leave memory for the store's archive: a watcher that runs
      // for weeks stays bounded.
      if (at - lastPrune >= pruneMs) {
        lastPrune = at;
        store.retire(pipeline.tracker.prune(at - retireAfterMs));
        // A watcher that never restarts keeps its journal bounded too.
        journal?.compact(journalMax, keepMs);
        // Files found since the start (new in a watched folder) are placed too.
        placeFiles();
      }
      if (++ticks % Math.max(1, Math.round(5000 / tickMs)) === 0) {
        const unsaid = pipeline.tracker.filesWithoutTurnEvidence(noTurnMs).filter((f) => !blindSaid.has(f));
        for (const f of unsaid) blindSaid.add(f);
        if (unsaid.length > 0) emit({ type: 'notice', text: 'no user turn records', files: unsaid });
      }
      show(policy.tick(at));
      // (A replay on standard input goes on after the files' backlog.)
      sayHistory();
    }, tickMs);
  });

  return {
    ready: Promise.all([t.ready, observing]).then(() => undefined),
    pipeline,
    store,
    unreadable: () => [...unreadable],
    subscribe(fn) {
      listeners.add(fn);
      const waiting = early;
      early = undefined;
      for (const e of waiting ?? []) fn(e);
      return () => listeners.delete(fn);
    },
    async stop() {
      stopping = true;
      if (ticker) clearInterval(ticker);
      await observing?.catch(() => undefined);
      await observer?.stop();
      placeFiles();
      await t.stop();
      pipeline.end();
      sayHistory();
      journal?.close();
      if (scratchArchive) rmSync(scratchArchive, { force: true });
    },
  };
}

/** A watcher's scratch archive in a folder: `deadair-<pid>-<hex>.sessions.jsonl`. */
const SCRATCH = /^deadair-(\d+)-[0-9a-f]+\.sessions\.jsonl$/;

/**
 * Removes the scratch archives in `dir` that no running process owns: those of a watcher that was
 * killed before it could remove its own. Another user's, or one that cannot be removed, is left.
 */
export function sweepScratch(dir: string, alive: (pid: number) => boolean = processAlive): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = SCRATCH.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    try {
      rmSync(join(dir, name), { force: true });
      removed++;
    } catch {
      // not ours to remove
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
