// Deep links into the timeline, built and read in one place: the page routes by them, and the CLI
// prints the same links beside every finding (as Perfetto's and Jaeger's links open one span).
//
//   #/                                    the sessions
//   #/settings                            the tray app's settings
//   #/session/<id>                        a session, fitted to its span
//   #/session/<id>/event/<eventId>        zoomed to that event, selected in the inspector
//   #/session/<id>/finding/<findingId>    zoomed to the finding (first time to last), the finding
//                                         selected: its explanation, remedy and evidence lines.
//                                         Alerts know a finding, not always an event, and a
//                                         finding's evidence already carries its lines.
//
// Every segment is URI-encoded (finding ids hold a '/', event ids a ':').

export type TimelineRoute =
  | { view: 'sessions' }
  /** The tray app's settings window (`#/settings`). */
  | { view: 'settings' }
  | { view: 'session'; session: string; event?: string; finding?: string };

/** The hash of a route, e.g. `#/session/AJ_x/event/ab12%3A345`. */
export function timelineHash(r: TimelineRoute): string {
  if (r.view === 'sessions') return '#/';
  if (r.view === 'settings') return '#/settings';
  const enc = encodeURIComponent;
  let h = `#/session/${enc(r.session)}`;
  if (r.event !== undefined) h += `/event/${enc(r.event)}`;
  else if (r.finding !== undefined) h += `/finding/${enc(r.finding)}`;
  return h;
}

/**
 * A full link: the page's URL (e.g. what `deadair watch --ui` printed, with its key) and the route.
 * Any hash `base` had is replaced.
 */
export function timelineLink(base: string, r: TimelineRoute): string {
  const at = base.indexOf('#');
  return (at < 0 ? base : base.slice(0, at)) + timelineHash(r);
}

function dec(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** The route a hash names; anything unknown is the sessions list. */
export function parseTimelineHash(hash: string): TimelineRoute {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'settings' && parts.length === 1) return { view: 'settings' };
  if (parts[0] !== 'session' || !parts[1]) return { view: 'sessions' };
  const session = dec(parts[1]);
  if (session === undefined || session === '') return { view: 'sessions' };
  const r: TimelineRoute = { view: 'session', session };
  const value = parts[3] !== undefined ? dec(parts[3]) : undefined;
  if (value) {
    if (parts[2] === 'event') r.event = value;
    else if (parts[2] === 'finding') r.finding = value;
  }
  return r;
}
