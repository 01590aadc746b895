// The `deadair` command line: `analyze` (post-mortem of log files, with a verdict and an exit
// code), `watch` (live findings and alerts as they happen) and `demo`. Thin: the work happens in
// src/core.

import { shownUrl } from '../core/redact.js';
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AlertPolicy, type Alert, type AlertPolicyOptions } from '../core/alerts.js';
import { ConfigError, defaultConfigPath, loadConfig, type Config } from '../core/config.js';
import { Journal, readJournal } from '../core/journal.js';
import type { SourcePosition } from '../core/logs/types.js';
import { Pipeline } from '../core/pipeline.js';
import type { AgentEvent } from '../shared/events.js';
import type { TrackerOptions } from '../core/tracker.js';
import { DEMO_MS, demoScript } from './demo.js';
import { findChromium } from '../observer/browser.js';
import { connectionEvent } from '../observer/events.js';
import type { RoomObserver, RoomObserverOptions } from '../observer/observer.js';
import { notifyDesktop, prepareNotifier } from './notify.js';
import { clipPath, playFile } from './sound.js';
import { expandPaths, tail } from '../core/logs/tail.js';
import type { SourceProblem } from '../core/logs/types.js';
import { FORMAT_IDS, type FormatId } from '../shared/events.js';
import type { Finding, SessionSummary } from '../shared/types.js';
import {
  findingJson,
  isoTime,
  noTurnEvidenceText,
  recoveredText,
  findingText,
  pickStyle,
  safeText,
  sessionJson,
  sessionText,
  shortPath,
  type Style,
} from './format.js';

export const VERSION = '0.1.0';

/** Thrown for bad usage or unusable input: printed as one line, exit code 2. */
export class UsageError extends Error {}

export interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** Resolves when the user asks to stop (Ctrl-C); `watch` runs until then. */
  stopSignal?: Promise<void>;
}

const HELP = `deadair — tells you the moment your LiveKit voice agent fails or goes silent, and why.

Usage:
  deadair analyze [options] <file|dir|glob>...   read logs to the end; one verdict per session
  deadair watch   [options] <file|dir|glob>...   follow logs live; print each finding as it happens
  deadair demo    [--speed N]                    see it work: a replayed scenario, no agent needed
  deadair help [command]                         this help, or a command's
  deadair --version

Log formats are detected per line: livekit-agents (Python) dev / console text and production JSON,
agents-js (Node) pino JSON and pino-pretty. Lines of no known format are kept as raw events.

Exit codes (analyze): 0 no session failed or went silent, 1 some did, 2 usage or I/O error.
Run 'deadair help analyze' or 'deadair help watch' for their options.
`;

const ANALYZE_HELP = `Usage: deadair analyze [options] <file|dir|glob>...

Reads every line of the given logs (directories: their *.log, *.jsonl, *.json, *.txt, *.out, *.err
files and rotations; quote globs: 'logs/**/*.log') and prints one block per agent session — room,
job, span, turns, verdict, cause, first failure with file:line, and the fix — then a summary.

Options:
  --json               print {"sessions":[...],"summary":{...}} instead of text
  --config <file>      settings file (default: $XDG_CONFIG_HOME/deadair/config.json)
  --format <id>        read every line as one format: ${FORMAT_IDS.filter((f) => f !== 'raw').join(', ')} (default: auto)
  --no-progress        no progress bar (it shows only on a terminal, for large inputs)
  --no-color           no colour (also: NO_COLOR=1)
  -h, --help           this help

Most lines are read straight from their bytes by a fast path that must agree with the full one;
DEADAIR_BULK=0 reads every line by the full path (slower), to compare should they ever differ.
Files of 8 MB or more are read ahead on a second thread; DEADAIR_READ_AHEAD=0 reads them on one.

Exit codes: 0 no session failed or went silent (healthy or degraded only), 1 some did, 2 usage or I/O error.
`;

const WATCH_HELP = `Usage: deadair watch [options] <file|dir|glob>...
       deadair watch --room <name> | --rooms <pattern> [options] [<file|dir|glob>...]

Follows the given logs like 'tail -F' (appends, rotation, truncation, new files in a directory)
and joins the given LiveKit rooms as a hidden, subscribe-only observer; prints each finding once,
the moment it happens. When an agent fails (a critical finding that is not the consequence of one
already alerted) it also raises an alert: a desktop notification that names the cause, and a short
spoken clip. Ctrl-C to stop.

Options:
  --from-start         read what the files already hold first (default: only new lines)
  --room <name>        observe this room while it is live (repeatable); needs LIVEKIT_URL,
                       LIVEKIT_API_KEY and LIVEKIT_API_SECRET (or livekit.* in the settings),
                       and Chromium or Chrome (DEADAIR_CHROMIUM=<path> to pick one)
  --rooms <pattern>    observe every live room whose name matches ('dev-*', 'support-?')
  --max-rooms <N>      observe at most N rooms at once (default 20)
  --config <file>      settings file (default: $XDG_CONFIG_HOME/deadair/config.json): alert
                       severity floor, per-cause switches, burst window, alerts a minute,
                       detector thresholds — see README
  --json               one JSON object per line per finding
  --journal <file>     where to keep the journal (default: $XDG_STATE_HOME/deadair/, one per set of paths):
                       after a restart, watch resumes exactly where it stopped, raising no alert twice
  --no-journal         keep nothing on disk
  --no-notify          no desktop notification for alerts
  --no-sound           no spoken alert (clips are played with afplay / paplay / aplay / PowerShell;
                       DEADAIR_ALSA_DEVICE=<name> plays through that ALSA device)
  --format <id>        read every line as one format (default: auto)
  --no-color           no colour (also: NO_COLOR=1)
  -h, --help           this help
`;

const DEMO_HELP = `Usage: deadair demo [options]

Replays a bundled scenario into temporary log files in real time — a healthy session, one out of
credits, one rate-limited that recovers, and one that goes silent after the user spoke — watched by
the real pipeline, with real desktop notifications and spoken alerts, then prints the analyze
summary. No agent, credentials or LiveKit account needed. About 22 s.

Options:
  --speed <N>          run N times faster (silence thresholds shrink with it; default 1)
  --keep               keep the log files (their folder is printed)
  --no-notify          no desktop notification
  --no-sound           no spoken alert
  --json               findings as JSON lines
  --no-color           no colour (also: NO_COLOR=1)
  -h, --help           this help
`;

const COMMON = {
  config: { type: 'string' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const ANALYZE_OPTIONS = {
  ...COMMON,
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];
const WATCH_OPTIONS = {
  ...COMMON,
  'from-start': { type: 'boolean' },
  room: { type: 'string', multiple: true },
  rooms: { type: 'string' },
  'max-rooms': { type: 'string' },
  journal: { type: 'string' },
  'no-journal': { type: 'boolean' },
  'no-notify': { type: 'boolean' },
  'no-sound': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

const DEMO_OPTIONS = {
  ...COMMON,
  speed: { type: 'string' },
  keep: { type: 'boolean' },
  'no-notify': { type: 'boolean' },
  'no-sound': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(
      `${(e as Error).message.replace(/\. To specify a positional.*$/s, '')} (see 'deadair help')`,
    );
  }
}

function formatOption(v: string | boolean | undefined): FormatId | undefined {
  if (v === undefined || v === 'auto') return undefined;
  if (typeof v === 'string' && (FORMAT_IDS as readonly string[]).includes(v)) return v as FormatId;
  throw new UsageError(`unknown --format '${String(v)}' (expected one of: auto, ${FORMAT_IDS.join(', ')})`);
}

function problemLine(p: SourceProblem): string {
  return `deadair: ${p.message}`;
}

async function resolveInputs(
  paths: string[],
  io: Io,
): Promise<{ files: string[]; problems: SourceProblem[] }> {
  if (paths.length === 0) throw new UsageError('no log files given (try: deadair analyze ./agent.log)');
  const { files, problems } = await expandPaths(paths);
  if (files.length === 0) {
    if (problems.length === 1 && problems[0]) throw new UsageError(problems[0].message);
    throw new UsageError(`no log files found in ${paths.map((p) => `'${p}'`).join(', ')}`);
  }
  // Some paths are fine: say what is wrong with the others, once, and go on.
  for (const p of problems) io.err.write(problemLine(p) + '\n');
  return { files, problems };
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out.write(
          rest[0] === 'analyze'
            ? ANALYZE_HELP
            : rest[0] === 'watch'
              ? WATCH_HELP
              : rest[0] === 'demo'
                ? DEMO_HELP
                : HELP,
        );
        return 0;
      case '--version':
      case '-v':
      case 'version':
        io.out.write(`deadair ${VERSION}\n`);
        return 0;
      case 'analyze':
        return await analyze(rest, io);
      case 'watch':
        return await watch(rest, io);
      case 'demo':
        return await demo(rest, io);
      default:
        throw new UsageError(
          `unknown command '${safeText(cmd, 40)}' (expected analyze or watch; see 'deadair help')`,
        );
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err.write(`deadair: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

// ---- analyze ------------------------------------------------------------------------------------

async function analyze(args: string[], io: Io, tracker?: TrackerOptions): Promise<number> {
  const { values, positionals } = parse(args, ANALYZE_OPTIONS);
  if (values.help) {
    io.out.write(ANALYZE_HELP);
    return 0;
  }
  const format = formatOption(values.format);
  const cfg = settings(values, io.env);
  const { files, problems: inputProblems } = await resolveInputs(positionals, io);
  const style = pickStyle(io.out, io.env, values['no-color'] ? false : values.color);
  const sizes = new Map(files.map((f) => [f, safeSize(f)]));
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  const progress =
    !values['no-progress'] && values.progress !== false && io.err.isTTY && total > 64 * 1024 * 1024
      ? new Progress(io.err, total)
      : undefined;

  const pipeline = new Pipeline({
    format,
    baseTime: (f) => mtimeOf(f),
    tracker: tracker ?? trackerOptions(cfg),
    prefetch: io.env.DEADAIR_READ_AHEAD === '0' ? 'never' : 'auto',
  });
  const problems: SourceProblem[] = [...inputProblems];
  const done = new Map<string, number>();
  const t = tail({
    paths: files,
    fromStart: true,
    follow: false,
    lazyLines: true,
    // DEADAIR_BULK=0 reads every line by the full path (to compare, should the two ever differ).
    scanner: io.env.DEADAIR_BULK === '0' ? undefined : (file) => pipeline.scanner(file),
    onLines(lines) {
      pipeline.push(lines);
    },
    onRead(file, pos) {
      if (!progress) return;
      done.set(file, pos);
      progress.update([...done.values()].reduce((a, b) => a + b, 0));
    },
    onDrained: (file) => pipeline.drained(file),
    onProblem(p) {
      problems.push(p);
      progress?.clear();
      io.err.write(problemLine(p) + '\n');
    },
  });
  await t.done;
  pipeline.end();
  pipeline.conclude();
  progress?.clear();

  // Nothing could be read: the lines on stderr say why; a report of nothing would read as an all-clear.
  if (problems.length > 0 && pipeline.files().length === 0) return 2;
  const sessions = pipeline.tracker;
  const counts = sessions.verdictCounts();
  const count = counts.failed + counts.silent + counts.degraded + counts.healthy;
  const fileStats = pipeline.files();
  const rawLines = fileStats.reduce((a, f) => a + (f.formats.raw ?? 0), 0);
  const blind = sessions.filesWithoutTurnEvidence();
  // Written a piece at a time, each session as it is summarised: a log of a million jobs is
  // reported without its whole report in memory.
  const out = new Writer(io.out);
  if (values.json) {
    await out.put('{"version":1,"sessions":[');
    let first = true;
    for (const s of sessions.eachSummary()) {
      await out.put((first ? '' : ',') + JSON.stringify(sessionJson(s)));
      first = false;
    }
    const summary = {
      sessions: count,
      ...counts,
      lines: pipeline.lines,
      events: pipeline.events,
      rawLines,
      files: fileStats.map((f) => ({ file: f.file, lines: f.lines, format: mainFormat(f.formats) })),
      // Files silence cannot be judged from (no user turn records): see noTurnEvidenceText.
      noTurnEvidence: blind,
    };
    const probs = problems.map((p) => ({ path: p.path, message: p.message, code: p.code ?? null }));
    await out.put(`],"summary":${JSON.stringify(summary)},"problems":${JSON.stringify(probs)}}\n`);
  } else {
    await out.put(analyzeHeader(fileStats, style) + '\n\n');
    for (const s of sessions.eachSummary(true)) await out.put(sessionText(s, style) + '\n\n');
    await out.put(analyzeFooter(count, counts, rawLines, pipeline.lines, style) + '\n');
    if (blind.length > 0) await out.put(style.dim(`note: ${noTurnEvidenceText(blind)}`) + '\n');
  }
  await out.flush();
  // As grep does: what could be read is reported, and any input that could not be read exits 2.
  if (problems.length > 0) return 2;
  return counts.failed + counts.silent > 0 ? 1 : 0;
}

function mainFormat(formats: Partial<Record<FormatId, number>>): FormatId {
  let best: FormatId = 'raw';
  let n = -1;
  for (const [f, c] of Object.entries(formats) as [FormatId, number][]) {
    if (f !== 'raw' && c > n) {
      best = f;
      n = c;
    }
  }
  return best;
}

function analyzeHeader(files: ReturnType<Pipeline['files']>, style: ReturnType<typeof pickStyle>): string {
  const shown = files.slice(0, 4).map((f) => `${shortPath(f.file)} (${mainFormat(f.formats)})`);
  if (files.length > 4) shown.push(`and ${files.length - 4} more`);
  return style.dim(
    `deadair analyze — ${files.length} file${files.length === 1 ? '' : 's'}: ${shown.join(', ')}`,
  );
}

function analyzeFooter(
  total: number,
  counts: Record<SessionSummary['verdict'], number>,
  rawLines: number,
  lines: number,
  style: ReturnType<typeof pickStyle>,
): string {
  const verdicts = (['failed', 'silent', 'degraded', 'healthy'] as const)
    .filter((v) => counts[v] > 0)
    .map((v) => `${counts[v]} ${v}`)
    .join(', ');
  return (
    (total === 0 ? 'No agent sessions found in these logs.\n\n' : '') +
    style.bold(`${total} session${total === 1 ? '' : 's'}${verdicts ? ` — ${verdicts}` : ''}`) +
    style.dim(
      ` · ${lines.toLocaleString('en-US')} lines${rawLines ? `, ${rawLines.toLocaleString('en-US')} of no known format (kept as raw)` : ''}`,
    )
  );
}

/** Text written in pieces of about 64 KiB, waiting for the stream when it is full. */
class Writer {
  private buf = '';
  constructor(private readonly stream: Io['out']) {}
  async put(text: string): Promise<void> {
    this.buf += text;
    if (this.buf.length >= 65_536) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.buf === '') return;
    const ok = this.stream.write(this.buf);
    this.buf = '';
    if (!ok) await new Promise<void>((r) => this.stream.once('drain', () => r()));
  }
}

function safeSize(f: string): number {
  try {
    return statSync(f).size;
  } catch {
    return 0;
  }
}

function mtimeOf(f: string): number {
  try {
    return statSync(f).mtimeMs;
  } catch {
    return Date.now();
  }
}

export interface WatchOptions {
  paths: string[];
  fromStart: boolean;
  format?: FormatId;
  json: boolean;
  notify: boolean;
  sound: boolean;
  style: Style;
  tracker?: TrackerOptions;
  /** Journal file: replayed at start (sessions, positions, alerts raised), appended to as we go. */
  journal?: string;
  policy?: AlertPolicyOptions;
  /** LiveKit rooms to observe alongside the logs. */
  rooms?: Omit<RoomObserverOptions, 'onEvent' | 'onNotice'>;
}

/** Follows logs through the pipeline, printing findings and raising alerts, until stop(). */
export function startWatching(io: Io, o: WatchOptions): { ready: Promise<void>; stop(): Promise<void> } {
  const policy = new AlertPolicy(o.policy);
  const sinks = new AlertSinks(io, { notify: o.notify, sound: o.sound });
  const write = (f: Finding, how: 'created' | 'escalated' | 'recovered') => {
    if (how === 'recovered') {
      if (o.json)
        io.out.write(
          JSON.stringify({
            type: 'recovered',
            session: f.session,
            cause: f.cause,
            time: isoTime(f.recovered ?? Number.NaN),
          }) + '\n',
        );
      else io.out.write(recoveredText(f, o.style) + '\n\n');
      return;
    }
    const alert = policy.consider(f);
    if (alert) sinks.raise(alert, o.json);
    if (how === 'escalated') return; // each finding is printed once; an escalation may still alert
    if (o.json)
      io.out.write(
        JSON.stringify({
          type: 'finding',
          session: f.session,
          room: f.room ?? null,
          job: f.job ?? null,
          ...findingJson(f),
        }) + '\n',
      );
    else io.out.write(findingText(f, o.style, how) + '\n\n');
  };
  let replaying = false;
  let batchEvents: AgentEvent[] = [];
  const pipeline = new Pipeline({
    format: o.format,
    onFinding: (f, how) => {
      if (replaying) return;
      journal?.finding(how, f);
      write(f, how);
    },
    onEvent: (ev) => {
      if (ev.kind !== 'log' && !replaying) batchEvents.push(ev);
    },
    tracker: o.tracker,
  });
  let journal: Journal | undefined;
  let positions: SourcePosition[] | undefined;
  if (o.journal) {
    const state = readJournal(o.journal);
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
    for (const id of state.alerts) policy.markRaised(id);
    positions = state.positions;
    journal = new Journal(o.journal);
    policy.onRaise = (id) => journal?.alert(id, Date.now());
  }
  /** Journal what the last lines of `file` produced, with the position they reached. */
  const checkpoint = (file: string) => {
    if (!journal) return;
    let pos = t.positions().find((p) => p.file === file);
    const held = pipeline.heldStart(file);
    if (pos && held && held.offset < pos.offset) pos = { ...pos, offset: held.offset, line: held.line };
    journal.batch(batchEvents, pos);
    batchEvents = [];
  };
  // The observer (livekit, a browser) is loaded only when rooms are watched: analyze starts fast.
  let observer: RoomObserver | undefined;
  let stopping = false;
  const rooms = o.rooms;
  const observing = rooms
    ? import('../observer/observer.js').then(async ({ RoomObserver }) => {
        if (stopping) return;
        observer = new RoomObserver({
          ...rooms,
          onEvent: (ev) => {
            pipeline.ingest(ev);
            if (journal && ev.kind !== 'log') journal.batch([ev], undefined);
          },
          onNotice: (line) => io.err.write(o.style.dim(`deadair: ${safeText(shownUrl(line), 400)}`) + '\n'),
        });
        await observer.start();
      })
    : undefined;
  const t = tail({
    paths: o.paths,
    fromStart: o.fromStart,
    follow: true,
    positions,
    onLines: (lines) => {
      pipeline.push(lines);
      const last = lines[lines.length - 1];
      if (last) checkpoint(last.file);
    },
    onDrained: (file) => {
      pipeline.drained(file);
      checkpoint(file);
    },
    onProblem: (p) => io.err.write(problemLine(p) + '\n'),
  });
  // Said once per file: a log with sessions but no user turn records cannot show silence.
  const blindSaid = new Set<string>();
  let ticks = 0;
  // Live, the wall clock drives the time-based detectors (silence, thinking, a hung worker).
  const ticker = setInterval(() => {
    const now = Date.now();
    pipeline.tick(now);
    if (++ticks % 20 === 0) {
      const unsaid = pipeline.tracker.filesWithoutTurnEvidence(60_000).filter((f) => !blindSaid.has(f));
      for (const f of unsaid) blindSaid.add(f);
      if (unsaid.length > 0) io.err.write(o.style.dim(`deadair: note: ${noTurnEvidenceText(unsaid)}`) + '\n');
    }
    for (const alert of policy.tick(now)) sinks.raise(alert, o.json);
  }, 250);
  return {
    ready: Promise.all([t.ready, observing]).then(() => undefined),
    async stop() {
      stopping = true;
      clearInterval(ticker);
      await observing?.catch(() => undefined);
      await observer?.stop();
      await t.stop();
      pipeline.end();
      await sinks.idle();
      journal?.close();
    },
  };
}

/** The settings file (--config, or the XDG default), as a usage error when it is wrong. */
function settings(values: { config?: string }, env: NodeJS.ProcessEnv): Config {
  try {
    return loadConfig(values.config ?? defaultConfigPath(env), values.config !== undefined);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`config ${e.message}`);
    throw e;
  }
}

function trackerOptions(c: Config, speed = 1): TrackerOptions {
  return {
    silenceMs: (c.detectors.silenceSeconds * 1000) / speed,
    thinkingMs: (c.detectors.thinkingSeconds * 1000) / speed,
    hangMs: (c.detectors.hangSeconds * 1000) / speed,
    rateLimitCriticalMs: (c.detectors.rateLimitCriticalMinutes * 60_000) / speed,
    neverJoinedMs: (c.detectors.neverJoinedSeconds * 1000) / speed,
  };
}

function policyOptions(c: Config): AlertPolicyOptions {
  return {
    minSeverity: c.alerts.minSeverity,
    causes: c.alerts.causes,
    burstMs: c.alerts.burstSeconds * 1000,
    maxPerMinute: c.alerts.maxPerMinute,
  };
}

/** `--room` / `--rooms` as observer options, or undefined; a usage error when something is missing. */
async function roomOptions(
  values: { room?: string[]; rooms?: string; 'max-rooms'?: string },
  env: NodeJS.ProcessEnv,
  cfg: Config,
): Promise<WatchOptions['rooms']> {
  const names = (values.room ?? []).map((r) => r.trim()).filter(Boolean);
  if (names.length === 0 && !values.rooms) {
    if (values['max-rooms'] !== undefined) throw new UsageError('--max-rooms needs --room or --rooms');
    return undefined;
  }
  const maxRooms = values['max-rooms'] === undefined ? cfg.livekit.maxRooms : Number(values['max-rooms']);
  if (!Number.isInteger(maxRooms) || maxRooms < 1 || maxRooms > 500)
    throw new UsageError(
      `--max-rooms must be a whole number from 1 to 500, not '${safeText(String(values['max-rooms']), 20)}'`,
    );
  const { credentialsFromEnv } = await import('../core/livekit/credentials.js');
  // The environment (the lk CLI's names) wins over the settings file.
  const credentials = credentialsFromEnv({
    LIVEKIT_URL: cfg.livekit.url,
    LIVEKIT_API_KEY: cfg.livekit.apiKey,
    LIVEKIT_API_SECRET: cfg.livekit.apiSecret,
    ...Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('LIVEKIT_') && v?.trim())),
  });
  if ('missing' in credentials)
    throw new UsageError(
      `observing rooms needs your LiveKit server and keys: set ${credentials.missing.join(', ')} (as for the lk CLI), or livekit.url / apiKey / apiSecret in the settings file`,
    );
  if (!/^(wss?|https?):\/\//.test(credentials.url))
    throw new UsageError(
      `LIVEKIT_URL must start with wss:// or ws://, not '${safeText(shownUrl(credentials.url), 80)}'`,
    );
  const chromium = findChromium(env);
  if (!chromium)
    throw new UsageError(
      'observing rooms needs Chromium or Google Chrome, and none was found: install one, or set DEADAIR_CHROMIUM to its path',
    );
  const o: NonNullable<WatchOptions['rooms']> = { credentials, chromium, maxRooms, names };
  // How often to ask the server for its live rooms (default 2 s; tests and the bench go faster).
  const poll = Number(env.DEADAIR_ROOM_POLL_MS);
  if (Number.isFinite(poll) && poll >= 50) o.pollMs = poll;
  if (values.rooms) o.pattern = values.rooms;
  return o;
}

function describeRooms(values: { room?: string[]; rooms?: string }): string {
  return [...(values.room ?? []), ...(values.rooms ? [`'${values.rooms}'`] : [])].join(', ');
}

function roomKey(values: { room?: string[]; rooms?: string }): string[] {
  return [...(values.room ?? []).map((r) => `room:${r}`), ...(values.rooms ? [`rooms:${values.rooms}`] : [])];
}

/** One journal per set of watched paths and rooms, in the XDG state directory. */
function defaultJournal(paths: string[], env: NodeJS.ProcessEnv, rooms: string[] = []): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  const key = createHash('sha256')
    .update([...paths.map((p) => resolve(p)), ...rooms].sort().join('\0'))
    .digest('hex')
    .slice(0, 16);
  return join(base, 'deadair', `watch-${key}.jsonl`);
}

/** Sends alerts to the desktop and the speaker, one at a time, reporting each kind of failure once. */
class AlertSinks {
  private queue: Promise<void> = Promise.resolve();
  private readonly pending = new Set<Promise<void>>();
  private readonly reported = new Set<string>();
  constructor(
    private readonly io: Io,
    private readonly on: { notify: boolean; sound: boolean },
  ) {
    if (on.notify) prepareNotifier();
  }
  raise(alert: Alert, json: boolean): void {
    if (json)
      this.io.out.write(
        JSON.stringify({
          type: 'alert',
          id: alert.id,
          cause: alert.finding.cause,
          session: alert.finding.session,
          title: alert.title,
          body: alert.body,
          clip: alert.clip,
        }) + '\n',
      );
    const bench = this.io.env.DEADAIR_BENCH === '1';
    if (this.on.notify) {
      if (bench) this.io.err.write(`deadair-bench notify ${alert.id} ${Date.now()}\n`);
      const sent = notifyDesktop(alert).then((p) => this.problem(p));
      this.pending.add(sent);
      void sent.finally(() => this.pending.delete(sent));
    }
    if (this.on.sound) {
      // Clips play one after another; a notification never waits for them, nor they for it.
      this.queue = this.queue.then(async () => {
        if (bench) this.io.err.write(`deadair-bench sound ${alert.id} ${Date.now()}\n`);
        const r = await playFile(clipPath(alert.clip), {
          alsaDevice: this.io.env.DEADAIR_ALSA_DEVICE || undefined,
        });
        if (!r.ok) this.problem(`spoken alert not played: ${r.detail} (--no-sound to silence this)`);
      });
    }
  }
  /** Reports each kind of sink failure once. */
  private problem(p: string | undefined): void {
    if (p && !this.reported.has(p)) {
      this.reported.add(p);
      this.io.err.write(`deadair: ${p}\n`);
    }
  }
  async idle(): Promise<void> {
    await Promise.all([...this.pending]);
    await this.queue;
  }
}

class Progress {
  private last = 0;
  private shown = false;
  constructor(
    private readonly err: Io['err'],
    private readonly total: number,
  ) {}
  update(done: number): void {
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    const width = Math.max(10, Math.min(40, (this.err.columns ?? 80) - 40));
    const frac = Math.min(1, done / this.total);
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    this.err.write(
      `\r${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${(done / 1e6).toFixed(0)} / ${(this.total / 1e6).toFixed(0)} MB`,
    );
    this.shown = true;
  }
  clear(): void {
    if (this.shown) this.err.write('\r\x1b[2K');
    this.shown = false;
  }
}

// ---- demo ---------------------------------------------------------------------------------------

async function demo(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, DEMO_OPTIONS);
  if (values.help) {
    io.out.write(DEMO_HELP);
    return 0;
  }
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 1000)
    throw new UsageError(
      `--speed must be a number between 0 and 1000, not '${safeText(String(values.speed), 20)}'`,
    );
  const style = pickStyle(io.out, io.env, values['no-color'] ? false : values.color);
  const cfg = settings(values, io.env);
  const thresholds = trackerOptions(cfg, speed);
  const dir = mkdtempSync(join(tmpdir(), 'deadair-demo-'));
  const script = demoScript();
  for (const f of new Set(script.map((l) => l.file))) writeFileSync(join(dir, f), '');
  io.err.write(
    style.bold('deadair demo') +
      style.dim(
        ` — four agent sessions replayed${speed === 1 ? ' in real time' : ` ${speed}× faster`} into ${dir}\n`,
      ) +
      style.dim(
        '  support-1 healthy · sales-2 runs out of credits · onboarding-3 rate limited, recovers · billing-4 goes silent\n\n',
      ),
  );
  const w = startWatching(io, {
    paths: [dir],
    fromStart: true,
    json: values.json === true,
    notify: !values['no-notify'],
    sound: !values['no-sound'],
    style,
    tracker: {
      silenceMs: 8000 / speed,
      thinkingMs: 15_000 / speed,
      hangMs: 60_000 / speed,
      rateLimitCriticalMs: 120_000 / speed,
    },
  });
  const start = Date.now();
  let stopped = false;
  void io.stopSignal?.then(() => (stopped = true));
  for (const l of script) {
    const due = start + l.at / speed;
    while (!stopped && Date.now() < due)
      await new Promise((r) => setTimeout(r, Math.min(50, due - Date.now())));
    if (stopped) break;
    appendFileSync(join(dir, l.file), l.text(Date.now()) + '\n');
  }
  const end = start + DEMO_MS / speed;
  while (!stopped && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  await w.stop();
  if (!values.json) io.out.write(style.bold('\nWhat happened, per session (deadair analyze):\n\n'));
  const code = await analyze(
    ['--no-progress', ...(values['no-color'] ? ['--no-color'] : []), ...(values.json ? ['--json'] : []), dir],
    io,
    thresholds,
  );
  if (values.keep) io.err.write(style.dim(`\nthe logs are in ${dir}\n`));
  else rmSync(dir, { recursive: true, force: true });
  return code === 2 ? 2 : 0;
}

// ---- watch --------------------------------------------------------------------------------------

async function watch(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, WATCH_OPTIONS);
  if (values.help) {
    io.out.write(WATCH_HELP);
    return 0;
  }
  const format = formatOption(values.format);
  const cfg = settings(values, io.env);
  const rooms = await roomOptions(values, io.env, cfg);
  if (positionals.length === 0 && !rooms)
    throw new UsageError(
      'no log files or rooms given (try: deadair watch ./agent.log, or --room my-dev-room)',
    );
  // Paths that do not exist yet are fine for a watcher (the agent may create its log later),
  // but say so; a path whose parent does not exist either is a usage error.
  const { files, problems } = await expandPaths(positionals);
  for (const p of problems)
    io.err.write(problemLine(p) + (p.code === 'ENOENT' ? ' (waiting for it to appear)' : '') + '\n');
  const style = pickStyle(io.out, io.env, values['no-color'] ? false : values.color);
  const w = startWatching(io, {
    paths: positionals,
    fromStart: values['from-start'] === true,
    format,
    json: values.json === true,
    notify: cfg.alerts.notify && !values['no-notify'],
    sound: cfg.alerts.sound && !values['no-sound'],
    style,
    tracker: trackerOptions(cfg),
    policy: policyOptions(cfg),
    journal: values['no-journal']
      ? undefined
      : (values.journal ?? defaultJournal(positionals, io.env, roomKey(values))),
    rooms,
  });
  // Say "watching" only once the files are open: what is appended from then on is seen.
  try {
    await w.ready;
  } catch (e) {
    await w.stop().catch(() => undefined);
    throw new UsageError((e as Error).message);
  }
  const what = [
    positionals.length > 0 &&
      `${files.length} file${files.length === 1 ? '' : 's'}${files.length < positionals.length ? ' (and waiting for more)' : ''}${values['from-start'] ? ' from the start' : ' for new lines'}`,
    rooms && `rooms ${describeRooms(values)} on ${shownUrl(rooms.credentials.url)}`,
  ].filter(Boolean);
  io.err.write(style.dim(`deadair: watching ${what.join(' and ')} — Ctrl-C to stop\n`));
  await (io.stopSignal ?? new Promise<void>(() => undefined));
  await w.stop();
  return 0;
}
