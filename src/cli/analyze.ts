// `deadair analyze`: reads logs to their end and prints one verdict per session (or JSON), worst
// first, with an exit code: 0 all healthy or degraded, 1 some failed or went silent, 2 I/O or usage.

import { statSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { fileDay } from '../core/formats/record.js';
import { isDirectory } from '../core/logs/glob.js';
import { expandPaths, STDIN_NAME, tail } from '../core/logs/tail.js';
import type { SourceProblem } from '../core/logs/types.js';
import { Pipeline } from '../core/pipeline.js';
import type { TrackerOptions } from '../core/tracker.js';
import { trackerOptions } from '../core/watcher.js';
import type { FormatId } from '../shared/events.js';
import type { SessionSummary } from '../shared/types.js';
import {
  COMMON,
  formatOption,
  parse,
  problemLine,
  settings,
  uiPortOption,
  UsageError,
  type Io,
} from './common.js';
import { noTurnEvidenceText, pickStyle, sessionText, shortPath } from './format.js';
import { cutNotes, subfolderHint, unreadFiles, unreadNote } from './input-notes.js';
import { RECORDS_VERSION, sessionRecord } from '../shared/records.js';
import { ENVELOPE_NAMES } from '../core/formats/envelope.js';
import { SessionStore } from '../core/store.js';
import { timelineLink } from '../shared/links.js';
import { serveUi } from './watch.js';
import { ANALYZE_HELP } from './help.js';

const ANALYZE_OPTIONS = {
  ...COMMON,
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  ui: { type: 'boolean' },
  'ui-port': { type: 'string' },
  open: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

async function resolveInputs(
  paths: string[],
  io: Io,
): Promise<{ files: string[]; problems: SourceProblem[] }> {
  if (paths.length === 0) throw new UsageError('no log files given (try: deadair analyze ./agent.log)');
  const { files, problems } = await expandPaths(paths);
  // A folder whose logs are all in its subfolders: the command that reads them.
  for (const p of problems)
    if (p.code === 'ENOENT' && (await isDirectory(p.path))) p.message += await subfolderHint(p.path);
  if (files.length === 0) {
    if (problems.length === 1 && problems[0]) throw new UsageError(problems[0].message);
    throw new UsageError(`no log files found in ${paths.map((p) => `'${p}'`).join(', ')}`);
  }
  // Some paths are fine: say what is wrong with the others, once, and go on.
  for (const p of problems) io.err.write(problemLine(p) + '\n');
  return { files, problems };
}

/** Files smaller than this take the full path (the bulk reader's setup outweighs what it saves). */
const BULK_MIN_BYTES = 256 * 1024;

export async function analyze(args: string[], io: Io, tracker?: TrackerOptions): Promise<number> {
  const { values, positionals } = parse(args, ANALYZE_OPTIONS);
  if (values.help) {
    io.out.write(ANALYZE_HELP);
    return 0;
  }
  const format = formatOption(values.format);
  uiPortOption(values);
  const cfg = settings(values, io.env);
  const { files, problems: inputProblems } = await resolveInputs(positionals, io);
  const style = pickStyle(io.out, io.env, values['no-color'] ? false : values.color);
  const sizes = new Map(files.map((f) => [f, safeSize(f)]));
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  const progress =
    !values['no-progress'] && values.progress !== false && io.err.isTTY && total > 64 * 1024 * 1024
      ? new Progress(io.err, total)
      : undefined;

  // With --ui every event is indexed for the timeline, so every line takes the full path.
  const ui = values.ui === true;
  const store: SessionStore = new SessionStore(() => pipeline.tracker);
  const pipeline: Pipeline = new Pipeline({
    format,
    baseTime: (f) => fileDay(f),
    tracker: tracker ?? trackerOptions(cfg),
    prefetch: io.env.DEADAIR_READ_AHEAD === '0' ? 'never' : 'auto',
    ...(ui
      ? {
          onFolded: (ev, session) => store.addEvent(ev, session),
          onFinding: (f, how) => void store.addFinding(f, how),
        }
      : {}),
  });
  const problems: SourceProblem[] = [...inputProblems];
  const done = new Map<string, number>();
  const t = tail({
    paths: files,
    fromStart: true,
    follow: false,
    lazyLines: true,
    // DEADAIR_BULK=0 reads every line by the full path (to compare, should the two ever differ).
    // Files under BULK_MIN_BYTES are read by it too: setting the bulk reader up costs more than it
    // saves on them (a directory of thousands of one-line logs reads twice as fast).
    scanner:
      io.env.DEADAIR_BULK === '0' || ui
        ? undefined
        : (file) =>
            (sizes.get(file) ?? BULK_MIN_BYTES) >= BULK_MIN_BYTES ? pipeline.scanner(file) : undefined,
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
  // What the report says is what the store answers, as `watch --json` and the timeline read it.
  const server = ui
    ? await serveUi({ store, subscribe: () => () => undefined }, io, values, pickStyle(io.err, io.env))
    : undefined;
  const link = (s: Readonly<SessionSummary>) =>
    server
      ? timelineLink(
          server.url,
          s.causes[0] && s.verdict !== 'healthy'
            ? { view: 'session', session: s.id, finding: s.causes[0].id }
            : { view: 'session', session: s.id },
        )
      : undefined;
  const counts = pipeline.tracker.verdictCounts();
  const count = counts.failed + counts.silent + counts.degraded + counts.healthy;
  const fileStats = pipeline.files();
  const rawLines = fileStats.reduce((a, f) => a + (f.formats.raw ?? 0), 0);
  const blind = pipeline.tracker.filesWithoutTurnEvidence();
  const unread = unreadFiles(fileStats);
  // Written a piece at a time, each session as it is summarised: a log of a million jobs is
  // reported without its whole report in memory.
  const out = new Writer(io.out);
  if (values.json) {
    await out.put(`{"version":${RECORDS_VERSION},"sessions":[`);
    let first = true;
    for (const s of store.eachSummary()) {
      const at = link(s);
      // (Not live: the logs were read to their end, and the tracker was told so — see its `finish`.)
      const r = sessionRecord(s);
      await out.put((first ? '' : ',') + JSON.stringify(at ? { ...r, link: at } : r));
      first = false;
    }
    const summary = {
      sessions: count,
      ...counts,
      lines: pipeline.lines,
      events: pipeline.events,
      rawLines,
      files: fileStats.map((f) => ({
        file: f.file,
        lines: f.lines,
        format: mainFormat(f.formats),
        envelope: f.envelope ?? null,
        cutLines: f.cut,
      })),
      // Files silence cannot be judged from (no user turn records): see noTurnEvidenceText.
      noTurnEvidence: blind,
      // Files none of whose lines is in a format deadair reads (or the one --format forced).
      noKnownFormat: unread.map((f) => f.file),
    };
    const probs = problems.map((p) => ({ path: p.path, message: p.message, code: p.code ?? null }));
    await out.put(`],"summary":${JSON.stringify(summary)},"problems":${JSON.stringify(probs)}}\n`);
  } else {
    await out.put(analyzeHeader(fileStats, files, style) + '\n\n');
    const blindSet = new Set(blind);
    for (const s of store.eachSummary(true)) {
      const at = link(s);
      await out.put(
        sessionText(s, style, blindSet) + (at ? `\n  ${style.dim('open')}    ${at}` : '') + '\n\n',
      );
    }
    await out.put(analyzeFooter(count, counts, rawLines, pipeline.lines, style) + '\n');
    if (blind.length > 0)
      await out.put(style.dim(`note: ${noTurnEvidenceText(blind, (f) => pipeline.atDebug(f))}`) + '\n');
    // Said of the input, as the note above: the exit code stays the report's.
    for (const note of [unreadNote(unread, format), ...cutNotes(fileStats)])
      if (note) await out.put(style.dim(`note: ${note}`) + '\n');
  }
  await out.flush();
  if (server) {
    // The sessions stay browsable (their evidence is read from the logs) until Ctrl-C.
    io.err.write(
      pickStyle(io.err, io.env).dim(`deadair: the timeline stays at ${server.url} — Ctrl-C to stop\n`),
    );
    await (io.stopSignal ?? new Promise<void>(() => undefined));
    await server.close();
  }
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

/** What was read: each file with its format, and the inputs that held no line, as empty. */
function analyzeHeader(
  read: ReturnType<Pipeline['files']>,
  inputs: readonly string[],
  style: ReturnType<typeof pickStyle>,
): string {
  const seen = new Set(read.map((f) => f.file));
  const empty = inputs.filter((f) => !seen.has(f) && !(f === '-' && seen.has(STDIN_NAME)));
  const all = [
    ...read.map(
      (f) =>
        `${shortPath(f.file)} (${mainFormat(f.formats)}${f.envelope ? ` in ${ENVELOPE_NAMES[f.envelope]}` : ''})`,
    ),
    ...empty.map((f) => `${f === '-' ? 'standard input' : shortPath(f)} (empty)`),
  ];
  const shown = all.slice(0, 4);
  if (all.length > 4) shown.push(`and ${all.length - 4} more`);
  return style.dim(`deadair analyze — ${all.length} file${all.length === 1 ? '' : 's'}: ${shown.join(', ')}`);
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
      ` · ${lines.toLocaleString('en-US')} line${lines === 1 ? '' : 's'}${rawLines ? `, ${rawLines.toLocaleString('en-US')} of no known format (kept as raw)` : ''}`,
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
