// Exports and the timeline's new requests, answered from a real store: JSONL with each event's
// evidence, an HTML report with every untrusted text escaped and nothing that runs, counts per lane.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeApi } from '../../test/support/ui-api.js';
import { credits, healthy } from '../../test/support/ui-scenarios.js';
import { answer, ApiError } from './api.js';
import { stripAnsi } from './logs/lines.js';
import { escapeHtml } from './report.js';

const T0 = Date.UTC(2026, 11, 4, 10);
const FIXTURES = join(import.meta.dirname, '../../test/fixtures');
const ROOM = '<img src=x onerror=alert(1)>';

describe('session.export', () => {
  it('jsonl: one line per event, each with its evidence verbatim', () => {
    const s = storeApi();
    const lines = credits(T0, 'AJ_c', 'room-c');
    s.lines(lines);
    const out = answer(s.store, '1.0', 'session.export', { id: 'AJ_c', format: 'jsonl' }) as string;
    const records = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; evidence: string; line: number });
    expect(records.map((r) => r.kind)).toEqual([
      'job_request',
      'session_start',
      'user_turn_end',
      'agent_state',
      'error',
      'error',
      'error',
      'session_close',
    ]);
    for (const r of records) expect(r.evidence).toBe(lines[r.line - 1]);
    expect(answer(s.store, '1.0', 'session.export', { id: 'nope', format: 'jsonl' })).toBeNull();
  });

  it('html: self-contained, no script, no network, untrusted text escaped', () => {
    const s = storeApi();
    s.lines(credits(T0, 'AJ_c', ROOM, '<script>alert(2)</script>'));
    s.tick(T0 + 20_000);
    const html = answer(s.store, '1.0', 'session.export', { id: 'AJ_c', format: 'html' }) as string;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    // Only the report's own elements, none with a handler, a source or a link.
    const tags = new Set(
      [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => (m[1] as string).toLowerCase()),
    );
    const own = [
      'html',
      'head',
      'meta',
      'title',
      'style',
      'body',
      'h1',
      'h2',
      'h3',
      'span',
      'table',
      'tr',
      'th',
      'td',
      'div',
      'p',
      'b',
      'pre',
    ];
    expect([...tags].filter((t) => !own.includes(t))).toEqual([]);
    expect(html).not.toMatch(/<[^>]*\s(on\w+|src|href)=/i);
    expect(html).toContain(escapeHtml(ROOM));
    expect(html).toContain('Out of inference credits');
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
  });

  it('html: the turns row says what `analyze` says, replies heard counted as given', () => {
    // Real Python dev logs: replies marked only by their playout (none begun, three spoken), one
    // whose replies all died, and one at INFO with no user turn records.
    const row = (fixture: string) => {
      const s = storeApi();
      // As the line reader hands them on: without their colour codes.
      const text = readFileSync(join(FIXTURES, fixture), 'utf8').replace(/\n$/, '');
      s.lines(text.split('\n').map(stripAnsi));
      s.pipeline.end();
      s.pipeline.conclude();
      const [session, ...more] = s.store.sessions();
      expect(more).toEqual([]);
      const html = answer(s.store, '1.0', 'session.export', { id: session?.id ?? '', format: 'html' });
      return /<tr><th>turns<\/th><td>([^<]*)<\/td><\/tr>/.exec(html as string)?.[1];
    };
    expect(row('real-livekit/python-1.8.9/healthy.dev.log')).toBe('3 agent / 3 user');
    expect(row('python-real/1.8.9/tts-error.dev.log')).toBe('4 agent (0 spoken) / 4 user');
    expect(row('python-real/1.8.9/healthy-metrics-info.dev.log')).toBe('3 agent / user turns not logged');
  });

  it('refuses an unknown format', () => {
    const s = storeApi();
    expect(() => answer(s.store, '1.0', 'session.export', { id: 'x', format: 'pdf' })).toThrow(ApiError);
  });
});

describe('session.density and session.event', () => {
  it('counts each lane’s events per slice of the range', () => {
    const s = storeApi();
    s.lines(healthy(T0, 'AJ_h', 'room-h', 3));
    const d = answer(s.store, '1.0', 'session.density', {
      session: 'AJ_h',
      from: T0,
      to: T0 + 16_000,
      buckets: 4,
    });
    expect(d.buckets).toBe(4);
    // Three user turns (and their EOU records) at 1 s, 6 s and 11 s: slices 0, 1 and 2.
    expect(d.lanes.user).toEqual([2, 2, 2, 0]);
    expect(d.total).toBe(2 + 3 * 8);
    expect(() => answer(s.store, '1.0', 'session.density', { session: 'AJ_h', buckets: 0 })).toThrow(
      ApiError,
    );
    expect(() => answer(s.store, '1.0', 'session.density', { session: 'nope', buckets: 5 })).toThrow(
      ApiError,
    );
  });

  it('finds one event by id, with what it says beyond its message', () => {
    const s = storeApi();
    s.lines(credits(T0, 'AJ_c', 'room-c'));
    const err = s.store.events('AJ_c').events.find((e) => e.kind === 'error');
    const got = answer(s.store, '1.0', 'session.event', { session: 'AJ_c', event: err?.id ?? '' });
    expect(got).toEqual(err);
    expect(got?.detail).toMatchObject({
      component: 'llm',
      status: 429,
      stage: 'retry',
      quota: { category: 'MaxGatewayCredits', terminal: true },
    });
    expect(answer(s.store, '1.0', 'session.event', { session: 'AJ_c', event: 'nope' })).toBeNull();
  });
});
