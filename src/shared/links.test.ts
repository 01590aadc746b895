// Deep links: what the CLI prints is what the page routes by.
import { describe, expect, it } from 'vitest';
import { parseTimelineHash, timelineHash, timelineLink, type TimelineRoute } from './links.js';

describe('timeline links', () => {
  it('round-trips sessions, events and findings, ids with / and : included', () => {
    const routes: TimelineRoute[] = [
      { view: 'sessions' },
      { view: 'session', session: 'AJ_x1' },
      { view: 'session', session: 'AJ_x1', event: '3f2a9c01de:12345' },
      { view: 'session', session: 'pid 7 /var/log/a b.log', finding: 'pid 7 /var/log/a b.log/agent_silent' },
    ];
    for (const r of routes) expect(parseTimelineHash(timelineHash(r))).toEqual(r);
    expect(timelineHash({ view: 'session', session: 'AJ_x', finding: 'AJ_x/credits_exhausted' })).toBe(
      '#/session/AJ_x/finding/AJ_x%2Fcredits_exhausted',
    );
  });

  it('builds a full link from the URL the server printed, replacing any hash', () => {
    const base = 'http://127.0.0.1:4000/?k=abc#/session/old';
    expect(timelineLink(base, { view: 'session', session: 'AJ_y', event: 'e:1' })).toBe(
      'http://127.0.0.1:4000/?k=abc#/session/AJ_y/event/e%3A1',
    );
  });

  it('names the tray app’s settings', () => {
    expect(timelineHash({ view: 'settings' })).toBe('#/settings');
    expect(parseTimelineHash('#/settings')).toEqual({ view: 'settings' });
  });

  it('reads anything unknown or malformed as the sessions list', () => {
    for (const h of ['', '#', '#/', '#/nope', '#/session/', '#/session/%E0%A4%A', '#/settings/x'])
      expect(parseTimelineHash(h)).toEqual({ view: 'sessions' });
    expect(parseTimelineHash('#/session/AJ_z/other/x')).toEqual({ view: 'session', session: 'AJ_z' });
  });
});
