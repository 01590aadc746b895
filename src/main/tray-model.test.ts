import { describe, expect, it } from 'vitest';
import type { Finding, SessionSummary, Verdict } from '../shared/types.js';
import {
  menuText,
  needingAttention,
  SNOOZE_MS,
  trayIcon,
  trayView,
  type MenuEntry,
  type TrayInput,
} from './tray-model.js';

const NOW = Date.UTC(2026, 11, 4, 15, 0, 0);

function session(id: string, verdict: Verdict, o: Partial<SessionSummary> = {}): SessionSummary {
  const causes: Finding[] =
    verdict === 'healthy'
      ? []
      : [
          {
            id: `${id}/x`,
            session: id,
            cause: verdict === 'silent' ? 'agent_silent' : 'credits_exhausted',
            severity: verdict === 'degraded' ? 'warning' : 'critical',
            component: 'llm',
            time: NOW - 1000,
            lastTime: NOW - 1000,
            count: 1,
            title: verdict === 'silent' ? 'Agent silent' : 'Out of inference credits',
            summary: '',
            remedy: '',
            evidence: [],
          },
        ];
  return {
    id,
    room: `room-${id}`,
    job: id,
    pids: [],
    files: [],
    start: NOW - 60_000,
    end: NOW - 1000,
    turns: { agent: 0, user: 0, spoken: 0 },
    errors: 0,
    deadTurns: 0,
    verdict,
    causes,
    live: false,
    ...o,
  };
}

const base = (o: Partial<TrayInput> = {}): TrayInput => ({
  sessions: [],
  paused: false,
  seenBefore: 0,
  openAtLogin: false,
  unconfigured: false,
  now: NOW,
  ...o,
});

const labels = (m: readonly MenuEntry[]) => m.map((e) => (e.kind === 'separator' ? '—' : e.label));
const find = (m: readonly MenuEntry[], label: string) =>
  m.find((e): e is Extract<MenuEntry, { kind: 'item' }> => e.kind === 'item' && e.label.startsWith(label));

describe('the tray', () => {
  it('is idle when every agent is healthy, with a template icon on macOS', () => {
    const v = trayView(base({ sessions: [session('a', 'healthy', { live: true })] }), 'linux');
    expect(v.state).toBe('idle');
    expect(v.icon).toBe('tray-idle.png');
    expect(v.tooltip).toBe('deadair — watching\nall agents healthy\n1 live session');
    expect(trayView(base(), 'darwin').icon).toBe('tray-idleTemplate.png');
    expect(v.title).toBe('');
  });

  it('turns failed for a failed or silent session, warning for a degraded one', () => {
    expect(trayView(base({ sessions: [session('d', 'degraded')] }), 'linux').state).toBe('warning');
    expect(
      trayView(base({ sessions: [session('d', 'degraded'), session('s', 'silent')] }), 'linux').state,
    ).toBe('failed');
    const v = trayView(base({ sessions: [session('f', 'failed')] }), 'darwin');
    expect(v).toMatchObject({ state: 'failed', icon: 'tray-failedTemplate.png', title: '1' });
    expect(v.tooltip).toContain('1 needs attention');
  });

  it('lists what needs attention worst first; a click opens the timeline at its finding', () => {
    const v = trayView(
      base({ sessions: [session('d', 'degraded'), session('ok', 'healthy'), session('f', 'failed')] }),
      'linux',
    );
    expect(labels(v.menu).slice(0, 4)).toEqual([
      '2 sessions need attention',
      expect.stringMatching(/^Out of inference credits — room-f · \d\d:\d\d$/),
      expect.stringMatching(/^Out of inference credits — room-d/),
      'Mark all as seen',
    ]);
    expect(v.menu[0]).toMatchObject({ enabled: false });
    expect(v.menu[1]).toMatchObject({
      enabled: true,
      action: { type: 'open', route: { view: 'session', session: 'f', finding: 'f/x' } },
    });
  });

  it('forgets sessions that ended before they were seen, but not live ones', () => {
    const old = session('old', 'failed', { end: NOW - 10_000 });
    const live = session('live', 'failed', { end: NOW - 10_000, live: true });
    expect(needingAttention([old, live], NOW - 5000).map((s) => s.id)).toEqual(['live']);
    expect(trayView(base({ sessions: [old], seenBefore: NOW }), 'linux').state).toBe('idle');
  });

  it('shows at most eight sessions, then one entry to the rest', () => {
    const many = Array.from({ length: 11 }, (_, k) => session(`s${k}`, 'failed'));
    const v = trayView(base({ sessions: many }), 'linux');
    const more = find(v.menu, 'and 3 more');
    expect(more?.action).toEqual({ type: 'open', route: { view: 'sessions' } });
    expect(labels(v.menu).filter((l) => l.startsWith('Out of inference credits'))).toHaveLength(8);
  });

  it('pauses and snoozes: the paused icon wins, and the menu offers to resume', () => {
    const failing = [session('f', 'failed')];
    const paused = trayView(base({ sessions: failing, paused: true }), 'linux');
    expect(paused.state).toBe('paused');
    expect(paused.tooltip.split('\n')[0]).toBe('deadair — alerts paused');
    expect(find(paused.menu, 'Resume alerts')?.action).toEqual({ type: 'resume' });
    expect(find(paused.menu, 'Pause alerts')).toBeUndefined();

    const snoozed = trayView(base({ sessions: failing, snoozedUntil: NOW + SNOOZE_MS }), 'darwin');
    expect(snoozed).toMatchObject({ state: 'paused', icon: 'tray-pausedTemplate.png', title: '' });
    expect(find(snoozed.menu, 'Snoozed until')?.enabled).toBe(false);

    const over = trayView(base({ sessions: failing, snoozedUntil: NOW - 1 }), 'linux');
    expect(over.state).toBe('failed');
    expect(find(over.menu, 'Snooze for 1 hour')?.action).toEqual({ type: 'snooze', ms: SNOOZE_MS });
  });

  it('is offline when rooms cannot be observed, and says why', () => {
    const v = trayView(base({ offline: 'LiveKit unreachable at ws://localhost:7880' }), 'linux');
    expect(v.state).toBe('offline');
    expect(v.tooltip).toContain('rooms offline: LiveKit unreachable');
    expect(labels(v.menu)[0]).toBe('Rooms offline: LiveKit unreachable at ws://localhost:7880');
  });

  it('never says all is healthy while a log cannot be read, and lists what it cannot read and noticed', () => {
    const problems = [
      'cannot read /var/log/agent.log: permission denied',
      '/home/me/agent.log: not there yet — waiting for it to appear',
    ];
    const notes = [
      "agent.log: its local times are 1 h behind this machine's clock (the agent runs in another time zone): each is read 1 h later, so that silences are timed right",
    ];
    const v = trayView(base({ problems, notes }), 'linux');
    expect(v.state).toBe('warning');
    expect(v.tooltip).toBe('deadair — watching\n2 logs cannot be read');
    expect(labels(v.menu).slice(0, 8)).toEqual([
      'Nothing needs attention in the logs it can read',
      '—',
      'Cannot read 2 logs:',
      problems[0],
      problems[1],
      '—',
      `${notes[0]!.slice(0, 89)}…`,
      '—',
    ]);
    // Said, not clickable.
    expect(find(v.menu, 'cannot read /var/log')?.enabled).toBe(false);
    // A failed session still comes first, and the state stays failed.
    const failed = trayView(base({ problems, sessions: [session('s1', 'failed')] }), 'linux');
    expect(failed.state).toBe('failed');
    expect(failed.tooltip).toContain('1 needs attention\n2 logs cannot be read');
    // Many: four, then how many more.
    const many = trayView(base({ problems: ['a', 'b', 'c', 'd', 'e', 'f'] }), 'linux');
    expect(labels(many.menu).slice(2, 8)).toEqual(['Cannot read 6 logs:', 'a', 'b', 'c', 'd', 'and 2 more']);
  });

  it('offers setup and the demo first when nothing is watched yet', () => {
    const v = trayView(base({ unconfigured: true }), 'linux');
    expect(labels(v.menu).slice(0, 2)).toEqual(['Set up deadair…', 'Try the demo (no agent needed)']);
    expect(v.tooltip).toBe('deadair — nothing watched yet: open Settings');
  });

  it('toggles start at login where Electron has login items, and ends with Quit', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const on = trayView(base({ openAtLogin: true }), platform);
      expect(find(on.menu, 'Start at login')).toMatchObject({
        checked: true,
        action: { type: 'login', on: false },
      });
      expect(find(trayView(base(), platform).menu, 'Start at login')?.action).toEqual({
        type: 'login',
        on: true,
      });
      expect(on.menu.at(-1)).toMatchObject({ label: 'Quit deadair', action: { type: 'quit' } });
    }
  });

  it('offers no start at login on Linux, where Electron cannot do it', () => {
    const v = trayView(base(), 'linux');
    expect(find(v.menu, 'Start at login')).toBeUndefined();
    expect(v.menu.at(-1)).toMatchObject({ label: 'Quit deadair', action: { type: 'quit' } });
  });

  it('shows names from logs and rooms as plain one-line text', () => {
    expect(menuText('R&D\nroom\u202e\x1b[31m')).toBe('R&&D room [31m');
    expect(menuText('x'.repeat(100), 10)).toBe('xxxxxxxxx…');
    const v = trayView(base({ sessions: [session('f', 'failed', { room: 'a&b\nc' })] }), 'linux');
    expect(labels(v.menu)[1]).toMatch(/^Out of inference credits — a&&b c · /);
  });
});

describe('tray icons', () => {
  it('exist for every state, platform and scale, each state drawn differently', async () => {
    const { existsSync, readFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const dir = fileURLToPath(new URL('../../resources/icons/', import.meta.url));
    const states = ['idle', 'warning', 'failed', 'paused', 'offline'] as const;
    const seen = new Set<string>();
    for (const state of states)
      for (const platform of ['linux', 'darwin'] as const) {
        const icon = trayIcon(state, platform);
        for (const f of [icon, icon.replace('.png', '@2x.png')]) expect(existsSync(dir + f), f).toBe(true);
        // Templates are black and white: the states must differ by shape.
        seen.add(readFileSync(dir + icon).toString('base64'));
      }
    expect(seen.size).toBe(states.length * 2);
  });
});
