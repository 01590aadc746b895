// The fake LiveKit server (test/fake-livekit) against the real livekit-client in headless Chromium:
// joins, scripted participants, attributes, speakers, data streams, drops, restarts, room deletion,
// plus RoomService over Twirp and token checks.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type JoinResponse, Ping, SignalRequest, SignalResponse } from '@livekit/protocol';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RecordedEvent } from './fake-livekit/browser-entry.js';
import { CHROMIUM_ARGS } from '../src/observer/browser.js';
import { FakeLiveKit } from './fake-livekit/server.js';

const API_KEY = 'devkey';
const API_SECRET = 'fake-livekit-secret-that-is-long-enough';
const CHROMIUM = '/usr/bin/chromium';
const ENTRY = fileURLToPath(new URL('./fake-livekit/browser-entry.ts', import.meta.url));
const ROOM = 'support-call';
// FAKE_LIVEKIT_DEBUG=1 prints the server's view of signalling and peer connections
const debugLog = process.env.FAKE_LIVEKIT_DEBUG
  ? (m: string) => console.info(`[fake-livekit] ${m}`)
  : undefined;

async function observerToken(room: string, identity = 'observer', secret = API_SECRET): Promise<string> {
  const at = new AccessToken(API_KEY, secret, { identity, ttl: '10m' });
  at.addGrant({
    roomJoin: true,
    room,
    canSubscribe: true,
    canPublish: false,
    canPublishData: false,
    hidden: true,
  });
  return at.toJwt();
}

async function adminToken(
  grant: { roomList?: boolean; roomAdmin?: boolean },
  secret = API_SECRET,
): Promise<string> {
  const at = new AccessToken(API_KEY, secret, { ttl: '1m' });
  at.addGrant(grant);
  return at.toJwt();
}

/** Resolves with the websocket's fate: 'open', or the HTTP status of a refused upgrade. */
function tryWebSocket(url: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(String(res.statusCode));
      ws.terminate();
    });
    ws.on('error', (error) => resolve(`error: ${error.message}`));
  });
}

describe('fake LiveKit server: HTTP and token checks', () => {
  let server: FakeLiveKit;
  beforeAll(async () => {
    server = await FakeLiveKit.start({ apiKey: API_KEY, apiSecret: API_SECRET, resumeWindowMs: 300 });
    server.createRoom('alpha');
    server.createRoom('beta').addParticipant({ identity: 'agent-AJ_1', kind: 'agent' });
  });
  afterAll(() => server.stop());

  it('lists live rooms through RoomService with a roomList token', async () => {
    const client = new RoomServiceClient(server.httpUrl, API_KEY, API_SECRET);
    const rooms = await client.listRooms();
    expect(rooms.map((r) => r.name)).toEqual(['alpha', 'beta']);
    expect(rooms[1]?.numParticipants).toBe(1);
    expect(rooms[0]?.sid).toMatch(/^RM_/);
    const some = await client.listRooms(['beta']);
    expect(some.map((r) => r.name)).toEqual(['beta']);
    const participants = await client.listParticipants('beta');
    expect(participants.map((p) => [p.identity, p.kind])).toEqual([['agent-AJ_1', 4]]);
  });

  it('answers ListRooms with a Twirp 401 for a bad signature or a missing grant', async () => {
    const call = async (token: string) => {
      const res = await fetch(`${server.httpUrl}/twirp/livekit.RoomService/ListRooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{}',
      });
      return { status: res.status, body: (await res.json()) as { code?: string; rooms?: unknown[] } };
    };
    const good = await call(await adminToken({ roomList: true }));
    expect(good.status).toBe(200);
    expect(good.body.rooms).toHaveLength(2);
    const forged = await call(await adminToken({ roomList: true }, 'not-the-secret'));
    expect(forged).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    const noGrant = await call(await adminToken({ roomAdmin: true }));
    expect(noGrant).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
  });

  it('stops listing a deleted room', async () => {
    server.createRoom('gamma');
    server.deleteRoom('gamma');
    const client = new RoomServiceClient(server.httpUrl, API_KEY, API_SECRET);
    expect((await client.listRooms()).map((r) => r.name)).toEqual(['alpha', 'beta']);
  });

  it('refuses a websocket join with a bad token, and accepts a good one', async () => {
    const bad = await observerToken('alpha', 'observer', 'not-the-secret');
    expect(await tryWebSocket(`${server.url}/rtc/v1?access_token=${bad}`)).toBe('401');
    expect(await tryWebSocket(`${server.url}/rtc?access_token=garbage`)).toBe('401');
    const validate = await fetch(`${server.httpUrl}/rtc/v1/validate?access_token=${bad}`);
    expect(validate.status).toBe(401);
    const good = await observerToken('alpha');
    expect(await tryWebSocket(`${server.url}/rtc?access_token=${good}`)).toBe('open');
    expect(server.joins.at(-1)).toMatchObject({
      identity: 'observer',
      room: 'alpha',
      grants: { hidden: true },
    });
  });

  it('opens with a JoinResponse, answers pings, and forgets a client that does not resume', async () => {
    server.room('beta')?.setAttributes('agent-AJ_1', { 'lk.agent.state': 'listening' });
    const ws = new WebSocket(`${server.url}/rtc?access_token=${await observerToken('beta', 'raw')}`);
    const messages: SignalResponse[] = [];
    ws.on('message', (data: Buffer) => messages.push(SignalResponse.fromBinary(new Uint8Array(data))));
    await new Promise((resolve) => ws.once('open', resolve));
    await expect.poll(() => messages.length).toBeGreaterThan(0);
    const first = messages[0]?.message;
    expect(first?.case).toBe('join');
    const join = first?.value as JoinResponse;
    expect(join.serverInfo?.version).not.toBe('');
    expect(join.room?.name).toBe('beta');
    expect(join.participant).toMatchObject({
      identity: 'raw',
      permission: { hidden: true, canPublishData: false },
    });
    expect(join.otherParticipants.map((p) => [p.identity, p.kind, p.attributes])).toEqual([
      ['agent-AJ_1', 4, { 'lk.agent.state': 'listening' }],
    ]);
    expect(join.pingInterval).toBeGreaterThan(0);
    expect(server.room('beta')?.observers).toBe(1);
    ws.send(new SignalRequest({ message: { case: 'ping', value: 42n } }).toBinary());
    ws.send(
      new SignalRequest({ message: { case: 'pingReq', value: new Ping({ timestamp: 43n }) } }).toBinary(),
    );
    await expect
      .poll(() => messages.map((m) => m.message.case))
      .toEqual(expect.arrayContaining(['pong', 'pongResp']));
    expect(messages.find((m) => m.message.case === 'pong')?.message.value).toBe(42n);
    ws.terminate();
    await expect.poll(() => server.room('beta')?.observers, { timeout: 3_000 }).toBe(0);
  });
});

const skipReason = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing`;
if (skipReason) console.warn(`fake-livekit browser tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('fake LiveKit server: livekit-client in Chromium', () => {
  let server: FakeLiveKit;
  let browser: Browser;
  let page: Page;
  let pageServer: Server;
  let dir: string;
  const browserLog: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fake-livekit-'));
    server = await FakeLiveKit.start({ apiKey: API_KEY, apiSecret: API_SECRET, log: debugLog });
    server.createRoom(ROOM);
    await build({
      entryPoints: [ENTRY],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      outfile: join(dir, 'bundle.js'),
      logLevel: 'silent',
    });
    pageServer = await servePage(readFileSync(join(dir, 'bundle.js'), 'utf8'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
    page = await browser.newPage();
    page.on('console', (m) => browserLog.push(`${m.type()}: ${m.text()}`));
    await page.goto(`http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    pageServer?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const events = (): Promise<RecordedEvent[]> =>
    page.evaluate(() => (globalThis as unknown as { fakeLk: { events: RecordedEvent[] } }).fakeLk.events);

  /** Waits for an event of `type` recorded at index `from` or later. */
  async function waitFor(
    type: string,
    match: (e: RecordedEvent) => boolean = () => true,
    from = 0,
  ): Promise<RecordedEvent> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const found = (await events()).slice(from).find((e) => e.type === type && match(e));
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${type} event within 20 s; browser log:\n${browserLog.slice(-40).join('\n')}`);
  }

  const eventCount = async (): Promise<number> => (await events()).length;

  it('connects a hidden, subscribe-only observer', async () => {
    const started = Date.now();
    const result = await connectIn(page, server.url, await observerToken(ROOM), true);
    expect(result.sid).toMatch(/^PA_/);
    expect(server.room(ROOM)?.observers).toBe(1);
    expect(server.joins.at(-1)).toMatchObject({
      identity: 'observer',
      room: ROOM,
      resume: false,
      path: '/rtc/v1',
      grants: { roomJoin: true, hidden: true, canSubscribe: true, canPublish: false, canPublishData: false },
    });
    console.info(`connect() resolved in ${Date.now() - started} ms`);
  });

  it('reports an agent joining, with kind and attributes', async () => {
    server.room(ROOM)?.addParticipant({
      identity: 'agent-AJ_42',
      kind: 'agent',
      attributes: { 'lk.agent.name': 'support' },
    });
    server.room(ROOM)?.addParticipant({ identity: 'user-1' });
    const agent = await waitFor('participantConnected', (e) => e.identity === 'agent-AJ_42');
    expect(agent).toMatchObject({ kind: 4, isAgent: true, attributes: { 'lk.agent.name': 'support' } });
    await waitFor('participantConnected', (e) => e.identity === 'user-1' && e.kind === 0);
  });

  it('reports attribute changes', async () => {
    server.room(ROOM)?.setAttributes('agent-AJ_42', { 'lk.agent.state': 'thinking' });
    const changed = await waitFor('attributesChanged', (e) => e.identity === 'agent-AJ_42');
    expect(changed.changed).toEqual({ 'lk.agent.state': 'thinking' });
    expect(changed.attributes).toEqual({ 'lk.agent.name': 'support', 'lk.agent.state': 'thinking' });
  });

  it('reports active speakers', async () => {
    server.room(ROOM)?.setSpeakers([{ identity: 'agent-AJ_42', level: 0.8, active: true }]);
    await waitFor('activeSpeakers', (e) => (e.identities as string[]).includes('agent-AJ_42'));
  });

  it('delivers lk.transcription text streams and byte streams', async () => {
    const attributes = {
      'lk.segment_id': 'SG_1',
      'lk.transcription_final': 'true',
      'lk.transcribed_track_id': 'TR_1',
    };
    await server.room(ROOM)?.sendText('user-1', 'lk.transcription', 'hello there', attributes);
    const text = await waitFor('text');
    expect(text).toMatchObject({
      from: 'user-1',
      topic: 'lk.transcription',
      text: 'hello there',
      attributes,
    });
    const long = 'x'.repeat(40_000);
    await server.room(ROOM)?.sendText('agent-AJ_42', 'lk.transcription', long, { 'lk.segment_id': 'SG_2' });
    await waitFor('text', (e) => e.from === 'agent-AJ_42' && (e.text as string).length === 40_000);
    await server.room(ROOM)?.sendBytes('agent-AJ_42', 'lk.agent.session', new Uint8Array(20_000).fill(7));
    await waitFor('bytes', (e) => e.size === 20_000 && e.from === 'agent-AJ_42');
  });

  it('reports a participant leaving', async () => {
    server.room(ROOM)?.removeParticipant('user-1');
    await waitFor('participantDisconnected', (e) => e.identity === 'user-1');
  });

  it('resumes after the signalling connection drops', async () => {
    const mark = await eventCount();
    const started = Date.now();
    server.dropConnections(ROOM);
    await waitFor('reconnected', undefined, mark);
    const seen = (await events()).slice(mark).map((e) => e.type);
    console.info(`after drop: ${seen.join(', ')} in ${Date.now() - started} ms`);
    expect(server.joins.at(-1)).toMatchObject({ resume: true });
    // the resumed session still carries data and updates
    server.room(ROOM)?.setAttributes('agent-AJ_42', { 'lk.agent.state': 'speaking' });
    const speaking = (e: RecordedEvent) =>
      (e.changed as Record<string, string>)['lk.agent.state'] === 'speaking';
    await waitFor('attributesChanged', speaking, mark);
    await server.room(ROOM)?.sendText('agent-AJ_42', 'lk.transcription', 'after drop');
    await waitFor('text', (e) => e.text === 'after drop', mark);
  });

  it('reconnects in full after a server restart', async () => {
    const mark = await eventCount();
    const started = Date.now();
    const joinsBefore = server.joins.length;
    await server.restart();
    await waitFor('reconnected', undefined, mark);
    const seen = (await events()).slice(mark).map((e) => e.type);
    console.info(`after restart: ${seen.join(', ')} in ${Date.now() - started} ms`);
    const rejoin = server.joins.slice(joinsBefore).find((j) => !j.resume);
    expect(rejoin).toMatchObject({ identity: 'observer', room: ROOM });
    await server.room(ROOM)?.sendText('agent-AJ_42', 'lk.transcription', 'after restart');
    await waitFor('text', (e) => e.text === 'after restart', mark);
  });

  it('disconnects the observer with ROOM_DELETED when the room is deleted', async () => {
    const mark = await eventCount();
    server.deleteRoom(ROOM);
    const gone = await waitFor('disconnected', undefined, mark);
    expect(gone.reasonName).toBe('ROOM_DELETED');
    expect(server.listRooms().map((r) => r.name)).not.toContain(ROOM);
  });

  it('fails connect() with a bad token', async () => {
    const bad = await observerToken(ROOM, 'observer', 'not-the-secret');
    const error = await page.evaluate(
      ([url, t]) =>
        (
          globalThis as unknown as { fakeLk: { connectError(u: string, t: string): Promise<string> } }
        ).fakeLk.connectError(url, t),
      [server.url, bad] as const,
    );
    expect(error).toMatch(/invalid token|401|not allowed/i);
  });

  it('serves the legacy /rtc path (two peer connections)', async () => {
    const legacy = server.createRoom('legacy-room');
    legacy.addParticipant({ identity: 'agent-AJ_7', kind: 'agent' });
    const second = await browser.newPage();
    try {
      await second.goto(page.url());
      const result = await connectIn(
        second,
        server.url,
        await observerToken('legacy-room', 'old-observer'),
        false,
      );
      expect(result.remote).toEqual(['agent-AJ_7']);
      expect(server.joins.at(-1)).toMatchObject({ identity: 'old-observer', path: '/rtc' });
      await legacy.sendText('agent-AJ_7', 'lk.transcription', 'legacy hello');
      const texts = () =>
        second.evaluate(() =>
          (globalThis as unknown as { fakeLk: { events: RecordedEvent[] } }).fakeLk.events.filter(
            (e) => e.type === 'text',
          ),
        );
      await expect
        .poll(texts, { timeout: 10_000 })
        .toEqual([expect.objectContaining({ text: 'legacy hello' })]);
    } finally {
      await second.close();
    }
  });
});

async function connectIn(page: Page, url: string, token: string, singlePeerConnection: boolean) {
  return page.evaluate(
    ([u, t, single]) =>
      (
        globalThis as unknown as {
          fakeLk: { connect(u: string, t: string, s: boolean): Promise<{ sid: string; remote: string[] }> };
        }
      ).fakeLk.connect(u, t, single),
    [url, token, singlePeerConnection] as const,
  );
}

function servePage(bundle: string): Promise<Server> {
  const html = '<!doctype html><html><head><script src="/bundle.js"></script></head><body></body></html>';
  const server = createServer((req, res) => {
    if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
