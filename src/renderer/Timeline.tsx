// The session's lanes on one time axis (user speech, agent speech, agent state, LLM / STT / TTS,
// quota, findings, session), with the ghosts of what did not happen, the gaps, a minimap, zoom
// (wheel, buttons, + / -), pan (drag, arrows) and "follow live". Only what is in view is drawn,
// and past DRAW_CAP events in view each lane is drawn as counts per slice instead.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { Density } from '../shared/api.js';
import { LANE_TITLES, LANES, type Lane } from '../shared/lanes.js';
import type { FindingVersion, StoredEvent, StoredTurn } from '../shared/store.js';
import type { Finding, SessionSummary } from '../shared/types.js';
import { clock, duration } from './format.js';
import {
  byLane,
  gaps as gapsOf,
  sessionEnd,
  stateSegments,
  tickStep,
  zoom,
  type Ghost,
  type View,
} from './timeline-model.js';

export const DRAW_CAP = 3000;
export const LANE_H = 26;
const AXIS_H = 22;
const MINI_H = 34;
const FALLBACK_WIDTH = 1000;

export type Selection = { type: 'event'; id: string } | { type: 'finding'; id: string } | undefined;

export interface TimelineProps {
  summary: SessionSummary;
  events: readonly StoredEvent[];
  /** Server counts over the view when the window holds only part of its events. */
  density: Density | undefined;
  overview: Density | undefined;
  turns: readonly StoredTurn[];
  versions: ReadonlyMap<string, readonly FindingVersion[]>;
  /** Findings an alert was raised for (while the page was open). */
  alerted?: ReadonlySet<string>;
  ghosts: readonly Ghost[];
  view: View;
  onView: (v: View, byUser: boolean) => void;
  /** Fit the whole session in view. */
  onFit: () => void;
  selected: Selection;
  onSelect: (s: Selection) => void;
  follow: boolean;
  onFollow: (on: boolean) => void;
  now: number;
  /** The drawing's width in pixels, measured (tests may fix it). */
  width?: number;
}

function useWidth(fixed: number | undefined) {
  const ref = useRef<HTMLDivElement | null>(null);
  const [w, setW] = useState(fixed ?? FALLBACK_WIDTH);
  useEffect(() => {
    if (fixed !== undefined) return;
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setW(el.clientWidth || FALLBACK_WIDTH));
    ro.observe(el);
    setW(el.clientWidth || FALLBACK_WIDTH);
    return () => ro.disconnect();
  }, [fixed]);
  return { ref, width: fixed ?? w };
}

function eventClass(ev: StoredEvent): string {
  const d = ev.detail;
  if (ev.kind === 'error') {
    const q = d?.quota;
    if (q?.terminal) return 'ev error terminal';
    return d?.stage === 'retry' ? 'ev error retry' : 'ev error';
  }
  if (ev.kind === 'session_close')
    return d?.reason === 'error' || d?.component ? 'ev close error' : 'ev close';
  if (ev.kind === 'process_exit') return d?.crashed ? 'ev error' : 'ev lifecycle';
  if (ev.kind === 'process_unresponsive') return 'ev error';
  if (ev.kind === 'metrics') return 'ev metrics';
  if (ev.kind === 'user_turn_end') return 'ev user';
  if (ev.kind === 'agent_speech') return 'ev spoke';
  if (ev.kind === 'agent_turn') return 'ev reply';
  return 'ev lifecycle';
}

function eventLabel(ev: StoredEvent): string {
  const d = ev.detail;
  const parts = [clock(ev.time, true), ev.kind.replace(/_/g, ' ')];
  if (d?.state) parts.push(d.state);
  if (d?.status !== undefined) parts.push(String(d.status));
  if (d?.quota?.category) parts.push(d.quota.category);
  if (d?.text) parts.push(`“${d.text}”`);
  else parts.push(ev.message);
  return parts.join(' · ');
}

export function Timeline(p: TimelineProps) {
  const { ref, width } = useWidth(p.width);
  const { view } = p;
  const span = Math.max(1, view.to - view.from);
  const x = (t: number) => ((t - view.from) / span) * width;
  const laneY = (l: Lane) => AXIS_H + LANES.indexOf(l) * LANE_H;
  const height = AXIS_H + LANES.length * LANE_H;
  const end = sessionEnd(p.summary, p.now);

  const inView = useMemo(() => {
    const pad = span * 0.02;
    return p.events.filter((e) => e.time >= view.from - pad && e.time <= view.to + pad);
  }, [p.events, view.from, view.to, span]);
  const lanes = useMemo(() => byLane(inView), [inView]);
  const segments = useMemo(() => stateSegments(p.events, end), [p.events, end]);
  const gapList = useMemo(() => gapsOf(p.events), [p.events]);
  // Counts per slice: the server's when the window is partial, else the held events' when too many.
  const counts = useMemo((): Density | undefined => {
    if (p.density) return p.density;
    if (inView.length <= DRAW_CAP) return undefined;
    const buckets = Math.max(1, Math.floor(width / 3));
    const d: Density = {
      from: view.from,
      to: view.to,
      buckets,
      lanes: {},
      errors: new Array<number>(buckets).fill(0),
      total: 0,
    };
    for (const [lane, evs] of lanes) {
      const c = new Array<number>(buckets).fill(0);
      for (const e of evs) {
        const b = Math.min(buckets - 1, Math.max(0, Math.floor(((e.time - view.from) / span) * buckets)));
        c[b] = (c[b] ?? 0) + 1;
      }
      d.lanes[lane] = c;
    }
    return d;
  }, [p.density, inView.length, lanes, width, view.from, view.to, span]);

  // Wheel zooms around the pointer (a listener of our own: React's is passive and cannot keep the
  // page from scrolling); a horizontal wheel pans.
  const svgRef = useRef<SVGSVGElement | null>(null);
  const viewRef = useRef(view);
  viewRef.current = view;
  const onViewRef = useRef(p.onView);
  onViewRef.current = p.onView;
  useEffect(() => {
    const el = svgRef.current;
    if (!el) return;
    // Ctrl + wheel (and a trackpad's pinch, which comes as one) zooms at the pointer; a horizontal
    // or shift + wheel pans; a plain vertical wheel scrolls the page, as everywhere else.
    const onWheel = (e: WheelEvent) => {
      const v = viewRef.current;
      const r = el.getBoundingClientRect();
      const w = r.width || width;
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        const at = v.from + ((e.clientX - r.left) / w) * (v.to - v.from);
        onViewRef.current(zoom(v, Math.exp(e.deltaY * 0.002), at), true);
      } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        e.preventDefault();
        const d = ((e.shiftKey ? e.deltaY : e.deltaX) / w) * (v.to - v.from);
        onViewRef.current({ from: v.from + d, to: v.to + d }, true);
      }
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [width]);

  const drag = useRef<{ x: number; view: View; moved: boolean } | undefined>(undefined);
  const onDown = (e: PointerEvent<SVGSVGElement>) => {
    if (e.button !== 0) return;
    drag.current = { x: e.clientX, view, moved: false };
  };
  const onMove = (e: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    if (Math.abs(dx) > 3) d.moved = true;
    if (!d.moved) return;
    const dt = (-dx / width) * (d.view.to - d.view.from);
    p.onView({ from: d.view.from + dt, to: d.view.to + dt }, true);
  };
  const onUp = () => {
    drag.current = undefined;
  };
  // Zooming by button or key keeps the selected event in place when it is in view.
  const selTime =
    p.selected?.type === 'event' ? p.events.find((e) => e.id === p.selected?.id)?.time : undefined;
  const anchor =
    selTime !== undefined && selTime >= view.from && selTime <= view.to ? selTime : (view.from + view.to) / 2;
  const onKey = (e: KeyboardEvent) => {
    const mid = anchor;
    if (e.key === '+' || e.key === '=') p.onView(zoom(view, 0.5, mid), true);
    else if (e.key === '-') p.onView(zoom(view, 2, mid), true);
    else if (e.key === 'ArrowLeft') p.onView({ from: view.from - span / 5, to: view.to - span / 5 }, true);
    else if (e.key === 'ArrowRight') p.onView({ from: view.from + span / 5, to: view.to + span / 5 }, true);
    else return;
    e.preventDefault();
  };
  const select = (s: Selection) => () => {
    if (drag.current?.moved) return;
    p.onSelect(s);
  };
  // The few that are buttons (ghosts, findings) are reached with Tab and pressed with Enter or
  // Space; each event's marker is reached from the events list (a lane may hold thousands).
  const activate = (s: Selection) => (e: KeyboardEvent) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    e.stopPropagation();
    p.onSelect(s);
  };

  const step = tickStep(span, Math.max(2, Math.floor(width / 110)));
  const ticks: number[] = [];
  for (let t = Math.ceil(view.from / step) * step; t <= view.to && ticks.length < 60; t += step)
    ticks.push(t);
  const selectedEvent =
    p.selected?.type === 'event' ? p.events.find((e) => e.id === p.selected?.id) : undefined;
  const clampX = (t: number) => Math.max(-10, Math.min(width + 10, x(t)));
  const bar = (from: number, to: number, minW = 2) => {
    const a = clampX(from);
    const b = clampX(to);
    return { x: a, width: Math.max(minW, b - a) };
  };

  const markers = (lane: Lane) => {
    if (lane === 'state' || lane === 'findings') return null;
    const evs = lanes.get(lane) ?? [];
    const y = laneY(lane);
    return evs.map((ev, i) => {
      const cx = x(ev.time);
      const sel = p.selected?.type === 'event' && p.selected.id === ev.id;
      const tall = ev.kind === 'error' || ev.kind === 'session_close';
      // What was said, beside its marker, where there is room before the lane's next words.
      let k = i + 1;
      while (k < evs.length && (evs[k] as StoredEvent).detail?.text === undefined) k++;
      const next = evs[k];
      const room = (next ? x(next.time) : width) - cx - 10;
      const said = ev.detail?.text;
      const chars = Math.floor(room / 6.5);
      const label =
        said !== undefined && chars >= 6
          ? said.length > chars
            ? said.slice(0, chars - 1) + '…'
            : said
          : undefined;
      return [
        label !== undefined && (
          <text
            key={`${lane}:${ev.id}:t`}
            className="said"
            x={cx + 6}
            y={y + LANE_H / 2 + 4}
            data-testid="said"
          >
            {label}
          </text>
        ),
        <rect
          key={`${lane}:${ev.id}`}
          className={`${eventClass(ev)}${sel ? ' selected' : ''}`}
          x={cx - 3}
          y={y + (tall ? 4 : 8)}
          width={6}
          height={tall ? LANE_H - 8 : LANE_H - 16}
          rx={1.5}
          aria-label={eventLabel(ev)}
          data-testid="event"
          data-event={ev.id}
          data-kind={ev.kind}
          data-lane={lane}
          onClick={select({ type: 'event', id: ev.id })}
        >
          <title>{eventLabel(ev)}</title>
        </rect>,
      ];
    });
  };

  // One path per lane, a bar per slice as tall as its count (a few elements to reconcile per
  // frame while zooming, whatever the number of slices).
  const densityPath = (lane: Lane) => {
    const c = counts?.lanes[lane];
    if (!counts || !c) return null;
    const max = Math.max(1, ...c);
    const scale = ((counts.to - counts.from) / span) * (width / counts.buckets);
    const w = Math.max(1, Math.min(width / counts.buckets, scale) - 0.5);
    const x0 = x(counts.from);
    const base = laneY(lane) + LANE_H - 4;
    let d = '';
    c.forEach((n, i) => {
      if (n <= 0) return;
      const h = 2 + ((LANE_H - 10) * n) / max;
      d += `M${(x0 + i * scale).toFixed(1)} ${base}v${(-h).toFixed(1)}h${w.toFixed(1)}v${h.toFixed(1)}z`;
    });
    return d ? (
      <path
        key={`d${lane}`}
        className={`density lane-${lane}`}
        d={d}
        data-testid="lane-density"
        data-lane={lane}
      />
    ) : null;
  };

  return (
    <section className="timeline" aria-label="timeline">
      <div className="timeline-bar">
        <button
          type="button"
          onClick={() => p.onView(zoom(view, 0.5, anchor), true)}
          aria-label="zoom in"
          data-testid="zoom-in"
        >
          +
        </button>
        <button
          type="button"
          onClick={() => p.onView(zoom(view, 2, anchor), true)}
          aria-label="zoom out"
          data-testid="zoom-out"
        >
          −
        </button>
        <button type="button" onClick={p.onFit} data-testid="zoom-fit">
          fit
        </button>
        <label className={`follow${p.summary.live ? '' : ' off'}`}>
          <input
            type="checkbox"
            checked={p.follow && p.summary.live}
            disabled={!p.summary.live}
            onChange={(e) => p.onFollow(e.target.checked)}
            data-testid="follow-live"
          />
          follow live
        </label>
        <span className="range" data-testid="view-range">
          {clock(view.from, span < 60_000)} – {clock(view.to, span < 60_000)} ({duration(span)})
        </span>
        <span className="hint-keys">ctrl + wheel zooms · drag pans</span>
        {counts && (
          <span className="hint" data-testid="density-note">
            {p.density
              ? `${p.density.total} events here: zoom in to see each`
              : `${inView.length} events here: zoom in to see each`}
          </span>
        )}
      </div>
      <div
        className="lanes"
        tabIndex={0}
        onKeyDown={onKey}
        aria-label="lanes: + and − or ctrl + wheel zoom; arrows, shift + wheel or drag pan"
      >
        <div className="lane-titles">
          <div className="axis-title" />
          {LANES.map((l) => (
            <div key={l} className="lane-title" data-testid="lane-title">
              {LANE_TITLES[l]}
            </div>
          ))}
        </div>
        <div className="lane-canvas" ref={ref}>
          <svg
            ref={svgRef}
            width={width}
            height={height}
            className="lanes-svg"
            onPointerDown={onDown}
            onPointerMove={onMove}
            onPointerUp={onUp}
            onPointerLeave={onUp}
            data-testid="lanes"
            data-from={view.from}
            data-to={view.to}
          >
            {LANES.map((l, i) => (
              <rect
                key={l}
                className={`lane-bg ${i % 2 ? 'odd' : 'even'}`}
                x={0}
                y={laneY(l)}
                width={width}
                height={LANE_H}
                data-testid="lane"
                data-lane={l}
              />
            ))}
            {ticks.map((t) => (
              <g key={t}>
                <line className="tick" x1={x(t)} x2={x(t)} y1={AXIS_H - 4} y2={height} />
                <text className="tick-label" x={x(t) + 3} y={AXIS_H - 8}>
                  {clock(t, step < 1000)}
                </text>
              </g>
            ))}
            {gapList.map((g) => (
              <g key={`gap${g.from}`} data-testid="gap" data-why={g.why}>
                <rect className="gap" {...bar(g.from, g.to)} y={AXIS_H} height={height - AXIS_H} />
                <text className="gap-label" x={clampX(g.from) + 4} y={height - 6}>
                  {g.why} {duration(g.to - g.from)}
                </text>
              </g>
            ))}
            {counts
              ? LANES.map((l) => densityPath(l))
              : segments
                  .filter((s) => s.to >= view.from && s.from <= view.to)
                  .map((s) => (
                    <rect
                      key={s.event}
                      className={`state state-${s.state.replace(/[^a-z]/g, '')}${p.selected?.type === 'event' && p.selected.id === s.event ? ' selected' : ''}`}
                      {...bar(s.from, s.to)}
                      y={laneY('state') + 5}
                      height={LANE_H - 10}
                      aria-label={`${s.state} from ${clock(s.from, true)} for ${duration(s.to - s.from)}`}
                      data-testid="state-segment"
                      data-state={s.state}
                      onClick={select({ type: 'event', id: s.event })}
                    >
                      <title>{`${s.state} · ${duration(s.to - s.from)}`}</title>
                    </rect>
                  ))}
            {!counts &&
              p.turns
                .filter(
                  (t) =>
                    t.replyBegun !== undefined &&
                    t.spoke !== undefined &&
                    t.spoke >= view.from &&
                    t.replyBegun <= view.to,
                )
                .slice(0, DRAW_CAP)
                .map((t) => (
                  <rect
                    key={`r${t.id}`}
                    className="reply-bar"
                    {...bar(t.replyBegun as number, t.spoke as number)}
                    y={laneY('agent') + 9}
                    height={LANE_H - 18}
                    data-testid="reply-bar"
                  />
                ))}
            {p.ghosts
              .filter((g) => g.to >= view.from && g.from <= view.to)
              .map((g) => {
                const lane: Lane = g.kind === 'reply' ? 'agent' : g.kind === 'thinking' ? 'state' : 'llm';
                const y = laneY(lane);
                const h = g.kind === 'retry-storm' ? 4 * LANE_H : LANE_H;
                return (
                  <g
                    key={`${g.kind}${g.ref}`}
                    className={`ghost ghost-${g.kind}${g.waiting ? ' waiting' : ''}`}
                    data-testid={`ghost-${g.kind}`}
                    data-waiting={g.waiting}
                    data-from={g.from}
                    data-to={g.to}
                    data-deadline={g.deadline}
                    role="button"
                    tabIndex={0}
                    aria-label={`${g.label} from ${clock(g.from, true)}`}
                    onClick={select({ type: 'event', id: g.ref })}
                    onKeyDown={activate({ type: 'event', id: g.ref })}
                  >
                    <rect
                      {...bar(g.from, Math.min(g.deadline ?? g.to, g.to), 4)}
                      y={y + 3}
                      height={h - 6}
                      rx={3}
                    />
                    {g.deadline !== undefined && g.to > g.deadline && (
                      <rect className="overdue" {...bar(g.deadline, g.to)} y={y + 3} height={h - 6} />
                    )}
                    {g.deadline !== undefined && g.deadline <= g.to && (
                      <line
                        className="deadline"
                        x1={x(g.deadline)}
                        x2={x(g.deadline)}
                        y1={y + 1}
                        y2={y + h - 1}
                      />
                    )}
                    {/* At the left edge when it began out of view: "no reply", not "o reply". */}
                    <text x={Math.max(0, x(g.from)) + 6} y={y + h / 2 + 4}>
                      {g.label}
                    </text>
                    <title>{`${g.label}: ${duration(g.to - g.from)}`}</title>
                  </g>
                );
              })}
            {p.summary.causes.map((f: Finding, i, all) => {
              // One row each, so that a consequence does not hide its cause.
              const rowH = (LANE_H - 6) / all.length;
              const y = laneY('findings') + 3 + i * rowH;
              return (
                <g key={f.id}>
                  <rect
                    className={`finding ${f.severity}${p.selected?.type === 'finding' && p.selected.id === f.id ? ' selected' : ''}`}
                    {...bar(f.time, Math.max(f.lastTime, f.recovered ?? f.lastTime), 8)}
                    y={y}
                    height={Math.max(3, rowH - 1)}
                    rx={1.5}
                    role="button"
                    tabIndex={0}
                    aria-label={`${f.title} (${f.severity})`}
                    data-testid="finding-bar"
                    data-finding={f.id}
                    data-cause={f.cause}
                    onClick={select({ type: 'finding', id: f.id })}
                    onKeyDown={activate({ type: 'finding', id: f.id })}
                  >
                    <title>{f.title}</title>
                  </rect>
                  {p.alerted?.has(f.id) && (
                    <path
                      className="alert-mark"
                      d={`M${clampX(f.time) - 5},${y - 2} l5,7 l5,-7 z`}
                      data-testid="alert-marker"
                      data-finding={f.id}
                    >
                      <title>alert raised</title>
                    </path>
                  )}
                  {(p.versions.get(f.id) ?? []).map((v, k) => (
                    <circle
                      key={k}
                      className={`version ${v.how}`}
                      cx={x(v.at)}
                      cy={y + rowH / 2}
                      r={Math.min(3, rowH / 2)}
                      data-testid="finding-version"
                      data-how={v.how}
                    />
                  ))}
                </g>
              );
            })}
            {!counts && LANES.map((l) => markers(l))}
            {inView
              .filter((e) => e.kind === 'session_close')
              .map((e) => (
                <line
                  key={`c${e.id}`}
                  className="close-line"
                  x1={x(e.time)}
                  x2={x(e.time)}
                  y1={AXIS_H}
                  y2={height}
                  data-testid="close-line"
                />
              ))}
            {selectedEvent && (
              <line
                className="cursor"
                x1={x(selectedEvent.time)}
                x2={x(selectedEvent.time)}
                y1={AXIS_H}
                y2={height}
              />
            )}
            {p.summary.live && (
              <line className="now" x1={x(p.now)} x2={x(p.now)} y1={0} y2={height} data-testid="now-line" />
            )}
          </svg>
          <Minimap {...p} width={width} />
        </div>
      </div>
    </section>
  );
}

function Minimap(p: TimelineProps & { width: number }) {
  const o = p.overview;
  const { width } = p;
  if (!o) return <div className="minimap empty" />;
  const span = o.to - o.from || 1;
  const x = (t: number) => ((t - o.from) / span) * width;
  const totals = new Array<number>(o.buckets).fill(0);
  for (const c of Object.values(o.lanes)) c?.forEach((n, i) => (totals[i] = (totals[i] ?? 0) + n));
  const max = Math.max(1, ...totals);
  const bw = width / o.buckets;
  const vx = Math.max(0, x(p.view.from));
  const vw = Math.max(3, Math.min(width, x(p.view.to)) - vx);
  const center = (clientX: number, el: Element) => {
    const r = el.getBoundingClientRect();
    const t = o.from + ((clientX - r.left) / (r.width || width)) * span;
    const half = (p.view.to - p.view.from) / 2;
    p.onView({ from: t - half, to: t + half }, true);
  };
  return (
    <svg
      className="minimap"
      width={width}
      height={MINI_H}
      data-testid="minimap"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture?.(e.pointerId);
        center(e.clientX, e.currentTarget);
      }}
      onPointerMove={(e) => e.buttons === 1 && center(e.clientX, e.currentTarget)}
    >
      {totals.map((n, i) =>
        n > 0 ? (
          <rect
            key={i}
            className="mini-bar"
            x={i * bw}
            width={Math.max(1, bw - 0.5)}
            y={MINI_H - 4 - ((MINI_H - 8) * n) / max}
            height={((MINI_H - 8) * n) / max}
          />
        ) : null,
      )}
      {o.errors.map((n, i) =>
        n > 0 ? (
          <rect
            key={`e${i}`}
            className="mini-error"
            x={i * bw}
            width={Math.max(1.5, bw)}
            y={MINI_H - 6}
            height={5}
          />
        ) : null,
      )}
      {p.summary.causes.map((f) => (
        <rect
          key={f.id}
          className={`mini-finding ${f.severity}`}
          x={x(f.time) - 1}
          width={3}
          y={0}
          height={6}
        />
      ))}
      <rect
        className="mini-view"
        x={vx}
        y={0.5}
        width={vw}
        height={MINI_H - 1}
        data-testid="minimap-viewport"
      />
    </svg>
  );
}
