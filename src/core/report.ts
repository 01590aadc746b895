// A session exported (the `session.export` request): its events as JSON lines, or one
// self-contained HTML report a developer attaches to a bug. Both are made here, beside the store,
// rather than in the page: each event's evidence is read back from its log file, which only this
// side can do in one pass (the page would ask for 100 000 lines one request at a time), and the
// CLI can write the same files. The report has no script and loads nothing (its own CSP says so);
// every text in it came from a log or a room and is escaped.

import type { Density, DensityQuery } from '../shared/api.js';
import { LANES, lanesOf } from '../shared/lanes.js';
import type { StoredEvent } from '../shared/store.js';
import { turnsText } from '../shared/turns.js';
import type { LatencyField, SessionSummary } from '../shared/types.js';
import type { SessionStore } from './store.js';

/** Every event of a session, in order, a page at a time (the store hands out at most 5 000). */
export function* allEvents(
  store: SessionStore,
  session: string,
  range: { from?: number; to?: number } = {},
): Generator<StoredEvent> {
  let after: string | undefined;
  for (;;) {
    const q: { from?: number; to?: number; after?: string; limit: number } = { limit: 5000 };
    if (range.from !== undefined) q.from = range.from;
    if (range.to !== undefined) q.to = range.to;
    if (after !== undefined) q.after = after;
    const page = store.events(session, q);
    yield* page.events;
    if (page.next === undefined) return;
    after = page.next;
  }
}

/** Events per slice of a range, per lane: the timeline zoomed out over many events. */
export function density(store: SessionStore, q: DensityQuery, summary: SessionSummary): Density {
  const buckets = Math.max(1, Math.min(2000, Math.floor(q.buckets)));
  const from = q.from ?? summary.start;
  let to = q.to ?? Math.max(summary.end, from + 1);
  if (!(to > from)) to = from + 1;
  const out: Density = { from, to, buckets, lanes: {}, errors: new Array<number>(buckets).fill(0), total: 0 };
  const width = (to - from) / buckets;
  for (const ev of allEvents(store, q.session, { from, to })) {
    const b = Math.min(buckets - 1, Math.max(0, Math.floor((ev.time - from) / width)));
    out.total++;
    for (const lane of lanesOf(ev)) {
      const counts = (out.lanes[lane] ??= new Array<number>(buckets).fill(0));
      counts[b] = (counts[b] ?? 0) + 1;
    }
    if (ev.kind === 'error') (out.errors[b] as number)++;
  }
  return out;
}

/** One JSON object a line: each event as the store keeps it, with its evidence text. */
export function exportJsonl(store: SessionStore, id: string): string | null {
  if (!store.session(id)) return null;
  const lines: string[] = [];
  for (const ev of allEvents(store, id))
    lines.push(JSON.stringify({ ...ev, evidence: store.evidence(id, ev.id) ?? null }));
  return lines.length ? lines.join('\n') + '\n' : '';
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text made safe for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c] as string);
}

const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : '—');
const ms = (n: number | undefined) => (n === undefined ? '—' : `${Math.round(n)} ms`);
function duration(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return '—';
  const s = Math.max(0, (b - a) / 1000);
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1d1f23;background:#fff}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;word-break:break-all;background:#f4f4f6;padding:6px 8px;margin:4px 0}
.failed{color:#b3261e}.silent{color:#8a4b00}.degraded{color:#7a6400}.healthy{color:#1e6b2e}
.cause{border-left:4px solid #b3261e;padding:2px 12px;margin:12px 0}.muted{color:#666}
@media (prefers-color-scheme:dark){body{background:#17181b;color:#e4e4e7}pre{background:#24262b}
td,th{border-color:#333}.muted{color:#999}}`;

/** Events past this many are left out of the report's table (the JSONL export has them all). */
export const REPORT_MAX_EVENTS = 20_000;

/** The self-contained HTML report of a session, or null for an unknown one. */
export function reportHtml(store: SessionStore, id: string, version: string): string | null {
  const s = store.session(id);
  if (!s) return null;
  const e = escapeHtml;
  const out: string[] = [];
  out.push(
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>deadair — ${e(s.room ?? s.id)}</title><style>${STYLE}</style></head><body>`,
    `<h1>deadair report: <span class="${e(s.verdict)}">${e(s.verdict)}</span> — ${e(s.room ?? s.id)}</h1>`,
    '<table>',
  );
  const row = (k: string, v: string) => out.push(`<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`);
  row('session', s.id);
  if (s.room) row('room', s.room);
  if (s.job) row('job', s.job);
  row('start', iso(s.start));
  row('end', iso(s.end));
  row('duration', duration(s.start, s.end));
  // Worded as `analyze` words it: a reply heard counts as given, whether or not its start was logged.
  row('turns', turnsText(s, new Set(store.filesWithoutTurnEvidence())));
  row('errors', `${s.errors} (dead turns ${s.deadTurns})`);
  if (s.closeReason) row('closed', s.closeReason);
  if (s.files.length) row('files', s.files.join(', '));
  out.push('</table>');

  out.push('<h2>Causes</h2>');
  if (s.causes.length === 0) out.push('<p class="muted">None: the session looks healthy.</p>');
  for (const f of s.causes) {
    out.push(
      `<div class="cause"><h3>${e(f.title)} <span class="muted">(${e(f.cause)}, ${e(f.severity)}${f.count > 1 ? `, ×${f.count}` : ''})</span></h3>`,
      `<p>${e(f.summary)}</p><p><b>Remedy:</b> ${e(f.remedy)}</p>`,
    );
    if (f.quota) {
      const q = f.quota;
      const parts = [
        q.type && `quota type ${q.type}`,
        q.category && `category ${q.category}`,
        q.terminal ? 'terminal' : 'not terminal',
        q.retryable ? 'retryable' : 'not retryable',
        q.hint && `hint: ${q.hint}`,
      ].filter((x): x is string => typeof x === 'string');
      out.push(`<p class="muted">${e(parts.join(' · '))}</p>`);
    }
    for (const ev of f.evidence) {
      const where = ev.file ? `${ev.file}:${ev.line ?? '?'}` : (ev.room ?? '');
      out.push(`<div class="muted">${e(where)}</div><pre>${e(ev.text)}</pre>`);
    }
    out.push('</div>');
  }

  const turns = store.turns(id);
  if (turns.length) {
    const fields: [LatencyField, string][] = [
      ['eouDelayMs', 'end of utterance'],
      ['transcriptionDelayMs', 'transcription'],
      ['ttftMs', 'LLM TTFT'],
      ['ttfbMs', 'TTS TTFB'],
    ];
    out.push(
      '<h2>Turns</h2><table><tr><th>#</th><th>user finished</th><th>reply begun</th><th>spoke</th><th>errors</th>',
    );
    for (const [, t] of fields) out.push(`<th>${e(t)}</th>`);
    out.push('</tr>');
    turns.forEach((t, i) => {
      const at = (x: number | undefined) => (x === undefined ? '—' : iso(x).slice(11, 23));
      out.push(
        `<tr><td>${i + 1}</td><td>${at(t.userEnd)}</td><td>${at(t.replyBegun)}</td><td>${t.spoke === undefined && t.userEnd !== undefined ? '<b>no reply</b>' : at(t.spoke)}</td><td>${t.errors}</td>`,
      );
      for (const [k] of fields) out.push(`<td>${ms(t.latency?.[k])}</td>`);
      out.push('</tr>');
    });
    if (s.latency) {
      for (const p of ['p50', 'p95'] as const) {
        out.push(`<tr><th colspan="5">session ${p}</th>`);
        for (const [k] of fields) out.push(`<td>${ms(s.latency[p][k])}</td>`);
        out.push('</tr>');
      }
    }
    out.push('</table>');
  }

  out.push(
    '<h2>Events</h2><table><tr><th>time</th><th>lane</th><th>kind</th><th>where</th><th>line</th></tr>',
  );
  let n = 0;
  let more = 0;
  for (const ev of allEvents(store, id)) {
    if (n >= REPORT_MAX_EVENTS) {
      more++;
      continue;
    }
    n++;
    const where = ev.file ? `${ev.file}:${ev.line ?? '?'}` : `room ${ev.room ?? ''}`;
    const text = store.evidence(id, ev.id) ?? ev.message;
    out.push(
      `<tr><td>${iso(ev.time).slice(11, 23)}</td><td>${e(lanesOf(ev).join(', '))}</td><td>${e(ev.kind)}</td><td class="muted">${e(where)}</td><td><pre>${e(text)}</pre></td></tr>`,
    );
  }
  out.push('</table>');
  if (more) out.push(`<p class="muted">${more} more events are in the JSONL export.</p>`);
  out.push(`<p class="muted">deadair ${e(version)} · lanes: ${e(LANES.join(', '))}</p></body></html>\n`);
  return out.join('');
}
