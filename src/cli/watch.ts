// `deadair watch`: the core watcher with the terminal's sinks — each finding printed once as it
// happens (text or JSON lines), alerts sent to the desktop and the speaker, problems and notices on
// stderr — until Ctrl-C. `present` is shared with the demo.

import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseArgsConfig } from 'node:util';
import { expandHome, type Config } from '../core/config.js';
import { absolute } from '../core/logs/glob.js';
import { expandPaths } from '../core/logs/tail.js';
import { shownUrl } from '../core/redact.js';
import { createWatcher, WatcherBusy, type Watcher, type WatcherOptions } from '../core/watcher.js';
import { editorFromEnv } from '../shared/editor.js';
import { timelineLink } from '../shared/links.js';
import type { CauseId } from '../shared/types.js';
import { findingVersionRecord } from '../shared/records.js';
import { findChromium, ObserverBrowser } from '../observer/browser.js';
import {
  COMMON,
  formatOption,
  parse,
  problemLine,
  settings,
  uiPortOption,
  UsageError,
  VERSION,
  type Io,
} from './common.js';
import {
  escalatedText,
  findingText,
  noTurnEvidenceText,
  pickStyle,
  recoveredText,
  safeText,
  type Style,
} from './format.js';
import { WATCH_HELP } from './help.js';
import { openUrl } from '../os/open.js';
import { AlertSinks } from './sinks.js';
import { startUiServer, type UiServer } from './ui-server.js';

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
  ui: { type: 'boolean' },
  'ui-port': { type: 'string' },
  open: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export interface Presentation {
  json: boolean;
  notify: boolean;
  sound: boolean;
  /** Causes whose spoken clip is off (the settings' `alerts.spoken`). */
  spoken?: Partial<Record<CauseId, boolean>>;
  style: Style;
  /** The timeline served with `--ui`: each finding and alert carries its link into it. */
  ui?: UiServer;
}

/** How `watch` and `demo` present what they see, from the settings and their flags. */
export function presentation(
  cfg: Config,
  values: { json?: boolean; 'no-notify'?: boolean; 'no-sound'?: boolean },
  style: Style,
  ui?: UiServer,
): Presentation {
  return {
    json: values.json === true,
    notify: cfg.alerts.notify && !values['no-notify'],
    sound: cfg.alerts.sound && !values['no-sound'],
    spoken: cfg.alerts.spoken,
    style,
    ui,
  };
}

/** The timeline's link to a finding, on the page `ui` serves. */
export function findingLink(ui: UiServer, f: { session: string; id: string }): string {
  return timelineLink(ui.url, { view: 'session', session: f.session, finding: f.id });
}

/**
 * Prints what a watcher reports and sends its alerts: each finding once in full, a line when it
 * turns critical (it may alert then), recoveries, problems and notices on stderr. Returns what to
 * await before exiting (the sinks finishing their notification and clip).
 */
export function present(w: Watcher, io: Io, p: Presentation): () => Promise<void> {
  const ui = p.ui;
  const link = ui ? (f: { session: string; id: string }) => findingLink(ui, f) : () => undefined;
  const sinks = new AlertSinks(io, {
    notify: p.notify,
    sound: p.sound,
    spoken: p.spoken,
    link: (a) => link(a.finding),
  });
  const line = (o: object) => io.out.write(JSON.stringify(o) + '\n');
  w.subscribe((e) => {
    switch (e.type) {
      case 'finding': {
        // JSON: every version of a finding, as the store keeps it (created, escalated, recovered),
        // in the shape `analyze --json` and the timeline's export use.
        const at = link(e.finding);
        // A session known by its room's SID alone (agents-js names no room) is shown by it, as
        // analyze shows it.
        const f = e.finding.room
          ? e.finding
          : { ...e.finding, room: w.store.session(e.finding.session)?.roomSid };
        if (p.json) line({ ...findingVersionRecord(e.version), ...(at ? { link: at } : {}) });
        else if (e.how === 'recovered') io.out.write(recoveredText(f, p.style) + '\n\n');
        else if (e.how === 'created') io.out.write(findingText(f, p.style, e.how, at) + '\n\n');
        else if (e.how === 'escalated') io.out.write(escalatedText(f, p.style) + '\n\n');
        break;
      }
      case 'alert':
        sinks.raise(e.alert, p.json);
        break;
      case 'problem':
        // A watcher waits for a missing file (the agent may create its log later).
        io.err.write(
          problemLine(e.problem) + (e.problem.code === 'ENOENT' ? ' (waiting for it to appear)' : '') + '\n',
        );
        break;
      case 'notice':
        io.err.write(
          p.style.dim(
            `deadair: ${e.files ? `note: ${noTurnEvidenceText(e.files, (f) => w.pipeline.atDebug(f))}` : safeText(shownUrl(e.text), 400)}`,
          ) + '\n',
        );
        break;
      default:
        break;
    }
  });
  return () => sinks.idle();
}

export async function watch(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, WATCH_OPTIONS);
  if (values.help) {
    io.out.write(WATCH_HELP);
    return 0;
  }
  const format = formatOption(values.format);
  uiPortOption(values);
  const cfg = settings(values, io.env);
  // Nothing named on the command line: what the settings' `watch` section names (the tray's too).
  const fromSettings = positionals.length === 0 && !values.room?.length && !values.rooms;
  if (fromSettings) {
    positionals.push(...cfg.watch.paths.map((p) => expandHome(p, io.env)));
    if (cfg.watch.rooms) values.rooms = cfg.watch.rooms;
  }
  const rooms = await roomOptions(values, io.env, cfg);
  if (positionals.length === 0 && !rooms)
    throw new UsageError(
      'no log files or rooms given (try: deadair watch ./agent.log, or --room my-dev-room; or set watch.paths / watch.rooms in the settings)',
    );
  // Paths that do not exist yet are fine for a watcher (the agent may create its log later),
  // but say so; a path whose parent does not exist either is a usage error.
  // (The watcher says it of a missing one, once: see `present`; and of one it cannot read.)
  const { files, problems } = await expandPaths(positionals);
  const style = pickStyle(io.out, io.env, values['no-color'] ? false : values.color);
  let w: Watcher;
  try {
    w = createWatcher({
      paths: positionals,
      fromStart: values['from-start'] === true,
      format,
      settings: cfg,
      journal: values['no-journal']
        ? undefined
        : (values.journal ?? defaultJournal(positionals, io.env, roomKey(values))),
      rooms,
      // Tuning for tests and the benchmark's soak: how soon ended sessions leave memory, and the
      // journal's bound.
      ...envNumber(io.env.DEADAIR_RETIRE_MS, 'retireAfterMs'),
      ...envNumber(io.env.DEADAIR_JOURNAL_MAX_BYTES, 'journalMaxBytes'),
    });
  } catch (e) {
    if (e instanceof WatcherBusy) throw new UsageError(e.message);
    throw e;
  }
  // The timeline first (with --ui), so that every finding printed carries its link.
  const ui = values.ui ? await serveUi(w, io, values, style) : undefined;
  const idle = present(w, io, presentation(cfg, values, style, ui));
  // Say "watching" only once the files are open: what is appended from then on is seen.
  try {
    await w.ready;
  } catch (e) {
    await ui?.close();
    await w.stop().catch(() => undefined);
    throw new UsageError((e as Error).message);
  }
  // What it cannot read (it keeps trying those): the files the watcher could not open, each said
  // already, and the paths it was named that it cannot look into (a folder it may not list).
  const cannot = new Set(w.unreadable());
  for (const p of problems) {
    if (p.code === 'ENOENT' || cannot.has(absolute(p.path))) continue;
    cannot.add(absolute(p.path));
    io.err.write(problemLine(p) + '\n');
  }
  const stdinOnly = !rooms && positionals.length > 0 && positionals.every((p) => p === '-');
  const what = [
    stdinOnly && 'standard input',
    !stdinOnly &&
      positionals.length > 0 &&
      watchingFilesText({
        readable: files.filter((f) => !cannot.has(f)).length,
        unreadable: cannot.size,
        missing: problems.some((p) => p.code === 'ENOENT'),
        fromStart: values['from-start'] === true,
      }),
    rooms && `rooms ${describeRooms(values)} on ${shownUrl(rooms.credentials.url)}`,
  ].filter(Boolean);
  io.err.write(style.dim(`deadair: watching ${what.join(' and ')} — Ctrl-C to stop\n`));
  // Watching only standard input (`agent | deadair watch -`), its end is the end, as for grep.
  let inputEnded = false;
  const ended = new Promise<void>((resolve) => {
    if (stdinOnly)
      w.subscribe((e) => {
        if (e.type !== 'ended') return;
        inputEnded = true;
        resolve();
      });
  });
  await Promise.race([io.stopSignal ?? new Promise<void>(() => undefined), ended]);
  if (inputEnded) io.err.write(style.dim('deadair: standard input ended\n'));
  await ui?.close();
  await w.stop();
  await idle();
  return 0;
}

/**
 * What `watch` says it watches of the files: `2 files for new lines`, with what it keeps trying
 * (`(and retrying 1 it cannot read yet)`) and waits for (`(and waiting for more)`: a path that names
 * nothing yet); `no file it can read yet (…)` when it can read none of them.
 */
export function watchingFilesText(o: {
  readable: number;
  unreadable: number;
  missing: boolean;
  fromStart: boolean;
}): string {
  if (o.readable === 0 && o.unreadable > 0)
    return `no file it can read yet (retrying ${o.unreadable} it cannot read${o.missing ? ', and waiting for more' : ''})`;
  const also = [
    o.unreadable > 0 && `retrying ${o.unreadable} it cannot read yet`,
    o.missing && 'waiting for more',
  ].filter(Boolean);
  return `${o.readable} file${o.readable === 1 ? '' : 's'}${o.fromStart ? ' from the start' : ' for new lines'}${also.length ? ` (and ${also.join(', and ')})` : ''}`;
}

/** `--ui`: the timeline on 127.0.0.1, its URL printed (and opened with `--open`). */
export async function serveUi(
  w: Pick<Watcher, 'store' | 'subscribe'> & { stop?: () => Promise<void> },
  io: Io,
  values: { 'ui-port'?: string; open?: boolean },
  style: Style,
): Promise<UiServer> {
  const port = uiPortOption({ ui: true, 'ui-port': values['ui-port'] });
  let server: UiServer;
  try {
    server = await startUiServer({
      watcher: w,
      version: VERSION,
      port,
      root: fileURLToPath(new URL('../out/renderer', import.meta.url)),
      editor: editorFromEnv(io.env),
    });
  } catch (e) {
    await w.stop?.();
    throw new UsageError(`cannot serve the timeline on 127.0.0.1:${port}: ${(e as Error).message}`);
  }
  io.err.write(style.dim(`deadair: timeline at ${server.url}\n`));
  if (values.open) openUrl(server.url, io.env, (line) => io.err.write(`deadair: ${line}\n`));
  return server;
}

export async function roomOptions(
  values: { room?: string[]; rooms?: string; 'max-rooms'?: string },
  env: NodeJS.ProcessEnv,
  cfg: Config,
): Promise<WatcherOptions['rooms']> {
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
  const { credentialsFromSettings } = await import('../core/livekit/credentials.js');
  const credentials = credentialsFromSettings(cfg.livekit, env);
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
  // The host livekit-client runs in: headless Chromium, loaded only when rooms are watched.
  const o: NonNullable<WatcherOptions['rooms']> = {
    credentials,
    maxRooms,
    names,
    launch: (onObservation, onExit) => ObserverBrowser.launch({ chromium, onObservation, onExit }),
  };
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

function envNumber<K extends string>(v: string | undefined, key: K): Partial<Record<K, number>> {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) && n > 0
    ? ({ [key]: n } as Record<K, number>)
    : {};
}
