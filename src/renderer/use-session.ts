// One session's data as the view needs it, kept small whatever the session holds: its summary,
// turns and finding versions; the events of the time window in view (fetched by time and page,
// at most WINDOW_CAP of them, counted per lane instead when there are more); a coarse count of the
// whole session for the minimap; and the live appends, batched (at 100 events a second the page
// renders four times a second, not a hundred).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeadairApi, Density } from '../shared/api.js';
import type { FindingVersion, StoredEvent, StoredTurn } from '../shared/store.js';
import type { SessionSummary } from '../shared/types.js';
import { fitView, type View } from './timeline-model.js';

/** Events held for one view; past it, the view is drawn from counts until zoomed in. */
export const WINDOW_CAP = 12_000;
const PAGE = 5000;
/** Live appends are applied this often. */
export const FLUSH_MS = 250;
/** Summary and turns are asked again at most this often while events arrive. */
const REFRESH_MS = 1500;
export const OVERVIEW_BUCKETS = 300;

export interface Loaded {
  from: number;
  to: number;
  events: StoredEvent[];
  /** Every event of [from, to] is in `events`. */
  complete: boolean;
}

export interface SessionData {
  /** undefined while loading, null when the session is unknown. */
  summary: SessionSummary | null | undefined;
  /** undefined until asked (after the first events: they paint first). */
  turns: readonly StoredTurn[] | undefined;
  versions: ReadonlyMap<string, readonly FindingVersion[]>;
  loaded: Loaded | undefined;
  /** Counts per lane over the view, when it holds more than WINDOW_CAP events. */
  density: Density | undefined;
  overview: Density | undefined;
  error: string | undefined;
  /** The page's clock, ticking each second while the session is live. */
  now: number;
  /** Ask for the events of a view (debounced; nothing is asked when they are held already). */
  want: (v: View, buckets: number) => void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function useSession(api: DeadairApi, id: string): SessionData {
  const [summary, setSummary] = useState<SessionSummary | null>();
  const [turns, setTurns] = useState<readonly StoredTurn[]>();
  const [versions, setVersions] = useState<ReadonlyMap<string, readonly FindingVersion[]>>(new Map());
  const [loaded, setLoaded] = useState<Loaded>();
  const [density, setDensity] = useState<Density>();
  const [overview, setOverview] = useState<Density>();
  const [error, setError] = useState<string>();
  const [now, setNow] = useState(() => Date.now());
  const loadedRef = useRef<Loaded | undefined>(undefined);
  const summaryRef = useRef<SessionSummary | null | undefined>(undefined);
  const wantRef = useRef<{ view: View; buckets: number } | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const gen = useRef(0);

  // What the last refresh cost: a long session's summary and turns are large answers, so while
  // events stream in they are asked again at most every REFRESH_MS or ten times that cost.
  const cost = useRef(0);
  const refresh = useCallback(async () => {
    const began = performance.now();
    try {
      const s = await api.request('session.get', { id });
      summaryRef.current = s;
      setSummary(s);
      if (!s) return;
      // The turns of a long session are a large answer: asked once its first events are in, so
      // that the lanes paint first.
      const [t, ov, ...vs] = await Promise.all([
        loadedRef.current ? api.request('session.turns', { id }) : undefined,
        api.request('session.density', {
          session: id,
          buckets: OVERVIEW_BUCKETS,
          ...fitView(s, s.live ? Date.now() : s.end),
        }),
        ...s.causes.map((c) => api.request('finding.versions', { session: id, finding: c.id })),
      ]);
      if (t) setTurns(t);
      setOverview(ov);
      setVersions(new Map(s.causes.map((c, i) => [c.id, vs[i] ?? []])));
      setError(undefined);
    } catch (e) {
      setError(message(e));
    } finally {
      cost.current = performance.now() - began;
    }
  }, [api, id]);

  const fetchWindow = useCallback(
    async (view: View, buckets: number) => {
      const held = loadedRef.current;
      if (held?.complete && held.from <= view.from && held.to >= view.to) return;
      const my = ++gen.current;
      const span = view.to - view.from;
      const from = view.from - span / 2;
      const to = view.to + span / 2;
      const events: StoredEvent[] = [];
      let after: string | undefined;
      try {
        for (;;) {
          const page = await api.request('session.events', {
            session: id,
            from,
            to,
            limit: PAGE,
            ...(after !== undefined ? { after } : {}),
          });
          if (my !== gen.current) return;
          events.push(...page.events);
          after = page.next;
          if (after === undefined || events.length >= WINDOW_CAP) break;
        }
        const complete = after === undefined;
        let d: Density | undefined;
        if (!complete) d = await api.request('session.density', { session: id, ...view, buckets });
        if (my !== gen.current) return;
        events.sort((a, b) => a.time - b.time);
        const next: Loaded = {
          from,
          to: complete ? to : (events[events.length - 1]?.time ?? from),
          events,
          complete,
        };
        const first = loadedRef.current === undefined;
        loadedRef.current = next;
        setLoaded(next);
        setDensity(d);
        if (first)
          void api.request('session.turns', { id }).then(setTurns, (e: unknown) => setError(message(e)));
      } catch (e) {
        if (my === gen.current) setError(message(e));
      }
    },
    [api, id],
  );

  const want = useCallback(
    (view: View, buckets: number) => {
      wantRef.current = { view, buckets };
      const held = loadedRef.current;
      if (held?.complete && held.from <= view.from && held.to >= view.to) return;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void fetchWindow(view, buckets), loadedRef.current ? 120 : 0);
    },
    [fetchWindow],
  );

  useEffect(() => {
    loadedRef.current = undefined;
    setLoaded(undefined);
    setSummary(undefined);
    void refresh();
  }, [refresh]);

  const live = summary?.live === true;
  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [live]);

  // Live: events of this session are held back and applied together; the summary and turns are
  // asked again at most every REFRESH_MS.
  useEffect(() => {
    let pending: StoredEvent[] = [];
    let flush: ReturnType<typeof setTimeout> | undefined;
    let again: ReturnType<typeof setTimeout> | undefined;
    const later = (ms: number) => {
      again ??= setTimeout(() => {
        again = undefined;
        void refresh();
      }, ms);
    };
    const apply = () => {
      flush = undefined;
      const add = pending;
      pending = [];
      const held = loadedRef.current;
      if (!held?.complete || add.length === 0) return;
      // Held when they fall in the window, or past it when the window reaches the session's end
      // (a view of the past is left alone).
      const end = summaryRef.current?.end ?? -Infinity;
      const atEdge = !(held.to < end);
      const fresh = add.filter((e) => e.time >= held.from && (atEdge || e.time <= held.to));
      if (fresh.length === 0) return;
      let events = held.events.concat(fresh);
      if (
        fresh.some(
          (e, i) =>
            e.time < ((i === 0 ? held.events[held.events.length - 1] : fresh[i - 1])?.time ?? -Infinity),
        )
      )
        events.sort((a, b) => a.time - b.time);
      let from = held.from;
      if (events.length > WINDOW_CAP) {
        events = events.slice(events.length - WINDOW_CAP);
        from = (events[0] as StoredEvent).time;
      }
      const to = Math.max(held.to, ...fresh.map((e) => e.time));
      const next: Loaded = { from, to, events, complete: true };
      loadedRef.current = next;
      setLoaded(next);
    };
    const off = api.subscribe('store.changes', (c) => {
      if (c.type === 'event') {
        if (c.event.session !== id) return;
        pending.push(c.event);
        flush ??= setTimeout(apply, FLUSH_MS);
        later(Math.max(REFRESH_MS, 10 * cost.current));
      } else if (c.type === 'reset' || c.version.finding.session === id) later(200);
    });
    return () => {
      off();
      if (flush) clearTimeout(flush);
      if (again) clearTimeout(again);
    };
  }, [api, id, refresh]);

  useEffect(() => () => timer.current && clearTimeout(timer.current), []);

  return { summary, turns, versions, loaded, density, overview, error, now, want };
}
