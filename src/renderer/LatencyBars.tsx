// Per-turn latency as stacked bars — end-of-utterance delay, transcription delay, LLM time to
// first token, TTS time to first byte — with the session's p50 and p95 of their sum marked, as
// Pipecat's tail draws them. Turns without metrics are listed as such; many turns scroll,
// virtualised.
import type { StoredTurn } from '../shared/store.js';
import type { LatencyField, SessionLatency, TurnLatency } from '../shared/types.js';
import { clock, duration } from './format.js';
import { useVirtualRows } from './virtual.js';

export const LATENCY_FIELDS: readonly { key: LatencyField; label: string }[] = [
  { key: 'eouDelayMs', label: 'end of utterance' },
  { key: 'transcriptionDelayMs', label: 'transcription' },
  { key: 'ttftMs', label: 'LLM TTFT' },
  { key: 'ttfbMs', label: 'TTS TTFB' },
];
const ROW_H = 22;

/** The parts of a turn's latency that it carries, and their sum. */
export function stack(l: TurnLatency | undefined): { key: LatencyField; ms: number }[] {
  if (!l) return [];
  return LATENCY_FIELDS.flatMap(({ key }) => {
    const v = l[key];
    return v !== undefined && Number.isFinite(v) && v >= 0 ? [{ key, ms: v }] : [];
  });
}

const sum = (s: { ms: number }[]) => s.reduce((a, b) => a + b.ms, 0);

export function LatencyBars({
  turns,
  latency,
  onSelect,
}: {
  turns: readonly StoredTurn[];
  latency: SessionLatency | undefined;
  onSelect: (turnEvent: string) => void;
}) {
  const measured = turns.filter((t) => stack(t.latency).length > 0);
  const v = useVirtualRows(turns.length, ROW_H, 6);
  if (measured.length === 0)
    return (
      <section className="latency" aria-label="latency per turn" data-testid="latency">
        <h3>Latency per turn</h3>
        <p className="empty">
          No metrics records in this session (the agent logs them with log_metrics / logMetrics).
        </p>
      </section>
    );
  // The p50 / p95 of each part, stacked: where a typical and a slow turn end.
  const pSum = (p: 'p50' | 'p95') => LATENCY_FIELDS.reduce((a, f) => a + (latency?.[p][f.key] ?? 0), 0);
  const p50 = pSum('p50');
  const p95 = pSum('p95');
  const max = Math.max(p95 * 1.2, ...measured.map((t) => sum(stack(t.latency))), 1);
  const pct = (ms: number) => `${(ms / max) * 100}%`;
  return (
    <section className="latency" aria-label="latency per turn" data-testid="latency">
      <h3>Latency per turn</h3>
      <div className="legend">
        {LATENCY_FIELDS.map((f) => (
          <span key={f.key} className="legend-item">
            <span className={`swatch lat-${f.key}`} /> {f.label}
            {latency?.p50[f.key] !== undefined && (
              <span className="muted" data-testid={`p50-${f.key}`}>
                {' '}
                p50 {duration(latency.p50[f.key] as number)} · p95 {duration(latency.p95[f.key] ?? NaN)}
              </span>
            )}
          </span>
        ))}
        <span className="legend-item" data-testid="latency-percentiles">
          <span className="swatch p50" /> p50 {duration(p50)} <span className="swatch p95" /> p95{' '}
          {duration(p95)}
        </span>
      </div>
      <div className="lat-scroll" ref={v.ref} onScroll={v.onScroll}>
        <div className="spacer" style={{ height: v.total }}>
          <div style={{ transform: `translateY(${v.offset}px)` }}>
            {turns.slice(v.first, v.last).map((t, k) => {
              const i = v.first + k;
              const parts = stack(t.latency);
              const total = sum(parts);
              return (
                <div
                  key={t.id}
                  className="lat-row"
                  data-testid="latency-row"
                  data-turn={t.id}
                  onClick={() => onSelect(t.id)}
                >
                  <span className="lat-n">#{i + 1}</span>
                  <span className="lat-t">{clock(t.userEnd ?? t.replyBegun ?? t.spoke ?? NaN)}</span>
                  <span className="lat-track">
                    {parts.map((s) => (
                      <span
                        key={s.key}
                        className={`lat-seg lat-${s.key}`}
                        style={{ width: pct(s.ms) }}
                        title={`${LATENCY_FIELDS.find((f) => f.key === s.key)?.label}: ${duration(s.ms)}`}
                        data-testid="latency-segment"
                        data-field={s.key}
                        data-ms={s.ms}
                      />
                    ))}
                    {p50 > 0 && (
                      <span className="lat-mark p50" style={{ left: pct(p50) }} data-testid="latency-p50" />
                    )}
                    {p95 > 0 && (
                      <span className="lat-mark p95" style={{ left: pct(p95) }} data-testid="latency-p95" />
                    )}
                  </span>
                  <span className={`lat-total${total > p95 && p95 > 0 ? ' slow' : ''}`}>
                    {parts.length
                      ? duration(total)
                      : t.spoke === undefined && t.userEnd !== undefined
                        ? 'no reply'
                        : '—'}
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}
