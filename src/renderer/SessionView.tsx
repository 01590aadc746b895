// One session: what it is (verdict, cause, room, job, when), its lanes, the events in view, the
// inspector and the latency per turn; export. Opens where the route says: fitted to the session,
// or zoomed to one event or one finding with it selected (the deep links of src/shared/links.ts).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DeadairApi } from '../shared/api.js';
import { timelineLink, type TimelineRoute } from '../shared/links.js';
import type { StoredEvent } from '../shared/store.js';
import type { Finding, SessionSummary } from '../shared/types.js';
import { EventList } from './EventList.js';
import { causeWords, dateTime, duration, userTurnsUnlogged } from './format.js';
import { Inspector } from './Inspector.js';
import { LatencyBars } from './LatencyBars.js';
import { Timeline, type Selection } from './Timeline.js';
import {
  findingOf,
  findingView,
  fitView,
  ghosts as ghostsOf,
  isEvidence,
  sessionDuration,
  viewAround,
  type View,
} from './timeline-model.js';
import { useSession } from './use-session.js';

/** How wide a view opened on one event is. */
export const EVENT_SPAN_MS = 30_000;

type SessionRoute = Extract<TimelineRoute, { view: 'session' }>;

/**
 * How far to scroll the page so that what an opened selection says (a finding's remedy, an event's
 * line) is on screen with its inspector's head: nothing when it is already, never past the head.
 */
export function revealScroll(inspectorTop: number, targetBottom: number, viewport: number): number {
  if (targetBottom <= viewport) return 0;
  return Math.max(0, Math.min(targetBottom - viewport + 12, inspectorTop - 8));
}

/** How far before a finding its first evidence is looked for (a silence's turn, a stuck thinking). */
export const EVIDENCE_LOOKBACK_MS = 10 * 60_000;

/**
 * When a finding's first evidence happened, where it is a log line: that line found among the
 * session's events before the finding (an agent_silent finding fires at its deadline, seconds
 * after the user turn it names). Nearest first, a few pages at most; undefined when not found.
 */
async function evidenceTime(api: DeadairApi, session: string, f: Finding): Promise<number | undefined> {
  const x = f.evidence[0];
  if (x?.file === undefined) return undefined;
  for (const [from, to] of [
    [f.time - 60_000, f.time],
    [f.time - EVIDENCE_LOOKBACK_MS, f.time - 60_000],
  ] as const) {
    let after: string | undefined;
    for (let page = 0; page < 3; page++) {
      const r = await api.request('session.events', {
        session,
        from,
        to,
        limit: 5000,
        ...(after !== undefined ? { after } : {}),
      });
      const hit = r.events.find((e) => isEvidence(x, e));
      if (hit) return hit.time;
      if (r.next === undefined) break;
      after = r.next;
    }
  }
  return undefined;
}

function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function SessionView({
  api,
  route,
  onBack,
  width,
}: {
  api: DeadairApi;
  route: SessionRoute;
  onBack: () => void;
  /** The lanes' width in pixels (tests fix it; measured otherwise). */
  width?: number;
}) {
  const id = route.session;
  const data = useSession(api, id);
  const { summary, loaded, now, want } = data;
  const [view, setView] = useState<View>();
  const [follow, setFollow] = useState(false);
  const [selected, setSelected] = useState<Selection>();
  const [pinned, setPinned] = useState<StoredEvent>();
  const [exportError, setExportError] = useState<string>();
  /** The route named an event or a finding this session does not hold (an old link, a typo). */
  const [linkGone, setLinkGone] = useState<'event' | 'finding'>();
  const opened = useRef<string | undefined>(undefined);
  // A selection opened by the route or a finding's chip is shown: at a narrow width the inspector
  // is below the lanes, off the screen.
  const reveal = useRef(false);
  const mainRef = useRef<HTMLElement | null>(null);
  // An ended session that counted no user turn: none, or none logged? The CLI's rule, which needs
  // the other sessions of its files (asked for only then).
  const [others, setOthers] = useState<readonly SessionSummary[]>();
  const askOthers = !!summary && summary.turns.user === 0 && !summary.live && summary.files.length > 0;
  useEffect(() => {
    if (!askOthers) return;
    let live = true;
    api.request('sessions.list', {}).then(
      (all) => live && setOthers(all),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, askOthers]);
  // Opened, the keyboard starts at the session's heading (not on the page's body).
  const headingRef = useRef<HTMLHeadingElement | null>(null);
  const focused = useRef(false);
  const shown = summary !== undefined && summary !== null;
  useEffect(() => {
    if (!shown || focused.current) return;
    focused.current = true;
    headingRef.current?.focus({ preventScroll: true });
  }, [shown]);
  // Alerts raised while the page is open, by finding (the store keeps findings, not alerts).
  const [alerted, setAlerted] = useState<ReadonlySet<string>>(new Set());
  useEffect(
    () =>
      api.subscribe('alerts', (a) => {
        if (a.session === id) setAlerted((s) => new Set(s).add(a.finding));
      }),
    [api, id],
  );

  // Open where the route points, once per route (and once the session is known).
  const target = `${id}|${route.event ?? ''}|${route.finding ?? ''}`;
  useEffect(() => {
    if (!summary || opened.current === target) return;
    opened.current = target;
    setLinkGone(undefined);
    let live = true;
    const whole = fitView(summary, Date.now());
    const span = Math.min(EVENT_SPAN_MS, whole.to - whole.from);
    if (route.event !== undefined) {
      const eventId = route.event;
      void api.request('session.event', { session: id, event: eventId }).then(
        (ev) => {
          if (!live) return;
          if (ev) {
            reveal.current = true;
            setPinned(ev);
            setSelected({ type: 'event', id: ev.id });
            setView(viewAround(ev.time, span));
          } else {
            setLinkGone('event');
            setView(whole);
          }
          setFollow(false);
        },
        () => live && setView(whole),
      );
    } else if (route.finding !== undefined) {
      const findingId = route.finding;
      const known = summary.causes.find((f) => f.id === findingId);
      const open = (f: Finding | undefined) => {
        if (!live) return;
        setFollow(false);
        if (!f) {
          setLinkGone('finding');
          return setView(whole);
        }
        reveal.current = true;
        setSelected({ type: 'finding', id: f.id });
        // From what it is about (the unanswered turn of a silence) to when it was found.
        void evidenceTime(api, id, f).then(
          (at) => live && setView(findingView(f, at, span)),
          () => live && setView(findingView(f, undefined, span)),
        );
      };
      if (known) open(known);
      else
        void api.request('finding.versions', { session: id, finding: findingId }).then(
          (vs) => open(vs[vs.length - 1]?.finding),
          () => open(undefined),
        );
    } else {
      setView(whole);
      setFollow(summary.live);
    }
    return () => {
      live = false;
    };
  }, [api, id, route.event, route.finding, summary, target]);

  useEffect(() => {
    if (view) want(view, Math.max(50, Math.floor((width ?? 1000) / 3)));
  }, [view, want, width]);

  // Following: the view's right edge stays at now.
  const live = summary?.live === true;
  useEffect(() => {
    if (!follow || !live) return;
    // Moved only when now nears the right edge: each move may ask for a window of events.
    setView((v) => {
      if (!v) return v;
      const span = v.to - v.from;
      if (now <= v.to - span * 0.02 && now >= v.from) return v;
      return { from: now - span * 0.9, to: now + span * 0.1 };
    });
  }, [follow, live, now]);

  // The selection is in the address, so a copied URL opens the same moment.
  const link = useMemo(() => {
    const r: TimelineRoute = { view: 'session', session: id };
    if (selected?.type === 'event') r.event = selected.id;
    if (selected?.type === 'finding') r.finding = selected.id;
    return r;
  }, [id, selected]);
  // A selection closed (Escape, ×) leaves it too, so a reload or a copied link does not bring it
  // back; only the route's own selection, not selected yet while it opens, is left alone.
  const hadSelection = useRef(false);
  useEffect(() => {
    if (selected) hadSelection.current = true;
    else if (!hadSelection.current) return;
    const url = timelineLink(location.href, link);
    if (url !== location.href) history.replaceState(null, '', url);
  }, [link, selected]);

  const events = loaded?.events ?? [];
  const inView = useMemo(
    () => (view ? events.filter((e) => e.time >= view.from && e.time <= view.to) : []),
    [events, view],
  );
  const ghosts = useMemo(
    () =>
      summary
        ? ghostsOf(summary, data.turns ?? [], events, now, {
            complete: loaded?.complete === true,
            reachesEnd: loaded !== undefined && !(loaded.to < summary.end),
          })
        : [],
    [summary, data.turns, events, now, loaded],
  );
  const selectedEvent =
    selected?.type === 'event'
      ? (events.find((e) => e.id === selected.id) ?? (pinned?.id === selected.id ? pinned : undefined))
      : undefined;
  const selectedFinding =
    selected?.type === 'finding' ? summary?.causes.find((f) => f.id === selected.id) : undefined;
  const related = selectedEvent && summary ? findingOf(selectedEvent, summary.causes) : undefined;

  // Once the lanes and their events are in (they move what is below them), scrolled to show it.
  const isLoaded = loaded !== undefined;
  useEffect(() => {
    if (!reveal.current || !view || !isLoaded) return;
    const aside = mainRef.current?.querySelector<HTMLElement>('[data-testid="inspector"]:not(.empty)');
    if (!aside) return;
    reveal.current = false;
    // A finding's explanation and remedy; an event's fields and the first lines of its record.
    const target = (
      aside.querySelector(selectedFinding ? '.remedy' : '[data-testid="inspector-evidence"]') ?? aside
    ).getBoundingClientRect();
    const bottom = selectedFinding ? target.bottom : Math.min(target.bottom, target.top + 100);
    const dy = revealScroll(aside.getBoundingClientRect().top, bottom, window.innerHeight);
    if (dy > 0) window.scrollBy({ top: dy });
  }, [view, isLoaded, selectedFinding, selectedEvent]);

  // A selection out of view (from the latency bars, a finding) brings its moment into view.
  const selectedTime = selectedEvent?.time;
  useEffect(() => {
    if (selectedTime === undefined) return;
    setView((v) =>
      v && (selectedTime < v.from || selectedTime > v.to) ? viewAround(selectedTime, v.to - v.from) : v,
    );
    // Only when the selection changes (not its time): a view panned away from it stays there.
  }, [selected, selectedTime === undefined]);

  // Escape clears the selection, then goes back to the list.
  const hasSelection = selected !== undefined;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || (e.target as HTMLElement | null)?.closest('input, select, textarea')) return;
      if (hasSelection) setSelected(undefined);
      else onBack();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [hasSelection, onBack]);

  const onView = useCallback((v: View, byUser: boolean) => {
    setView(v);
    if (byUser) setFollow(false);
  }, []);
  const selectEvent = useCallback((eventId: string) => setSelected({ type: 'event', id: eventId }), []);
  const onSelect = useCallback((s: Selection) => {
    setSelected(s);
  }, []);
  const onFit = useCallback(() => {
    if (summary) setView(fitView(summary, Date.now()));
  }, [summary]);

  const doExport = (format: 'jsonl' | 'html') => {
    setExportError(undefined);
    api.request('session.export', { id, format }).then(
      (text) => {
        if (text === null) return setExportError('This session is no longer held.');
        const base = `deadair-${(summary?.room ?? id).replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60)}`;
        download(`${base}.${format}`, format === 'html' ? 'text/html' : 'application/x-ndjson', text);
      },
      (e: unknown) => setExportError(e instanceof Error ? e.message : String(e)),
    );
  };

  if (summary === undefined)
    return (
      <main className="session loading" data-testid="session-loading">
        <button type="button" className="back" onClick={onBack} data-testid="back">
          ← sessions
        </button>
        <p>{data.error ? `Cannot load this session: ${data.error}` : 'Loading the session…'}</p>
      </main>
    );
  if (summary === null)
    return (
      <main className="session missing" data-testid="session-missing">
        <button type="button" className="back" onClick={onBack} data-testid="back">
          ← sessions
        </button>
        <p>
          No session <code>{id}</code>: it may have been forgotten (past the store's limits) or the link is
          from another deadair.
        </p>
      </main>
    );

  return (
    <main
      ref={mainRef}
      className={`session ${summary.verdict}`}
      data-testid="session-view"
      data-session={id}
      data-verdict={summary.verdict}
    >
      <header className="session-head">
        <button type="button" className="back" onClick={onBack} data-testid="back">
          ← sessions
        </button>
        <span className={`badge ${summary.verdict}`} data-testid="session-verdict">
          {summary.verdict}
        </span>
        <h2 data-testid="session-title" tabIndex={-1} ref={headingRef}>
          {summary.room ?? summary.job ?? summary.id}
        </h2>
        <span className="cause-words" data-testid="session-cause">
          {causeWords(summary)}
        </span>
        {summary.live && <span className="live on" title="live" data-testid="live-dot" />}
        <span className="actions">
          <button type="button" onClick={() => doExport('jsonl')} data-testid="export-jsonl">
            export JSONL
          </button>
          <button type="button" onClick={() => doExport('html')} data-testid="export-html">
            export report
          </button>
        </span>
        <span className="meta" data-testid="session-head-meta">
          {!summary.room && summary.roomSid && <>room {summary.roomSid} · </>}
          {summary.job && <>job {summary.job} · </>}
          {dateTime(summary.start)} ·{' '}
          <span data-testid="session-duration">{duration(sessionDuration(summary, now))}</span> ·{' '}
          {others && userTurnsUnlogged(summary, others)
            ? 'user turns not logged'
            : count(summary.turns.user, 'user turn')}
          , {count(summary.turns.spoken, 'spoken reply', 'spoken replies')}
          {summary.errors ? `, ${count(summary.errors, 'error')}` : ''}
          {summary.closeReason ? ` · closed: ${summary.closeReason}` : ''}
        </span>
      </header>
      {exportError && (
        <p role="alert" className="error">
          Export failed: {exportError}
        </p>
      )}
      {data.error && (
        <p role="alert" className="error" data-testid="session-error">
          {data.error}
        </p>
      )}
      {linkGone && (
        <p className="banner" role="status" data-testid="link-gone">
          The link named {linkGone === 'event' ? 'an event' : 'a finding'} this session does not hold (it may
          be from an earlier run, or cut short): showing the whole session.
        </p>
      )}
      {data.overview?.total === 0 && (
        <p className="banner" data-testid="events-gone">
          deadair holds no events of this session any more, only its summary and findings: it ended a while
          ago and was moved out of memory (with a journal, watch keeps them in its archive).
        </p>
      )}
      {summary.causes.length > 0 && (
        <ul className="causes" aria-label="findings">
          {summary.causes.map((f) => (
            <li key={f.id}>
              <button
                type="button"
                className={`cause ${f.severity}${selected?.type === 'finding' && selected.id === f.id ? ' active' : ''}`}
                data-testid="cause-item"
                data-finding={f.id}
                onClick={() => {
                  reveal.current = true;
                  setSelected({ type: 'finding', id: f.id });
                  setFollow(false);
                  if (view && (f.time < view.from || f.time > view.to))
                    setView(viewAround(f.time, view.to - view.from));
                }}
              >
                <span className={`sev ${f.severity}`} />
                {f.title}
                {f.consequenceOf && (
                  <span className="muted"> (follows {f.consequenceOf.replace(/_/g, ' ')})</span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
      {view && (
        <Timeline
          summary={summary}
          events={events}
          density={loaded && !loaded.complete ? data.density : undefined}
          overview={data.overview}
          turns={data.turns ?? []}
          versions={data.versions}
          alerted={alerted}
          ghosts={ghosts}
          view={view}
          onView={onView}
          onFit={onFit}
          selected={selected}
          onSelect={onSelect}
          follow={follow}
          onFollow={setFollow}
          now={now}
          {...(width !== undefined ? { width } : {})}
        />
      )}
      {!loaded && (
        <p className="muted" data-testid="events-loading">
          Loading events…
        </p>
      )}
      <div className="split">
        <EventList
          events={inView}
          selected={selectedEvent?.id}
          onSelect={selectEvent}
          partial={loaded?.complete === false}
        />
        <Inspector
          api={api}
          session={id}
          event={selectedEvent}
          finding={selectedFinding}
          related={related}
          versions={data.versions}
          link={timelineLink(location.href, link)}
          onClose={() => setSelected(undefined)}
        />
      </div>
      {data.turns ? (
        <LatencyBars turns={data.turns} latency={summary.latency} onSelect={selectEvent} />
      ) : (
        <p className="muted" data-testid="turns-loading">
          Loading turns…
        </p>
      )}
    </main>
  );
}

/** `1 user turn`, `2 user turns`. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
