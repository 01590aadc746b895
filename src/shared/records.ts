// The session model as JSON: one shape, written by `analyze --json`, `watch --json` and the
// timeline's export, from what the session store answers (SessionSummary, Finding, FindingVersion).
// Plain functions of plain data, so the terminal, the JSON and the UI never disagree. Times are ISO
// strings (null when a record had none); every id is the store's, so a line of `--json` names the
// same session and finding the timeline opens (src/shared/links.ts).

import type { FindingVersion } from './store.js';
import type { Finding, SessionSummary } from './types.js';

/** ISO time, or null for no time or one outside what a date can hold (±8.64e15 ms). */
export function isoTime(t: number): string | null {
  // A report names times by the hundred thousand (each turn's latencies): the date, hour and minute
  // are written once a minute, the seconds and milliseconds each time.
  const ms = Math.trunc(t); // as Date keeps a time
  const minute = Math.floor(ms / 60_000);
  if (minute !== isoMinute) {
    const d = new Date(minute * 60_000);
    if (Number.isNaN(d.getTime()) || Number.isNaN(new Date(t).getTime())) {
      const whole = new Date(t);
      return Number.isNaN(whole.getTime()) ? null : whole.toISOString();
    }
    const iso = d.toISOString();
    isoMinute = minute;
    isoPrefix = iso.slice(0, iso.length - 7); // less `SS.mmmZ`
  }
  const within = ms - minute * 60_000;
  const sec = Math.floor(within / 1000);
  const milli = within - sec * 1000;
  return `${isoPrefix}${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}
let isoMinute = Number.NaN;
let isoPrefix = '';

/** The version of the JSON records (`analyze --json`'s `version`). */
export const RECORDS_VERSION = 1;

export function findingRecord(f: Readonly<Finding>) {
  const ev = f.evidence[0];
  const out: Record<string, unknown> = {
    id: f.id,
    session: f.session,
    cause: f.cause,
    severity: f.severity,
    component: f.component,
    time: isoTime(f.time),
    lastTime: isoTime(f.lastTime),
    file: ev?.file ?? null,
    line: ev?.line ?? null,
    count: f.count,
    title: f.title,
    summary: f.summary,
    remedy: f.remedy,
    evidence: f.evidence.map((e) => ({
      file: e.file ?? null,
      line: e.line ?? null,
      offset: e.offset ?? null,
      room: e.room ?? null,
      text: e.text,
    })),
  };
  if (f.room !== undefined) out.room = f.room;
  if (f.job !== undefined) out.job = f.job;
  if (f.quota) out.quota = f.quota;
  if (f.status !== undefined) out.status = f.status;
  if (f.consequenceOf) out.consequenceOf = f.consequenceOf;
  if (f.recovered !== undefined) out.recovered = isoTime(f.recovered);
  if (f.since !== undefined) out.since = isoTime(f.since);
  return out;
}

/** One state of a finding, as `watch --json` prints it: `how` it changed, `at` when, and the finding. */
export function findingVersionRecord(v: Readonly<FindingVersion>) {
  return { type: 'finding', how: v.how, at: isoTime(v.at), ...findingRecord(v.finding) };
}

export function sessionRecord(s: Readonly<SessionSummary>) {
  const primary = s.causes[0];
  const failures = s.causes.filter((c) => c.severity !== 'info');
  const first = failures.reduce<Readonly<Finding> | undefined>(
    (a, b) => (a === undefined || (Number.isFinite(b.time) && b.time < a.time) ? b : a),
    undefined,
  );
  const quotaFinding = s.causes.find((c) => c.quota);
  const firstEv = first?.evidence[0];
  return {
    id: s.id,
    room: s.room ?? null,
    roomSid: s.roomSid ?? null,
    job: s.job ?? null,
    verdict: s.verdict,
    cause: primary && s.verdict !== 'healthy' ? primary.cause : null,
    start: isoTime(s.start),
    end: isoTime(s.end),
    turns: s.turns,
    errors: s.errors,
    deadTurns: s.deadTurns,
    causes: s.causes.map(findingRecord),
    quota: quotaFinding?.quota
      ? {
          type: quotaFinding.quota.type ?? null,
          category: quotaFinding.quota.category ?? null,
          terminal: quotaFinding.quota.terminal,
          hint: quotaFinding.quota.hint ?? null,
          remainingLimit: quotaFinding.quota.remainingLimit ?? null,
        }
      : null,
    closeReason: s.closeReason ?? null,
    firstFailure: first
      ? {
          time: isoTime(first.time),
          file: firstEv?.file ?? null,
          line: firstEv?.line ?? null,
          text: firstEv?.text ?? '',
        }
      : null,
    pids: s.pids,
    files: s.files,
    live: s.live,
    endsWaiting: s.waiting
      ? { since: isoTime(s.waiting.since), file: s.waiting.file ?? null, line: s.waiting.line ?? null }
      : null,
    ambiguousLines: s.ambiguous ?? 0,
    latency: s.latency
      ? {
          p50: s.latency.p50,
          p95: s.latency.p95,
          turns: s.latency.turns.map((t) => ({ ...t, time: isoTime(t.time) })),
        }
      : null,
  };
}
