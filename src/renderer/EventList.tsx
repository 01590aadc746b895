// The events of the time in view, one line each as lnav shows a log: time, lane, what happened.
// Virtualised; click or up / down / enter selects. The keyboard's way into the lanes.
import { useEffect, type KeyboardEvent } from 'react';
import { lanesOf } from '../shared/lanes.js';
import type { StoredEvent } from '../shared/store.js';
import { clock } from './format.js';
import { useVirtualRows } from './virtual.js';

const ROW_H = 22;

/** What a row says: the words said, the state entered, or the line's message. */
function rowText(ev: StoredEvent): string {
  const d = ev.detail;
  if (d?.text !== undefined) return d.text;
  if (ev.kind === 'agent_state' && d?.state) return `state → ${d.state}`;
  if (ev.kind === 'error' && d?.status !== undefined) return `${d.status} · ${ev.message}`;
  return ev.message;
}

export function EventList({
  events,
  selected,
  onSelect,
  partial,
}: {
  events: readonly StoredEvent[];
  selected: string | undefined;
  onSelect: (id: string) => void;
  /** The view holds more events than were fetched. */
  partial: boolean;
}) {
  const v = useVirtualRows(events.length, ROW_H);
  const at = selected === undefined ? -1 : events.findIndex((e) => e.id === selected);
  const { reveal } = v;
  useEffect(() => {
    if (at >= 0) reveal(at);
  }, [at, reveal]);
  const onKey = (e: KeyboardEvent) => {
    let i = at;
    if (e.key === 'ArrowDown') i = Math.min(events.length - 1, at + 1);
    else if (e.key === 'ArrowUp') i = Math.max(0, at - 1);
    else if (e.key === 'Home') i = 0;
    else if (e.key === 'End') i = events.length - 1;
    else return;
    e.preventDefault();
    const ev = events[i];
    if (ev) onSelect(ev.id);
  };
  return (
    <section className="events" aria-label="events in view">
      <h3>
        Events in view{' '}
        <span className="muted" data-testid="events-count">
          {events.length}
          {partial ? '+' : ''}
        </span>
      </h3>
      {events.length === 0 ? (
        <p className="empty">Nothing in this stretch of time.</p>
      ) : (
        <div
          className="ev-scroll"
          ref={v.ref}
          onScroll={v.onScroll}
          role="listbox"
          tabIndex={0}
          aria-label="events"
          data-testid="event-list"
          onKeyDown={onKey}
        >
          <div className="spacer" style={{ height: v.total }}>
            <div style={{ transform: `translateY(${v.offset}px)` }}>
              {events.slice(v.first, v.last).map((ev) => (
                <div
                  key={ev.id}
                  role="option"
                  aria-selected={ev.id === selected}
                  className={`ev-row k-${ev.kind}${ev.kind === 'error' ? ' err' : ''}${ev.id === selected ? ' active' : ''}`}
                  data-testid="event-row"
                  data-event={ev.id}
                  onClick={() => onSelect(ev.id)}
                >
                  <span className="ev-time">{clock(ev.time, true)}</span>
                  <span className="ev-lane">{lanesOf(ev)[0]}</span>
                  <span className="ev-msg">{rowText(ev)}</span>
                </div>
              ))}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
