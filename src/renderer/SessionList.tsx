// The sessions: those needing attention first (failed, silent, degraded, healthy), each with its
// verdict, the cause in words, room, job, start, duration and a live dot; filtered by verdict,
// cause and room, searched, and walked with the keyboard (up / down / enter). Virtualised.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { CauseId, SessionSummary, Verdict } from '../shared/types.js';
import { attentionOrder, CAUSE_WORDS, causeWords, dateTime, duration, VERDICTS } from './format.js';
import { roomOf, sessionDuration } from './timeline-model.js';
import { useVirtualRows } from './virtual.js';

export const SESSION_ROW_HEIGHT = 40;

export interface SessionFilter {
  verdict?: Verdict;
  cause?: CauseId;
  room?: string;
  search: string;
}

/** The sessions a filter keeps, attention first. */
export function filterSessions(all: readonly SessionSummary[], f: SessionFilter): SessionSummary[] {
  const needle = f.search.trim().toLowerCase();
  return all
    .filter((s) => {
      if (f.verdict && s.verdict !== f.verdict) return false;
      if (f.cause && !s.causes.some((c) => c.cause === f.cause)) return false;
      if (f.room !== undefined && roomOf(s) !== f.room) return false;
      if (needle) {
        const hay = [s.id, s.room ?? '', s.roomSid ?? '', s.job ?? '', ...s.causes.map((c) => c.title)]
          .join('\n')
          .toLowerCase();
        if (!hay.includes(needle)) return false;
      }
      return true;
    })
    .sort(attentionOrder);
}

export function SessionList({
  sessions,
  onOpen,
  last,
}: {
  sessions: readonly SessionSummary[];
  onOpen: (id: string) => void;
  /** The session last opened: the active row, focused, when the list comes back. */
  last?: string | undefined;
}) {
  const [filter, setFilter] = useState<SessionFilter>({ search: '' });
  const shown = useMemo(() => filterSessions(sessions, filter), [sessions, filter]);
  const [active, setActive] = useState(() =>
    Math.max(0, last === undefined ? 0 : shown.findIndex((s) => s.id === last)),
  );
  // `/` searches, as in most lists.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key !== '/' || t?.closest('input, select, textarea')) return;
      e.preventDefault();
      document.querySelector<HTMLInputElement>('[data-testid="filter-search"]')?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const rooms = useMemo(
    () => [...new Set(sessions.map(roomOf).filter((r): r is string => r !== undefined))].sort(),
    [sessions],
  );
  const causes = useMemo(() => {
    const seen = new Set<CauseId>();
    for (const s of sessions) for (const c of s.causes) seen.add(c.cause);
    return [...seen].sort();
  }, [sessions]);
  const counts = useMemo(() => {
    const c: Record<Verdict, number> = { failed: 0, silent: 0, degraded: 0, healthy: 0 };
    for (const s of sessions) c[s.verdict]++;
    return c;
  }, [sessions]);
  // A live session's duration runs to now, as in its header: the clock ticks while one is listed.
  const anyLive = sessions.some((s) => s.live);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!anyLive) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [anyLive]);
  const v = useVirtualRows(shown.length, SESSION_ROW_HEIGHT);
  const at = Math.min(active, Math.max(0, shown.length - 1));
  const listRef = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    if (last === undefined) return;
    listRef.current?.focus();
    v.reveal(at);
    // Once, as the list appears.
  }, []);

  const move = (to: number) => {
    const i = Math.max(0, Math.min(shown.length - 1, to));
    setActive(i);
    v.reveal(i);
  };
  const onKey = (e: KeyboardEvent) => {
    const page = 10;
    if (e.key === 'ArrowDown') move(at + 1);
    else if (e.key === 'ArrowUp') move(at - 1);
    else if (e.key === 'PageDown') move(at + page);
    else if (e.key === 'PageUp') move(at - page);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(shown.length - 1);
    else if (e.key === 'Enter') {
      const s = shown[at];
      if (s) onOpen(s.id);
    } else return;
    e.preventDefault();
  };
  const set = (patch: Partial<SessionFilter>) => {
    setFilter((f) => ({ ...f, ...patch }));
    setActive(0);
  };

  return (
    <section className="sessions" aria-label="sessions">
      <div className="filters" role="search">
        <input
          type="search"
          placeholder="Search id, room, job, cause"
          aria-label="search sessions"
          data-testid="filter-search"
          value={filter.search}
          onChange={(e) => set({ search: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'Enter') {
              e.preventDefault();
              (e.currentTarget.form ?? document)
                .querySelector<HTMLElement>('[data-testid="session-list"]')
                ?.focus();
              if (e.key === 'Enter' && shown[at]) onOpen(shown[at].id);
            }
          }}
        />
        <select
          aria-label="verdict"
          data-testid="filter-verdict"
          value={filter.verdict ?? ''}
          onChange={(e) => set({ verdict: (e.target.value || undefined) as Verdict | undefined })}
        >
          <option value="">every verdict</option>
          {VERDICTS.map((x) => (
            <option key={x} value={x}>
              {x} ({counts[x]})
            </option>
          ))}
        </select>
        <select
          aria-label="cause"
          data-testid="filter-cause"
          value={filter.cause ?? ''}
          onChange={(e) => set({ cause: (e.target.value || undefined) as CauseId | undefined })}
        >
          <option value="">every cause</option>
          {causes.map((c) => (
            <option key={c} value={c}>
              {CAUSE_WORDS[c]}
            </option>
          ))}
        </select>
        <select
          aria-label="room"
          data-testid="filter-room"
          value={filter.room === undefined ? '' : `r:${filter.room}`}
          onChange={(e) => set({ room: e.target.value ? e.target.value.slice(2) : undefined })}
        >
          <option value="">every room</option>
          {rooms.map((r) => (
            <option key={r} value={`r:${r}`}>
              {r}
            </option>
          ))}
        </select>
        <span className="count" data-testid="session-count">
          {shown.length === sessions.length
            ? `${sessions.length} sessions`
            : `${shown.length} of ${sessions.length}`}
        </span>
      </div>
      <div className="row head" aria-hidden="true">
        <span className="c-verdict">verdict</span>
        <span className="c-cause">cause</span>
        <span className="c-room">room</span>
        <span className="c-job">job</span>
        <span className="c-start">start</span>
        <span className="c-dur">duration</span>
      </div>
      {shown.length === 0 ? (
        <p className="empty" data-testid="sessions-empty">
          {sessions.length === 0 ? 'No agent sessions yet: deadair is watching.' : 'No session matches.'}
        </p>
      ) : (
        <div
          className="scroll"
          ref={(el) => {
            v.ref.current = el;
            listRef.current = el;
          }}
          onScroll={v.onScroll}
          role="listbox"
          tabIndex={0}
          aria-label="sessions, attention first"
          aria-activedescendant={shown[at] ? `session-${at}` : undefined}
          data-testid="session-list"
          onKeyDown={onKey}
        >
          <div className="spacer" style={{ height: v.total }}>
            <div style={{ transform: `translateY(${v.offset}px)` }}>
              {shown.slice(v.first, v.last).map((s, k) => {
                const i = v.first + k;
                return (
                  <div
                    key={s.id}
                    id={`session-${i}`}
                    role="option"
                    aria-selected={i === at}
                    className={`row ${s.verdict}${i === at ? ' active' : ''}`}
                    data-testid="session-row"
                    data-session={s.id}
                    data-verdict={s.verdict}
                    onClick={() => {
                      setActive(i);
                      onOpen(s.id);
                    }}
                  >
                    <span className="c-verdict">
                      <span
                        className={`live${s.live ? ' on' : ''}`}
                        title={s.live ? 'live' : 'ended'}
                        data-testid={s.live ? 'live-dot' : undefined}
                      />
                      <span className={`badge ${s.verdict}`}>{s.verdict}</span>
                    </span>
                    <span className="c-cause">{causeWords(s)}</span>
                    <span className="c-room">{roomOf(s) ?? ''}</span>
                    <span className="c-job">{s.job ?? s.id}</span>
                    <span className="c-start">{dateTime(s.start)}</span>
                    <span className="c-dur" data-testid="session-duration">
                      {duration(sessionDuration(s, now))}
                    </span>
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
