// One session's view against a real session store: the lanes, the ghosts of what did not happen,
// the latency bars, the inspector, the deep links, live appends and the connection's state.
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { timelineHash } from '../shared/links.js';
import { all, click, key, mount, one, settle, waitFor, type Mounted } from '../../test/support/render.js';
import { storeApi } from '../../test/support/ui-api.js';
import {
  agentSaid,
  credits,
  healthy,
  pyLine,
  silent,
  start,
  state,
  userSaid,
} from '../../test/support/ui-scenarios.js';
import { App } from './App.js';
import { revealScroll } from './SessionView.js';

let m: Mounted | undefined;
afterEach(() => {
  m?.unmount();
  m = undefined;
  location.hash = '#/';
});

const open = async (api: Parameters<typeof App>[0]['api'], hash: string) => {
  location.hash = hash;
  m = await mount(<App api={api} width={1000} />);
  await waitFor(() => one(document, 'session-view'));
  await waitFor(() => all(document, 'lane').length > 0 && !one(document, 'events-loading'));
};

const events = (lane?: string) =>
  (all(document, 'event') as SVGElement[]).filter((e) => lane === undefined || e.dataset.lane === lane);

describe('the lanes', () => {
  it('puts each event in its lane on one axis: speech, state, LLM errors and quota, findings, the close', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(credits(T0, 'AJ_c', 'room-c'));
    s.tick(T0 + 10_000);
    await open(s.api, '#/session/AJ_c');
    expect(all(document, 'lane').map((l) => (l as SVGElement).dataset.lane)).toEqual([
      'user',
      'agent',
      'state',
      'llm',
      'stt',
      'tts',
      'quota',
      'findings',
      'session',
    ]);
    expect(events('user').map((e) => e.dataset.kind)).toEqual(['user_turn_end']);
    // Three quota retries: in the LLM lane and in the quota lane; the close in the session lane.
    expect(events('llm').map((e) => e.dataset.kind)).toEqual(['error', 'error', 'error']);
    expect(events('quota')).toHaveLength(3);
    expect(events('session').map((e) => e.dataset.kind)).toEqual([
      'job_request',
      'session_start',
      'session_close',
    ]);
    expect(all(document, 'close-line')).toHaveLength(1);
    const states = all(document, 'state-segment') as SVGElement[];
    expect(states.map((x) => x.dataset.state)).toEqual(['thinking']);
    const findings = (all(document, 'finding-bar') as SVGElement[]).map((f) => f.dataset.cause);
    expect(findings[0]).toBe('credits_exhausted');
    expect(findings).toContain('closed_with_error');
    // Markers sit at their time: the first error left of the close.
    const x = (e: SVGElement) => Number(e.getAttribute('x'));
    const [first] = events('llm');
    const close = events('session').find((e) => e.dataset.kind === 'session_close');
    expect(x(first as SVGElement)).toBeLessThan(x(close as SVGElement));
  });

  it('zooms with the buttons, and fits again', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(credits(T0, 'AJ_z', 'room-z'));
    await open(s.api, '#/session/AJ_z');
    const lanes = one(document, 'lanes') as SVGElement;
    const span = () => Number(lanes.dataset.to) - Number(lanes.dataset.from);
    const before = span();
    await click(one(document, 'zoom-in'));
    expect(span()).toBeCloseTo(before / 2, 0);
    await click(one(document, 'zoom-out'));
    await click(one(document, 'zoom-out'));
    expect(span()).toBeCloseTo(before * 2, 0);
    await click(one(document, 'zoom-fit'));
    expect(span()).toBeCloseTo(before, 0);
  });
});

describe('the ghosts of what did not happen', () => {
  it('draws a reply that never came from the turn’s end to the deadline, still growing while the session is live', async () => {
    const T0 = Date.now() - 30_000;
    const s = storeApi();
    s.lines(silent(T0, 'AJ_s', 'room-s'));
    s.tick(T0 + 10_000);
    await open(s.api, '#/session/AJ_s');
    const ghost = (await waitFor(() => one(document, 'ghost-reply'))) as SVGElement;
    expect(Number(ghost.dataset.from)).toBe(T0 + 1000);
    expect(Number(ghost.dataset.deadline)).toBe(T0 + 1000 + 8000);
    expect(ghost.dataset.waiting).toBe('true');
    // Past its 8 s deadline and still waiting: it reaches now.
    expect(Number(ghost.dataset.to)).toBeGreaterThanOrEqual(Date.now() - 2000);
    // And the thinking that never ended.
    const thinking = one(document, 'ghost-thinking') as SVGElement;
    expect(Number(thinking.dataset.from)).toBe(T0 + 1020);
  });

  it('stops a closed session’s ghost at its close, and draws the retry storm before the close', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(credits(T0, 'AJ_c', 'room-c'));
    s.tick(T0 + 20_000);
    await open(s.api, '#/session/AJ_c');
    const ghost = (await waitFor(() => one(document, 'ghost-reply'))) as SVGElement;
    expect(ghost.dataset.waiting).toBe('false');
    // Its deadline (8 s after the turn) is past the close (at 5.4 s): it stops at the close.
    expect(Number(ghost.dataset.deadline)).toBe(T0 + 1000 + 8000);
    expect(Number(ghost.dataset.to)).toBe(T0 + 5400);
    expect(ghost.querySelector('line.deadline')).toBeNull();
    const storm = one(document, 'ghost-retry-storm') as SVGElement;
    expect(Number(storm.dataset.from)).toBe(T0 + 1100);
    expect(Number(storm.dataset.to)).toBe(T0 + 5400);
    expect(storm.textContent).toContain('3 errors, then closed');
  });

  it('draws no ghost for a session whose turns were all answered', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(healthy(T0, 'AJ_h', 'room-h'));
    s.tick(T0 + 30_000);
    await open(s.api, '#/session/AJ_h');
    await waitFor(() => all(document, 'event').length > 0);
    expect(all(document, 'ghost-reply')).toHaveLength(0);
    expect(all(document, 'ghost-thinking')).toHaveLength(0);
    expect(all(document, 'ghost-retry-storm')).toHaveLength(0);
  });
});

describe('the keyboard in the lanes', () => {
  it('reaches the ghosts and the finding bars with Tab and presses them with Enter or Space', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(credits(T0, 'AJ_c', 'room-c'));
    s.tick(T0 + 20_000);
    await open(s.api, '#/session/AJ_c');
    const ghost = (await waitFor(() => one(document, 'ghost-reply'))) as SVGElement;
    expect(ghost.getAttribute('tabindex')).toBe('0');
    await key(ghost, 'Enter');
    await waitFor(() => location.hash.startsWith('#/session/AJ_c/event/'));
    expect(one(document, 'inspector')?.textContent).toContain('user turn end');
    const bar = (all(document, 'finding-bar') as SVGElement[]).find(
      (b) => b.dataset.cause === 'credits_exhausted',
    ) as SVGElement;
    expect(bar.getAttribute('tabindex')).toBe('0');
    await key(bar, ' ');
    expect(one(document, 'inspector-finding')?.getAttribute('data-finding')).toBe('AJ_c/credits_exhausted');
    // A marker is not a button nobody can press: the events list is the keyboard's way to them.
    expect(events()[0]?.getAttribute('role')).toBeNull();
    expect(all(document, 'state-segment')[0]?.getAttribute('role')).toBeNull();
  });
});

describe('the header', () => {
  it('says “user turns not logged” for an ended session from a log with no user turn records, as the CLI does', async () => {
    const T0 = Date.now() - 60_000;
    const ended = (t: number, job: string, room: string) => [
      ...start(t, job, room),
      agentSaid(t + 500, job, room, 'Hello, how can I help?'),
      pyLine(t + 3000, 'INFO', 'process exiting', {
        reason: 'room disconnected',
        pid: 4000 + job.length,
        job_id: job,
        room,
      }),
    ];
    const s = storeApi();
    s.lines(ended(T0, 'AJ_b', 'room-b'));
    await open(s.api, '#/session/AJ_b');
    await waitFor(() => one(document, 'session-head-meta')?.textContent?.includes('user turns not logged'));
    m?.unmount();
    // Another session of the same log recorded a user turn: the first had none.
    s.lines([...start(T0 + 10_000, 'AJ_u', 'room-u'), userSaid(T0 + 11_000, 'AJ_u', 'room-u', 'hi')]);
    await open(s.api, '#/session/AJ_b');
    // Once the other sessions are in (asked for again by this view).
    await waitFor(() => s.calls.filter((c) => c === 'sessions.list').length >= 2);
    await settle(50);
    expect(one(document, 'session-head-meta')?.textContent).toContain('0 user turns');
  });
});

describe('the latency bars', () => {
  it('stacks each turn’s end of utterance, transcription, LLM TTFT and TTS TTFB, with the session’s p50 and p95', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(healthy(T0, 'AJ_h', 'room-h', 3));
    await open(s.api, '#/session/AJ_h');
    const rows = (await waitFor(
      () => all(document, 'latency-row').length === 3 && all(document, 'latency-row'),
    )) as HTMLElement[];
    const segs = (r: HTMLElement) =>
      [...r.querySelectorAll<HTMLElement>('[data-testid="latency-segment"]')].map((x) => [
        x.dataset.field,
        Number(x.dataset.ms),
      ]);
    expect(segs(rows[0] as HTMLElement)).toEqual([
      ['eouDelayMs', 300],
      ['transcriptionDelayMs', 200],
      ['ttftMs', 400],
      ['ttfbMs', 200],
    ]);
    expect(segs(rows[2] as HTMLElement)).toEqual([
      ['eouDelayMs', 500],
      ['transcriptionDelayMs', 200],
      ['ttftMs', 800],
      ['ttfbMs', 200],
    ]);
    // Widths are proportional: the slowest turn's LLM part is twice its first's.
    const w = (r: HTMLElement, f: string) =>
      parseFloat(r.querySelector<HTMLElement>(`[data-field="${f}"]`)?.style.width ?? '');
    expect(w(rows[2] as HTMLElement, 'ttftMs') / w(rows[0] as HTMLElement, 'ttftMs')).toBeCloseTo(2, 5);
    expect(one(document, 'p50-ttftMs')?.textContent).toMatch(/p50 600 ms · p95 (780|800) ms/);
    expect(all(document, 'latency-p50')).toHaveLength(3);
    expect(all(document, 'latency-p95')).toHaveLength(3);
  });

  it('says so when a session logged no metrics', async () => {
    const s = storeApi();
    s.lines(silent(Date.now() - 20_000, 'AJ_s', 'room-s'));
    await open(s.api, '#/session/AJ_s');
    expect(one(document, 'latency')?.textContent).toMatch(/No metrics records/);
  });
});

describe('the inspector', () => {
  it('shows a clicked quota error’s line verbatim with file:line, its decoded fields and the finding’s remedy; copies the line', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    const lines = credits(T0, 'AJ_c', 'room-c');
    s.lines(lines);
    s.tick(T0 + 20_000);
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: (t: string) => (copied.push(t), Promise.resolve()) },
    });
    await open(s.api, '#/session/AJ_c');
    const first = events('quota')[0];
    await click(first);
    const pre = await waitFor(() => {
      const p = one(document, 'inspector-evidence');
      return p && p.textContent !== '…' && p;
    });
    expect(pre.textContent).toBe(lines[4]); // the first quota retry, as written
    expect(one(document, 'inspector-where')?.textContent).toBe(`${s.file}:5`);
    const fields = Object.fromEntries(
      [...document.querySelectorAll('[data-testid="inspector-fields"] .field')].map((f) => [
        f.querySelector('dt')?.textContent,
        f.querySelector('dd')?.textContent,
      ]),
    );
    expect(fields).toMatchObject({
      component: 'llm',
      status: '429',
      'request id': 'req_1',
      'quota type': 'llm',
      category: 'MaxGatewayCredits',
      terminal: 'yes: the session closes',
      retryable: 'no',
    });
    expect(one(document, 'inspector-finding')?.getAttribute('data-finding')).toBe('AJ_c/credits_exhausted');
    expect(one(document, 'inspector-remedy')?.textContent).toMatch(/credits/i);
    await click(one(document, 'copy-line-0'));
    await settle();
    expect(copied).toEqual([lines[4]]);
    // The selection is in the address: the same link opens the same moment.
    expect(location.hash).toBe(
      timelineHash({ view: 'session', session: 'AJ_c', event: first?.dataset.event ?? '' }),
    );
  });

  it('shows a clicked finding’s explanation, remedy and evidence', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(silent(T0, 'AJ_s', 'room-s'));
    s.tick(T0 + 10_000);
    await open(s.api, '#/session/AJ_s');
    const bar = (all(document, 'finding-bar') as SVGElement[]).find(
      (b) => b.dataset.cause === 'agent_silent',
    );
    await click(bar);
    expect(one(document, 'inspector-finding')?.getAttribute('data-finding')).toBe('AJ_s/agent_silent');
    expect(one(document, 'inspector-summary')?.textContent).toMatch(/never answered/);
    expect(one(document, 'inspector-remedy')?.textContent?.length).toBeGreaterThan(10);
    expect(all(document, 'inspector-evidence').map((e) => e.textContent)).toContain(
      silent(T0, 'AJ_s', 'room-s')[2],
    );
  });
});

describe('a metrics record', () => {
  it('shows what it measured, and zooming keeps it in view', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(healthy(T0, 'AJ_h', 'room-h', 3));
    await open(s.api, '#/session/AJ_h');
    const row = await waitFor(() =>
      (all(document, 'event-row') as HTMLElement[]).find((r) => r.textContent?.includes('EOU metrics')),
    );
    await click(row);
    const field = (k: string) =>
      document.querySelector(`[data-testid="inspector-fields"] [data-field="${k}"] dd`)?.textContent;
    expect(field('end of utterance')).toBe('300 ms');
    expect(field('transcription')).toBe('200 ms');
    expect(field('speech id')).toBe('speech_1');
    const lanes = one(document, 'lanes') as SVGElement;
    const t = T0 + 1010;
    for (let i = 0; i < 6; i++) await click(one(document, 'zoom-in'));
    expect(Number(lanes.dataset.to) - Number(lanes.dataset.from)).toBeLessThan(2000);
    expect(Number(lanes.dataset.from)).toBeLessThanOrEqual(t);
    expect(Number(lanes.dataset.to)).toBeGreaterThanOrEqual(t);
  });
});

describe('an opened selection at a narrow width', () => {
  it('scrolls just enough to show what the inspector says, never past its head', () => {
    // On screen already: nothing moves.
    expect(revealScroll(500, 650, 700)).toBe(0);
    // The remedy ends 120 px below the fold: up by that (and a margin).
    expect(revealScroll(600, 820, 700)).toBe(132);
    // Far below: up to the inspector's head, not past it.
    expect(revealScroll(900, 2000, 700)).toBe(892);
  });
});

describe('deep links', () => {
  it('#/session/<id>/event/<id> opens zoomed to that event, selected', async () => {
    const T0 = Date.now() - 600_000;
    const s = storeApi();
    // A long session: the event's moment is a small part of it.
    const lines = [...healthy(T0, 'AJ_long', 'room-l', 1)];
    for (let i = 1; i < 80; i++)
      lines.push(state(T0 + i * 5000, 'AJ_long', 'room-l', i % 2 ? 'listening' : 'thinking'));
    lines.push(userSaid(T0 + 400_000, 'AJ_long', 'room-l', 'the moment'));
    s.lines(lines);
    const target = s.store.events('AJ_long', { from: T0 + 400_000, limit: 1 }).events[0];
    expect(target?.kind).toBe('user_turn_end');
    await open(s.api, timelineHash({ view: 'session', session: 'AJ_long', event: target?.id ?? '' }));
    const lanes = one(document, 'lanes') as SVGElement;
    await waitFor(() => Number(lanes.dataset.to) - Number(lanes.dataset.from) <= 30_001);
    expect(Number(lanes.dataset.from)).toBeLessThan(T0 + 400_000);
    expect(Number(lanes.dataset.to)).toBeGreaterThan(T0 + 400_000);
    const marker = await waitFor(() => events('user').find((e) => e.dataset.event === target?.id));
    expect(marker.getAttribute('class')).toContain('selected');
    await waitFor(() => one(document, 'inspector-evidence')?.textContent === lines[lines.length - 1]);
    const row = one(document, 'event-list')?.querySelector('[aria-selected="true"]') as HTMLElement;
    expect(row.dataset.event).toBe(target?.id);
  });

  it('#/session/<id>/finding/<id> opens at the finding with it selected', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(credits(T0, 'AJ_c', 'room-c'));
    s.tick(T0 + 20_000);
    await open(s.api, timelineHash({ view: 'session', session: 'AJ_c', finding: 'AJ_c/credits_exhausted' }));
    await waitFor(() => one(document, 'inspector-finding'));
    expect(one(document, 'inspector-finding')?.getAttribute('data-finding')).toBe('AJ_c/credits_exhausted');
    const bar = (all(document, 'finding-bar') as SVGElement[]).find(
      (b) => b.dataset.cause === 'credits_exhausted',
    );
    expect(bar?.getAttribute('class')).toContain('selected');
    const lanes = one(document, 'lanes') as SVGElement;
    expect(Number(lanes.dataset.from)).toBeLessThan(T0 + 1100);
    expect(all(document, 'inspector-evidence').length).toBeGreaterThan(0);
  });

  it('a link to a finding or an event the session does not hold says so, and shows the whole session', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(credits(T0, 'AJ_c', 'room-c'));
    s.tick(T0 + 20_000);
    await open(s.api, timelineHash({ view: 'session', session: 'AJ_c', finding: 'AJ_c/agent_silent' }));
    const note = await waitFor(() => one(document, 'link-gone'));
    expect(note.textContent).toContain('a finding this session does not hold');
    expect(one(document, 'inspector-finding')).toBeFalsy();
    m?.unmount();
    await open(s.api, timelineHash({ view: 'session', session: 'AJ_c', event: 'no-such-event' }));
    await waitFor(() => one(document, 'link-gone')?.textContent?.includes('an event') === true);
    // A link that is found says nothing.
    m?.unmount();
    await open(s.api, timelineHash({ view: 'session', session: 'AJ_c', finding: 'AJ_c/credits_exhausted' }));
    await waitFor(() => one(document, 'inspector-finding'));
    expect(one(document, 'link-gone')).toBeFalsy();
  });

  it('a silence’s link opens from the unanswered turn to the finding, its ghost’s label in view', async () => {
    // A short session (the view at least 30 s wide would hold the turn anyway): the user speaks
    // at 1 s, the agent never answers, agent_silent at 9 s, the user hangs up at 12 s.
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(silent(T0, 'AJ_q', 'room-q'));
    s.tick(T0 + 9500);
    s.lines([
      pyLine(T0 + 12_000, 'DEBUG', 'session closed', {
        pid: 4004,
        job_id: 'AJ_q',
        room: 'room-q',
        reason: 'user_initiated',
        error: null,
      }),
    ]);
    const f = s.store.session('AJ_q')?.causes.find((c) => c.cause === 'agent_silent');
    expect(f?.time).toBe(T0 + 9000);
    await open(s.api, timelineHash({ view: 'session', session: 'AJ_q', finding: 'AJ_q/agent_silent' }));
    const lanes = one(document, 'lanes') as SVGElement;
    expect(Number(lanes.dataset.from)).toBeLessThan(T0 + 1000);
    expect(Number(lanes.dataset.to)).toBeGreaterThan(T0 + 9000);
    // The turn is among the events listed, and the ghost's label starts inside the lanes.
    await waitFor(() => events('user').length === 1);
    expect(one(document, 'event-list')?.textContent).toContain('hello, anyone there?');
    const label = (await waitFor(() => one(document, 'ghost-reply')))?.querySelector('text');
    expect(Number(label?.getAttribute('x'))).toBeGreaterThan(0);
  });

  it('closing the selection (Escape, ×) takes it out of the address too', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(credits(T0, 'AJ_c', 'room-c'));
    s.tick(T0 + 20_000);
    const finding = timelineHash({ view: 'session', session: 'AJ_c', finding: 'AJ_c/credits_exhausted' });
    await open(s.api, finding);
    await waitFor(() => one(document, 'inspector-finding'));
    expect(location.hash).toBe(finding);
    await key(document.body, 'Escape');
    expect(one(document, 'inspector-finding')).toBeNull();
    expect(location.hash).toBe('#/session/AJ_c');
    // An event selected, then closed with ×.
    await click(events('llm')[0]);
    await waitFor(() => location.hash.startsWith('#/session/AJ_c/event/'));
    await click(document.querySelector('[aria-label="close inspector"]'));
    expect(location.hash).toBe('#/session/AJ_c');
    expect(one(document, 'session-view')).not.toBeNull();
  });

  it('offers to open an evidence line in the editor the host knows, and only then', async () => {
    const T0 = Date.now() - 60_000;
    for (const editor of ['vscode', undefined] as const) {
      const s = storeApi({ editor });
      s.lines(credits(T0, 'AJ_e', 'room-e'));
      s.tick(T0 + 20_000);
      await open(
        s.api,
        timelineHash({ view: 'session', session: 'AJ_e', finding: 'AJ_e/credits_exhausted' }),
      );
      await waitFor(() => one(document, 'inspector-finding'));
      await settle();
      const link = one(document, 'open-in-editor-1') as HTMLAnchorElement | null;
      if (editor) {
        expect(link?.textContent).toBe('open in VS Code');
        expect(link?.getAttribute('href')).toMatch(new RegExp(`^vscode://file${s.file}:\\d+$`));
      } else expect(link).toBeNull();
      m?.unmount();
      m = undefined;
    }
  });

  it('an unknown session says so; the back button returns to the list', async () => {
    const s = storeApi();
    s.lines(silent(Date.now() - 20_000, 'AJ_s', 'room-s'));
    location.hash = '#/session/AJ_gone';
    m = await mount(<App api={s.api} width={1000} />);
    await waitFor(() => one(document, 'session-missing'));
    await click(one(document, 'back'));
    await waitFor(() => all(document, 'session-row').length === 1);
    expect(location.hash).toBe('#/');
  });
});

describe('live', () => {
  it('appends new events in batches without reloading the window, and follows live', async () => {
    const T0 = Date.now() - 20_000;
    const s = storeApi();
    s.lines(silent(T0, 'AJ_s', 'room-s'));
    await open(s.api, '#/session/AJ_s');
    expect((one(document, 'follow-live') as HTMLInputElement).checked).toBe(true);
    await waitFor(() => events('user').length === 1);
    const asked = s.calls.filter((c) => c === 'session.events').length;
    const now = Date.now();
    for (let i = 0; i < 50; i++)
      s.lines([state(now - 500 + i, 'AJ_s', 'room-s', i % 2 ? 'listening' : 'thinking')]);
    s.lines([userSaid(now, 'AJ_s', 'room-s', 'still there?')]);
    await waitFor(() => events('user').length === 2);
    expect(all(document, 'state-segment').length).toBeGreaterThanOrEqual(50);
    // The 51 events came from the subscription, not from asking for the window again.
    expect(s.calls.filter((c) => c === 'session.events').length).toBe(asked);
  });

  it('marks a finding an alert is raised for while the page is open', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(credits(T0, 'AJ_c', 'room-c'));
    await open(s.api, '#/session/AJ_c');
    await waitFor(() => all(document, 'finding-bar').length > 0);
    expect(all(document, 'alert-marker')).toHaveLength(0);
    await act(async () =>
      s.alert({
        id: 'a1',
        session: 'AJ_c',
        finding: 'AJ_c/credits_exhausted',
        title: 'Out of credits',
        body: '',
      }),
    );
    await act(async () =>
      s.alert({ id: 'a2', session: 'AJ_other', finding: 'AJ_other/x', title: 'x', body: '' }),
    );
    expect(all(document, 'alert-marker').map((e) => (e as SVGElement).dataset.finding)).toEqual([
      'AJ_c/credits_exhausted',
    ]);
  });

  it('says when the connection is down, and clears it when it is back', async () => {
    const s = storeApi();
    s.lines(silent(Date.now() - 20_000, 'AJ_s', 'room-s'));
    await open(s.api, '#/session/AJ_s');
    expect(one(document, 'disconnected')).toBeNull();
    await act(async () => s.setConnected(false));
    expect(one(document, 'disconnected')?.textContent).toMatch(/Reconnecting/);
    expect((one(document, 'connection') as HTMLElement).dataset.up).toBe('false');
    await act(async () => s.setConnected(true));
    expect(one(document, 'disconnected')).toBeNull();
  });
});

describe('a long session', () => {
  it('holds a window of events, not the session: past the cap each lane is drawn from counts until zoomed in', async () => {
    const T0 = Date.now() - 3_600_000;
    const s = storeApi();
    const lines: string[] = [];
    // 24 000 state changes, one every 100 ms, then the session is quiet.
    for (let i = 0; i < 24_000; i++)
      lines.push(
        state(T0 + i * 100, 'AJ_long', 'room-l', ['listening', 'thinking', 'speaking'][i % 3] as string),
      );
    s.lines(lines);
    await open(s.api, '#/session/AJ_long');
    await waitFor(() => one(document, 'density-note'));
    expect(one(document, 'density-note')?.textContent).toMatch(/zoom in to see each/);
    // Drawn as counts per slice: no marker per event, a bounded DOM.
    expect(all(document, 'lane-density').length).toBeGreaterThan(0);
    expect(all(document, 'state-segment').length).toBe(0);
    expect(document.querySelectorAll('*').length).toBeLessThan(5000);
    // The events list holds at most the window, and renders a screenful of it.
    expect(Number.parseInt(one(document, 'events-count')?.textContent ?? '', 10)).toBeLessThanOrEqual(15_000);
    expect(all(document, 'event-row').length).toBeLessThan(80);
    // Zoomed in far enough, each event is drawn again.
    for (let i = 0; i < 8; i++) await click(one(document, 'zoom-in'));
    await waitFor(() => !one(document, 'density-note') && all(document, 'state-segment').length > 0);
    expect(all(document, 'state-segment').length).toBeLessThan(200);
  });
});

describe('the wheel', () => {
  it('zooms at the pointer with ctrl held, pans with shift, and leaves a plain wheel to the page', async () => {
    const T0 = Date.now() - 60_000;
    const s = storeApi();
    s.lines(credits(T0, 'AJ_w', 'room-w'));
    await open(s.api, '#/session/AJ_w');
    const lanes = one(document, 'lanes') as SVGElement;
    const view = () => [Number(lanes.dataset.from), Number(lanes.dataset.to)] as const;
    const wheel = async (o: WheelEventInit) => {
      const e = new WheelEvent('wheel', { bubbles: true, cancelable: true, clientX: 0, ...o });
      await act(async () => lanes.dispatchEvent(e));
      return e.defaultPrevented;
    };
    const [a, b] = view();
    expect(await wheel({ deltaY: 100 })).toBe(false);
    expect(view()).toEqual([a, b]);
    // At the left edge (clientX 0 in jsdom's layout), zooming in keeps the left edge.
    expect(await wheel({ deltaY: -200, ctrlKey: true })).toBe(true);
    const [c, d] = view();
    expect(c).toBeCloseTo(a, 0);
    expect(d - c).toBeLessThan(b - a);
    expect(await wheel({ deltaY: 100, shiftKey: true })).toBe(true);
    const [e2, f] = view();
    expect(e2).toBeGreaterThan(c);
    expect(f - e2).toBeCloseTo(d - c, 0);
  });
});

describe('gaps and forgotten events', () => {
  it('draws a stretch with no output as a gap, across the lanes', async () => {
    const T0 = Date.now() - 300_000;
    const s = storeApi();
    s.lines([...healthy(T0, 'AJ_g', 'room-g', 1), userSaid(T0 + 120_000, 'AJ_g', 'room-g', 'hello again')]);
    await open(s.api, '#/session/AJ_g');
    const gap = (await waitFor(() => one(document, 'gap'))) as SVGElement;
    expect(gap.dataset.why).toBe('no output');
    expect(gap.textContent).toMatch(/no output 1 min/);
  });

  it('says so when the store holds only a session’s summary', async () => {
    const s = storeApi();
    s.lines(credits(Date.now() - 60_000, 'AJ_old', 'room-o'));
    const summary = s.store.session('AJ_old');
    if (summary) s.store.retire([summary]);
    await open(s.api, '#/session/AJ_old');
    await waitFor(() => one(document, 'events-gone'));
    // Its findings are still drawn from the summary.
    expect(all(document, 'finding-bar').length).toBeGreaterThan(0);
    expect(all(document, 'event')).toHaveLength(0);
  });
});
