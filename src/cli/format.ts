// How findings and sessions read in a terminal and as JSON. Plain functions of plain data.

import { turnsText } from '../shared/turns.js';
import type { Finding, SessionLatency, SessionSummary } from '../shared/types.js';

export { isoTime } from '../shared/records.js';

export interface Style {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  cyan(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
export const COLOR: Style = {
  red: wrap(31, 39),
  yellow: wrap(33, 39),
  green: wrap(32, 39),
  dim: wrap(2, 22),
  bold: wrap(1, 22),
  cyan: wrap(36, 39),
};
const id = (s: string) => s;
export const PLAIN: Style = { red: id, yellow: id, green: id, dim: id, bold: id, cyan: id };

/** Colour when writing to a terminal, unless NO_COLOR is set (https://no-color.org); FORCE_COLOR forces it. */
export function pickStyle(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag?: boolean): Style {
  if (flag === false) return PLAIN;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return PLAIN;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return COLOR;
  return stream.isTTY ? COLOR : PLAIN;
}

/** Local wall-clock time, HH:MM:SS (what a developer compares with their own clock). */
export function clockTime(t: number): string {
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return '--:--:--';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * A span of time as the terminal shows it: `8s`, `1m05s`, `2h05m`; `0s` for none, `<1s` for less
 * than a second (a span within one second of the clock is not a second long). Rounded once, to the
 * unit shown, before it is split: 59.6 s is `1m00s`, never `60s`; 1 h 29 min 40 s is `1h30m`.
 */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return ms === 0 ? '0s' : '<1s';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const m = Math.round(ms / 60_000);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A path shown relative to the working directory when it is under it. */
export function shortPath(file: string, cwd = process.cwd()): string {
  return file.startsWith(cwd + '/') ? file.slice(cwd.length + 1) : file;
}

/** Untrusted text made safe for a terminal: control characters (escape sequences!) removed. */
export function safeText(s: string, max = 240): string {
  const clean = s
    .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? clean.slice(0, max - 1) + '…' : clean;
}

/** `p50 / p95` of each latency the session's metrics carried, in words a developer scans. */
export function latencyText(l: SessionLatency): string {
  const parts: string[] = [];
  const names = [
    ['eouDelayMs', 'end of turn'],
    ['transcriptionDelayMs', 'transcript'],
    ['ttftMs', 'LLM first token'],
    ['ttfbMs', 'TTS first byte'],
  ] as const;
  for (const [k, name] of names) {
    const a = l.p50[k];
    const b = l.p95[k];
    if (a !== undefined && b !== undefined) parts.push(`${name} ${msText(a)} / ${msText(b)}`);
  }
  return parts.length ? `${parts.join(' · ')} (p50 / p95, ${l.turns.length} turns)` : '';
}

function msText(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
}

const VERDICT_MARK = {
  failed: '✗ FAILED  ',
  silent: '✗ SILENT  ',
  degraded: '! DEGRADED',
  healthy: '✓ HEALTHY ',
} as const;

/**
 * `job AJ_x`, and which of its sessions when it ran more than one (`AJ_x#2` is its second: a
 * worker in dev mode, or sessions one after another in one process).
 */
function jobText(job: string, session: string): string {
  const n = session.startsWith(`${job}#`) ? session.slice(job.length + 1) : '';
  return `job ${safeText(job, 60)}${/^\d+$/.test(n) ? ` (session ${n})` : ''}`;
}

/** Where a finding happened: its room and job, or its session when it names neither. */
function findingWhere(f: Finding): string {
  const where: string[] = [];
  if (f.room) where.push(`room ${safeText(f.room, 80)}`);
  if (f.job) where.push(jobText(f.job, f.session));
  return where.join(' · ') || safeText(f.session, 80);
}

/**
 * A silence's evidence is where it began, and the finding is declared that long after: the line
 * cited, at its own time, and the wait (`17:19:21  hang.log:14 · no answer for 8s`).
 */
function firstText(f: Finding, where: string, st: Style): string {
  const at = `${clockTime(f.since ?? f.time)}  ${st.cyan(safeText(where, 300))}`;
  if (f.since === undefined || !(f.time > f.since)) return at;
  const what =
    f.cause === 'never_joined' ? 'no agent' : f.cause === 'stuck_thinking' ? 'thinking' : 'no answer';
  return `${at}${st.dim(` · ${what} for ${duration(f.time - f.since)}`)}`;
}

/**
 * `blind`: the files with no user turn records (noTurnEvidenceText): a session read only from
 * them shows its user turns as unknown, not as none (turnsText).
 */
export function sessionText(s: SessionSummary, st: Style, blind: ReadonlySet<string> = new Set()): string {
  const mark = VERDICT_MARK[s.verdict];
  const colour = s.verdict === 'healthy' ? st.green : s.verdict === 'degraded' ? st.yellow : st.red;
  const head: string[] = [];
  if (s.room ?? s.roomSid) head.push(`room ${safeText(s.room ?? s.roomSid ?? '', 80)}`);
  if (s.job) head.push(jobText(s.job, s.id));
  if (!s.room && !s.job) head.push(safeText(s.id, 80));
  const span = Number.isFinite(s.start)
    ? `${clockTime(s.start)}–${clockTime(s.end)} (${duration(s.end - s.start)})`
    : 'no timestamps';
  head.push(span);
  head.push(`turns ${turnsText(s, blind)}`);
  const lines = [`${colour(st.bold(mark))}  ${head.join(' · ')}`];
  const primary = s.causes[0];
  if (primary && s.verdict !== 'healthy') {
    const facts: string[] = [primary.component];
    if (primary.quota?.category) facts.push(primary.quota.category);
    if (primary.quota) facts.push(primary.quota.terminal ? 'terminal' : 'retryable');
    if (primary.status !== undefined) facts.push(`HTTP ${primary.status}`);
    lines.push(
      `  ${st.dim('cause')}   ${st.bold(safeText(primary.title, 120))} ${st.dim(`(${facts.join(', ')})`)}`,
    );
    lines.push(`  ${st.dim('what')}    ${safeText(primary.summary, 200)}`);
    const firstFailure = [...s.causes].sort((a, b) => a.time - b.time)[0] ?? primary;
    const ev = firstFailure.evidence[0];
    if (ev) {
      const where = ev.file ? `${shortPath(ev.file)}:${ev.line ?? '?'}` : (ev.room ?? '');
      lines.push(`  ${st.dim('first')}   ${firstText(firstFailure, where, st)}`);
      lines.push(`          ${st.dim(safeText(ev.text.split('\n')[0] ?? '', 160))}`);
    }
    const others = s.causes
      .slice(1)
      .map(
        (c) => `${safeText(c.title, 120).toLowerCase()}${c.count > 1 ? ` ×${c.count}` : ''} (${c.severity})`,
      );
    if (others.length) lines.push(`  ${st.dim('also')}    ${others.join(', ')}`);
    if (s.closeReason) lines.push(`  ${st.dim('closed')}  ${safeText(s.closeReason, 60)}`);
    lines.push(`  ${st.dim('fix')}     ${safeText(primary.remedy, 600)}`);
  } else if (s.closeReason) {
    lines.push(`  ${st.dim('closed')}  ${safeText(s.closeReason, 60)}`);
  }
  // The log ends while its last user turn awaits an answer: nothing says why, and the report says so
  // rather than nothing (a worker killed mid-reply leaves exactly this).
  const w = s.waiting;
  if (w) {
    const where = w.file ? ` (${safeText(`${shortPath(w.file)}:${w.line ?? '?'}`, 300)})` : '';
    const gap = s.end - w.since;
    const after = !(gap >= 1000) ? 'right after' : `${duration(gap)} after`;
    lines.push(
      `  ${st.dim('ends')}    ${st.yellow(`the log stops ${after} the user's turn at ${clockTime(w.since)}${where}`)}: no reply heard and no close — the worker was stopped, or the log was cut before the answer`,
    );
  }
  const lat = s.latency ? latencyText(s.latency) : '';
  if (lat) lines.push(`  ${st.dim('latency')} ${lat}`);
  if (s.ambiguous)
    lines.push(
      `  ${st.dim('note')}    ${s.ambiguous} line(s) named no job and could belong to this or another session`,
    );
  return lines.join('\n');
}

export function findingText(
  f: Finding,
  st: Style,
  how: 'created' | 'escalated' = 'created',
  /** The timeline at this finding (with `--ui`). */
  link?: string,
): string {
  const sev =
    f.severity === 'critical'
      ? st.red('CRITICAL')
      : f.severity === 'warning'
        ? st.yellow('WARNING ')
        : st.dim('INFO    ');
  // Where it was seen: the first log line, and the room too when the observer saw it as well.
  const places: string[] = [];
  for (const ev of f.evidence) {
    const place = ev.file
      ? `${shortPath(ev.file)}:${ev.line ?? '?'}`
      : ev.room
        ? `room ${ev.room} (${safeText(ev.text, 80)})`
        : '';
    if (!place) continue;
    const isFile = Boolean(ev.file);
    if (places.length === 0 || (isFile !== Boolean(f.evidence[0]?.file) && places.length === 1))
      places.push(place);
  }
  const at = places.join(' and ');
  const lines = [
    `${clockTime(f.time)} ${sev} ${st.bold(safeText(f.title, 120))}${how === 'escalated' ? st.dim(' (escalated)') : ''} — ${findingWhere(f)}`,
    `         ${safeText(f.summary, 300)}`,
    `         ${st.dim('fix:')} ${safeText(f.remedy, 600)}`,
  ];
  if (at) lines.push(`         ${st.dim('at')} ${st.cyan(safeText(at, 300))}`);
  if (link) lines.push(`         ${st.dim('open')} ${safeText(link, 1000)}`);
  return lines.join('\n');
}

/** A finding printed before grew more severe: one line (its full text was printed when it was found). */
export function escalatedText(f: Finding, st: Style): string {
  const sev = f.severity === 'critical' ? st.red('CRITICAL') : st.yellow('WARNING ');
  return `${clockTime(f.lastTime)} ${sev} ${safeText(f.title, 120)} is now ${f.severity} — ${findingWhere(f)}`;
}

export function recoveredText(f: Finding, st: Style): string {
  return `${clockTime(f.recovered ?? Number.NaN)} ${st.green('RECOVERED')} ${safeText(f.title, 120).toLowerCase()} is over: the agent spoke again — ${findingWhere(f)}`;
}

/** Said once for the log files with sessions but no user turn end: silence cannot be judged there. */
export function noTurnEvidenceText(
  files: readonly string[],
  atDebug: (file: string) => boolean = () => false,
): string {
  const said: string[] = [];
  const group = (list: readonly string[], what: (which: string, it: string) => string) => {
    if (list.length === 0) return;
    const names = list.slice(0, 3).map((f) => safeText(shortPath(f), 200));
    if (list.length > 3) names.push(`${list.length - 3} more`);
    said.push(
      what(
        list.length === 1 ? `${names[0]} has` : `${names.join(', ')} have`,
        list.length === 1 ? 'it' : 'them',
      ),
    );
  };
  group(
    files.filter((f) => !atDebug(f)),
    (which, it) =>
      `${which} no user turn records, so silence cannot be judged from ${it}: log at DEBUG, or watch the room (--rooms)`,
  );
  // Logged at DEBUG, no turn ended at all: the agent heard nobody (or nobody spoke).
  group(
    files.filter(atDebug),
    (which, it) =>
      `${which} no user turn records though logged at DEBUG: no user turn ended (did the agent hear anyone? check its STT), so silence cannot be judged from ${it}; watch the room (--rooms)`,
  );
  return said.join('; ');
}
