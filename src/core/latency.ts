// Per-reply latencies from the metrics records a framework logs (`log_metrics` in Python,
// `logMetrics` in agents-js): each reply's end-of-utterance and transcription delays, LLM time to
// first token and TTS time to first byte, joined by speech id where the records carry one, else by
// order (a turn's EOU, then its LLM, then its TTS metrics).

import type { TurnMetrics } from '../shared/events.js';
import type { LatencyField, SessionLatency, TurnLatency } from '../shared/types.js';

/** A session keeps at most this many turns' latencies (the percentiles are over these). */
export const MAX_TURNS = 10_000;

const FIELDS: readonly LatencyField[] = ['eouDelayMs', 'transcriptionDelayMs', 'ttftMs', 'ttfbMs'];

/** Fold one metrics record into a session's turns; returns the list (created on first use). */
export function addLatency(turns: TurnLatency[] | undefined, time: number, m: TurnMetrics): TurnLatency[] {
  const list = turns ?? [];
  const values: Partial<Record<LatencyField, number>> = {};
  let any = false;
  for (const f of FIELDS) {
    const v = m[f];
    if (v !== undefined) {
      values[f] = v;
      any = true;
    }
  }
  if (!any) return list;
  let turn: TurnLatency | undefined;
  if (m.speechId !== undefined) {
    for (let i = list.length - 1; i >= 0 && i >= list.length - 8; i--) {
      if (list[i]?.speechId === m.speechId) {
        turn = list[i];
        break;
      }
    }
  }
  // By order: the latest turn takes it if it lacks these fields, and an EOU always opens a turn.
  if (turn === undefined && m.type !== 'eou') {
    const last = list[list.length - 1];
    if (
      last !== undefined &&
      (m.speechId === undefined || last.speechId === undefined) &&
      Object.keys(values).every((k) => last[k as LatencyField] === undefined)
    )
      turn = last;
  }
  if (turn === undefined) {
    if (list.length >= MAX_TURNS) return list;
    turn = { time };
    list.push(turn);
  }
  if (m.speechId !== undefined) turn.speechId ??= m.speechId;
  Object.assign(turn, values);
  return list;
}

/** The nearest-rank percentile `p` (0–100) of sorted values. */
function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function latencyOf(turns: readonly TurnLatency[]): SessionLatency {
  const out: SessionLatency = { p50: {}, p95: {}, turns: turns.map((t) => ({ ...t })) };
  for (const f of FIELDS) {
    const vs: number[] = [];
    for (const t of turns) {
      const v = t[f];
      if (v !== undefined) vs.push(v);
    }
    if (vs.length === 0) continue;
    vs.sort((a, b) => a - b);
    out.p50[f] = percentile(vs, 50);
    out.p95[f] = percentile(vs, 95);
  }
  return out;
}
