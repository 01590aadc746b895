// The words findings say that depend on more than their cause: a finding's first summary, the time
// of day it names, and the ", most likely because of …" that ties a silence to the failure behind
// it. (Titles and remedies, which depend on the cause alone, are in causes.ts.)

import type { ProviderError } from '../shared/events.js';
import type { Finding } from '../shared/types.js';
import { componentWord, titleOf } from './causes.js';
import type { Session } from './session.js';

/** The summary a finding starts with; detectors that know more (a time, who waited) rewrite it. */
export function summaryOf(f: Finding, e: ProviderError | undefined): string {
  const comp = componentWord(f.component);
  const detail = e?.detail ? `: ${e.detail.replace(/\.+$/, '')}` : '';
  switch (f.cause) {
    case 'credits_exhausted':
      return `The ${comp} request was refused because the credits are used up${f.quota?.category ? ` (${f.quota.category})` : ''}; the agent cannot answer until they are topped up.`;
    case 'rate_limited':
      return `The ${comp} was rate limited${f.quota?.category ? ` (${f.quota.category})` : ''}; turns stall or drop until it recovers.`;
    case 'untyped_429':
      return `The ${comp} rejected the connection with HTTP 429 and no reason; the agent cannot hear or speak.`;
    case 'key_rejected':
      return `The ${comp} rejected the API key${f.status ? ` (HTTP ${f.status})` : ''}; the agent cannot answer.`;
    case 'provider_error':
      return `The ${comp} failed${f.status ? ` with HTTP ${f.status}` : ''}${detail}.`;
    case 'closed_with_error':
      return 'The session closed on an unrecoverable error: the agent stopped answering.';
    case 'dead_turns':
      return `A user turn got no answer: the ${comp} failed.`;
    case 'process_died':
      return 'The agent process died while the session was live.';
    default:
      return titleOf(f.cause, f.component);
  }
}

/** ", most likely because of …" when the session has a failure to blame, else ''. */
export function likelyCause(s: Session): string {
  // Said on every silence of a failed session: kept with the session, for its root.
  if (s.becauseOf === s.root && (s.root === undefined || s.because !== '')) return s.because;
  const root = s.root ? s.findings.get(s.root) : undefined;
  s.becauseOf = s.root;
  s.because = root ? `, most likely because of ${root.title.toLowerCase()}` : '';
  return s.because;
}

/** Up to three names, as a summary lists who waited. */
export function someOf(names: Iterable<string>): string {
  return [...names].slice(0, 3).join(', ');
}

/** Whole seconds, as a summary states a delay. */
export function seconds(ms: number): number {
  return Math.round(ms / 1000);
}

/** Local wall-clock time of day, HH:MM:SS: what the developer compares with their own clock. */
export function clock(t: number): string {
  // Summaries name times again and again (a silence raised on every unanswered turn): the local
  // hour and minute are worked out once a minute. Time zones are whole minutes from UTC and change
  // on a minute, so within one UTC minute only the seconds move (checked, for zones that were not).
  const minute = Math.floor(t / 60_000);
  const sec = Math.floor(t / 1000) - minute * 60;
  if (minute !== clockMinute) {
    const d = new Date(t);
    if (!Number.isFinite(t) || d.getSeconds() !== sec) return hhmmss(d);
    clockMinute = minute;
    clockPrefix = `${two(d.getHours())}:${two(d.getMinutes())}:`;
  }
  return clockPrefix + two(sec);
}

let clockMinute = Number.NaN;
let clockPrefix = '';

function two(n: number): string {
  return TWO[n] ?? (n < 10 && n >= 0 ? `0${n}` : String(n));
}

/** "00" to "59": a summary names a second on every silence, without a number turned to text. */
const TWO = Array.from({ length: 60 }, (_, n) => (n < 10 ? `0${n}` : String(n)));

function hhmmss(d: Date): string {
  if (Number.isNaN(d.getTime())) return '--:--:--';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
