// The sessions list against a real session store: attention first, the filters and the search
// narrow it, the keyboard walks it and opens a session.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { all, key, mount, one, setValue, waitFor, type Mounted } from '../../test/support/render.js';
import { storeApi, type StoreApi } from '../../test/support/ui-api.js';
import {
  credits,
  healthy,
  pyLine,
  quotaRetry,
  silent,
  start,
  userSaid,
  agentSaid,
} from '../../test/support/ui-scenarios.js';
import type { SessionSummary } from '../shared/types.js';
import { App } from './App.js';
import { SessionList } from './SessionList.js';

const T0 = Date.now() - 120_000;

/** Four sessions, one of each verdict, the healthy one newest. */
function fourSessions(): StoreApi {
  const s = storeApi();
  s.lines(credits(T0, 'AJ_failed', 'room-a'));
  s.lines(silent(T0 + 1000, 'AJ_silent', 'room-b'));
  s.lines([
    ...start(T0 + 2000, 'AJ_degraded', 'room-a'),
    userSaid(T0 + 3000, 'AJ_degraded', 'room-a', 'hi'),
    quotaRetry(T0 + 3100, 'AJ_degraded', 'room-a', 1, 'slow down', 'MaxConcurrentGatewayLLMRpm'),
    agentSaid(T0 + 4000, 'AJ_degraded', 'room-a', 'hello'),
    pyLine(T0 + 5000, 'INFO', 'process exiting', {
      reason: 'room disconnected',
      pid: 4011,
      job_id: 'AJ_degraded',
      room: 'room-a',
    }),
  ]);
  s.lines(healthy(T0 + 30_000, 'AJ_healthy', 'room-c'));
  s.tick(T0 + 60_000);
  return s;
}

let m: Mounted | undefined;
beforeEach(() => {
  location.hash = '#/';
});
afterEach(() => {
  m?.unmount();
  m = undefined;
});

const rows = () => all(document, 'session-row') as HTMLElement[];
const ids = () => rows().map((r) => r.dataset.session);

describe('the sessions list', () => {
  it('lists the sessions needing attention first: failed, silent, degraded, then healthy', async () => {
    const s = fourSessions();
    m = await mount(<App api={s.api} />);
    await waitFor(() => rows().length === 4);
    expect(rows().map((r) => r.dataset.verdict)).toEqual(['failed', 'silent', 'degraded', 'healthy']);
    expect(ids()).toEqual(['AJ_failed', 'AJ_silent', 'AJ_degraded', 'AJ_healthy']);
    // The cause in words, the room and the job are shown; a healthy session has no cause.
    const failed = rows()[0] as HTMLElement;
    expect(failed.querySelector('.c-cause')?.textContent).toMatch(/credits/i);
    expect(failed.querySelector('.c-room')?.textContent).toBe('room-a');
    expect(failed.querySelector('.c-job')?.textContent).toBe('AJ_failed');
    expect((rows()[3] as HTMLElement).querySelector('.c-cause')?.textContent).toBe('');
  });

  it('narrows by verdict, cause, room and search, and says how many it shows', async () => {
    const s = fourSessions();
    m = await mount(<App api={s.api} />);
    await waitFor(() => rows().length === 4);
    await setValue(one(document, 'filter-verdict'), 'silent');
    expect(ids()).toEqual(['AJ_silent']);
    expect(one(document, 'session-count')?.textContent).toBe('1 of 4');
    await setValue(one(document, 'filter-verdict'), '');
    await setValue(one(document, 'filter-room'), 'r:room-a');
    expect(ids()).toEqual(['AJ_failed', 'AJ_degraded']);
    await setValue(one(document, 'filter-cause'), 'credits_exhausted');
    expect(ids()).toEqual(['AJ_failed']);
    await setValue(one(document, 'filter-cause'), '');
    await setValue(one(document, 'filter-room'), '');
    await setValue(one(document, 'filter-search'), 'healthy');
    expect(ids()).toEqual(['AJ_healthy']);
    await setValue(one(document, 'filter-search'), 'no such thing');
    expect(rows()).toHaveLength(0);
    expect(one(document, 'sessions-empty')?.textContent).toMatch(/No session matches/);
  });

  it('walks with up and down and opens the active session with enter', async () => {
    const s = fourSessions();
    m = await mount(<App api={s.api} />);
    await waitFor(() => rows().length === 4);
    const list = one(document, 'session-list');
    const active = () => rows().find((r) => r.getAttribute('aria-selected') === 'true')?.dataset.session;
    expect(active()).toBe('AJ_failed');
    await key(list, 'ArrowDown');
    await key(list, 'ArrowDown');
    expect(active()).toBe('AJ_degraded');
    await key(list, 'ArrowUp');
    expect(active()).toBe('AJ_silent');
    expect(list?.getAttribute('aria-activedescendant')).toBe('session-1');
    await key(list, 'End');
    expect(active()).toBe('AJ_healthy');
    await key(list, 'ArrowDown'); // stays on the last
    expect(active()).toBe('AJ_healthy');
    await key(list, 'Home');
    await key(list, 'ArrowDown');
    await key(list, 'Enter');
    expect(location.hash).toBe('#/session/AJ_silent');
    await waitFor(() => one(document, 'session-view'));
    expect((one(document, 'session-view') as HTMLElement).dataset.session).toBe('AJ_silent');
    // The keyboard goes on from the session's heading, not from the page's body.
    await waitFor(() => one(document, 'session-title'));
    expect(document.activeElement).toBe(one(document, 'session-title'));
  });

  it('/ searches; escape goes back from a session to the list, with that session active', async () => {
    const s = fourSessions();
    m = await mount(<App api={s.api} />);
    await waitFor(() => rows().length === 4);
    await key(document.body, '/');
    expect(document.activeElement).toBe(one(document, 'filter-search'));
    await key(one(document, 'session-list'), 'ArrowDown');
    await key(one(document, 'session-list'), 'ArrowDown');
    await key(one(document, 'session-list'), 'Enter');
    await waitFor(() => one(document, 'session-view'));
    await key(document.body, 'Escape');
    await waitFor(() => rows().length === 4);
    expect(location.hash).toBe('#/');
    const active = rows().find((r) => r.getAttribute('aria-selected') === 'true');
    expect(active?.dataset.session).toBe('AJ_degraded');
    expect(document.activeElement).toBe(one(document, 'session-list'));
  });

  it('renders only the rows in view of a long list', async () => {
    const s = storeApi();
    for (let i = 0; i < 400; i++) s.lines(healthy(T0 + i * 20, `AJ_many${i}`, `room-${i}`, 1));
    m = await mount(<App api={s.api} />);
    await waitFor(() => rows().length > 0);
    expect(one(document, 'session-count')?.textContent).toBe('400 sessions');
    expect(rows().length).toBeLessThan(60);
  });

  it('says when deadair cannot be reached', async () => {
    const s = storeApi();
    const api = { ...s.api, request: () => Promise.reject(new Error('HTTP 403')) };
    m = await mount(<App api={api} />);
    await waitFor(() => one(document, 'error'));
    expect(one(document, 'error')?.textContent).toBe('Cannot reach deadair: HTTP 403');
    expect(rows()).toHaveLength(0);
  });

  it('without an API, says how to open the page', async () => {
    m = await mount(<App />);
    expect(one(document, 'not-connected')?.textContent).toMatch(/deadair watch --ui/);
  });

  it('shows the empty state, and a new session without a reload', async () => {
    const s = storeApi();
    m = await mount(<App api={s.api} />);
    await waitFor(() => one(document, 'sessions-empty'));
    expect(one(document, 'sessions-empty')?.textContent).toMatch(/No agent sessions yet/);
    s.lines(silent(T0, 'AJ_late', 'room-late'));
    await waitFor(() => rows().length === 1);
    expect(ids()).toEqual(['AJ_late']);
  });

  it('gives a live session one duration, to now, in the list and in its header', async () => {
    // Its last event 1 s after its start, two minutes ago: the list said "1.0 s", the header "2 min".
    const s = storeApi();
    s.lines(silent(T0, 'AJ_live', 'room-live'));
    m = await mount(<App api={s.api} />);
    await waitFor(() => rows().length === 1);
    const listed = rows()[0]?.querySelector('[data-testid="session-duration"]')?.textContent ?? '';
    expect(listed).toMatch(/^2 min \d+ s$/);
    await key(one(document, 'session-list'), 'Enter');
    const head = (await waitFor(() => one(document, 'session-view') && one(document, 'session-duration')))
      .textContent;
    expect(head).toMatch(/^2 min \d+ s$/);
    const secs = (t: string) => Number(/(\d+) s$/.exec(t)?.[1]);
    expect(Math.abs(secs(head ?? '') - secs(listed))).toBeLessThanOrEqual(2);
  });

  it('shows the room sid in the room column when the log named no room (agents-js), and filters by it', async () => {
    const base: SessionSummary = {
      id: 'AJ_js',
      pids: [],
      files: [],
      start: T0,
      end: T0 + 5000,
      turns: { agent: 1, user: 1, spoken: 1 },
      errors: 0,
      deadTurns: 0,
      verdict: 'healthy',
      causes: [],
      live: false,
    };
    const sessions = [
      { ...base, roomSid: 'RM_abc123' },
      { ...base, id: 'AJ_py', room: 'room-py', roomSid: 'RM_py' },
    ];
    m = await mount(<SessionList sessions={sessions} onOpen={() => undefined} />);
    const room = (id: string) =>
      rows()
        .find((r) => r.dataset.session === id)
        ?.querySelector('.c-room');
    expect(room('AJ_js')?.textContent).toBe('RM_abc123');
    expect(room('AJ_py')?.textContent).toBe('room-py');
    await setValue(one(document, 'filter-room'), 'r:RM_abc123');
    expect(ids()).toEqual(['AJ_js']);
    await setValue(one(document, 'filter-room'), '');
    await setValue(one(document, 'filter-search'), 'rm_abc');
    expect(ids()).toEqual(['AJ_js']);
  });
});
