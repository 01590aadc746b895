// Words and numbers as the timeline shows them: times, durations, verdicts and causes.
import type { CauseId, SessionSummary, Verdict } from '../shared/types.js';

export const VERDICT_ORDER: Record<Verdict, number> = { failed: 0, silent: 1, degraded: 2, healthy: 3 };
export const VERDICTS: readonly Verdict[] = ['failed', 'silent', 'degraded', 'healthy'];

export const CAUSE_WORDS: Record<CauseId, string> = {
  credits_exhausted: 'credits exhausted',
  rate_limited: 'rate limited',
  dead_turns: 'dead turns',
  untyped_429: 'rejected with a bare 429',
  key_rejected: 'provider key rejected',
  provider_error: 'provider error',
  closed_with_error: 'closed with an error',
  agent_silent: 'agent silent after a user turn',
  stuck_thinking: 'agent stuck thinking',
  never_joined: 'agent never joined',
  agent_left: 'agent left the room',
  process_died: 'worker process died',
};

/** The cause in words: the primary finding's title, or nothing for a healthy session. */
export function causeWords(s: SessionSummary): string {
  const c = s.causes[0];
  if (!c || s.verdict === 'healthy') return '';
  return c.title || CAUSE_WORDS[c.cause];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local wall time, `HH:MM:SS` (and `.mmm` with `ms`). */
export function clock(t: number, ms = false): string {
  if (!Number.isFinite(t)) return '—';
  const d = new Date(t);
  const s = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return ms ? `${s}.${pad(d.getMilliseconds(), 3)}` : s;
}

/** Local date and time, for a session's start. */
export function dateTime(t: number): string {
  if (!Number.isFinite(t)) return '—';
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(t)}`;
}

/**
 * A span of time in a few characters: `420 ms`, `8.0 s`, `3 min 20 s`, `2 h 5 min`, `-1 min 5 s`.
 * Rounded once, to the unit shown, before it is split: 59.96 s is `1 min 0 s`, never `60.0 s`,
 * and 59 min 59.6 s is `1 h 0 min`, never `59 min 60 s`.
 */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const a = Math.abs(ms);
  let text: string;
  if (Math.round(a) < 1000) text = `${Math.round(a)} ms`;
  else if (Math.round(a / 100) < 600) text = `${(a / 1000).toFixed(1)} s`;
  else if (Math.round(a / 1000) < 3600) {
    const s = Math.round(a / 1000);
    text = `${Math.floor(s / 60)} min ${s % 60} s`;
  } else {
    const m = Math.round(a / 60_000);
    text = `${Math.floor(m / 60)} h ${m % 60} min`;
  }
  return ms < 0 && text !== '0 ms' ? `-${text}` : text;
}

/**
 * Whether a session's user turns are unknown rather than none, as the CLI says it ("user turns not
 * logged"): it counted none, it has ended, and no session read from its files counted any (a
 * Python worker at INFO, or agents-js, logs no user turn records at all). `all`: every session.
 */
export function userTurnsUnlogged(s: SessionSummary, all: readonly SessionSummary[]): boolean {
  if (s.turns.user > 0 || s.live || s.files.length === 0) return false;
  const judged = new Set<string>();
  for (const o of all) if (o.turns.user > 0) for (const f of o.files) judged.add(f);
  return s.files.every((f) => !judged.has(f));
}

/** Sessions needing attention first (failed, silent, degraded, healthy), then the newest. */
export function attentionOrder(a: SessionSummary, b: SessionSummary): number {
  return VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] || (b.start || 0) - (a.start || 0);
}
