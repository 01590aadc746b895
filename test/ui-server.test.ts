// `deadair watch --ui` as a user runs it: the timeline's contract over HTTP and server-sent events
// on 127.0.0.1, guarded by the run's key, a Host and an Origin check, with a strict CSP.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditsLine, until } from './support/agent-lines.js';
import { BIN } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'deadair-ui-'));
let child: ChildProcess;
let url: URL;
const log = join(dir, 'agent.log');

beforeAll(async () => {
  writeFileSync(log, creditsLine(Date.now() - 5000, 'AJ_ui1') + '\n');
  child = spawn(
    process.execPath,
    [BIN, 'watch', '--ui', '--from-start', '--no-notify', '--no-sound', '--no-journal', log],
    {
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await until(() => /timeline at (\S+)/.test(err));
  url = new URL(/timeline at (\S+)/.exec(err)?.[1] as string);
}, 30_000);
afterAll(() => {
  child?.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
function http(
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: url.port, path, method: o.method ?? 'GET', headers: o.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}
const key = () => url.searchParams.get('k') as string;
const call = (channel: string, params: unknown, headers: Record<string, string> = {}) =>
  http(`/api/call?k=${key()}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ channel, params }),
  });

describe('deadair watch --ui', () => {
  it('serves on 127.0.0.1, with the run’s key in the URL, and a strict CSP', async () => {
    expect(url.hostname).toBe('127.0.0.1');
    expect(key()).toMatch(/^[0-9a-f]{48}$/);
    const page = await http(`/?k=${key()}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self'/);
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  it('refuses requests without the key, for a foreign Host, or from another origin', async () => {
    expect((await http('/')).status).toBe(403);
    expect((await http(`/?k=${'0'.repeat(48)}`)).status).toBe(403);
    expect((await http(`/?k=${key()}`, { headers: { host: 'evil.example:80' } })).status).toBe(403);
    expect((await http(`/?k=${key()}`, { headers: { host: `localhost:${url.port}` } })).status).toBe(200);
    expect((await call('sessions.list', {}, { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('answers the contract: sessions, a session’s events, evidence and finding versions', async () => {
    const list = JSON.parse((await call('sessions.list', {})).body) as {
      result: { id: string; verdict: string }[];
    };
    expect(list.result).toEqual([expect.objectContaining({ id: 'AJ_ui1', verdict: 'failed' })]);
    const events = JSON.parse((await call('session.events', { session: 'AJ_ui1' })).body) as {
      result: { events: { id: string; kind: string }[] };
    };
    expect(events.result.events.map((e) => e.kind)).toEqual(['error']);
    const evidence = JSON.parse(
      (await call('event.evidence', { session: 'AJ_ui1', event: events.result.events[0]?.id })).body,
    ) as {
      result: string;
    };
    expect(JSON.parse(evidence.result)).toMatchObject({ jobID: 'AJ_ui1' });
    const versions = JSON.parse(
      (await call('finding.versions', { session: 'AJ_ui1', finding: 'AJ_ui1/credits_exhausted' })).body,
    ) as {
      result: { how: string }[];
    };
    expect(versions.result.map((v) => v.how)).toEqual(['created']);
  });

  it('says what is wrong with a bad request in one line, and keeps answering', async () => {
    const bad = await call('session.events', { session: 42 });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ error: 'session must be a string' });
    expect((await call('nope', {})).status).toBe(400);
    expect((await http(`/api/call?k=${key()}`, { method: 'POST', body: '{' })).status).toBe(400);
    expect((await call('version', {})).status).toBe(200);
  });

  it('streams what the store records as it happens', async () => {
    const got: string[] = [];
    const req = request(
      { host: '127.0.0.1', port: url.port, path: `/api/subscribe?k=${key()}&channel=store.changes` },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (d: string) => got.push(d));
      },
    );
    req.end();
    await until(() => got.join('').includes('retry:'));
    appendFileSync(log, creditsLine(Date.now(), 'AJ_ui2') + '\n');
    await until(() => got.join('').includes('"AJ_ui2/credits_exhausted"'));
    req.destroy();
    const data = got
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as { type: string });
    expect(data.map((d) => d.type)).toEqual(expect.arrayContaining(['event', 'finding']));
  });
});
