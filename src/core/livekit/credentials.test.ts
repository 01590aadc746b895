import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import {
  credentialsFromEnv,
  httpBase,
  listRooms,
  observerToken,
  roomMatcher,
  type LiveKitCredentials,
} from './credentials.js';

const creds: LiveKitCredentials = {
  url: 'ws://127.0.0.1:7880',
  apiKey: 'devkey',
  apiSecret: 'a-secret-that-is-long-enough-for-hs256',
};

describe('observer credentials', () => {
  it('reads the lk CLI variables and names the missing ones', () => {
    expect(
      credentialsFromEnv({
        LIVEKIT_URL: 'wss://x.livekit.cloud',
        LIVEKIT_API_KEY: 'k',
        LIVEKIT_API_SECRET: 's',
      }),
    ).toEqual({ url: 'wss://x.livekit.cloud', apiKey: 'k', apiSecret: 's' });
    expect(credentialsFromEnv({ LIVEKIT_URL: 'wss://x' })).toEqual({
      missing: ['LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'],
    });
  });

  it('mints a short-lived, hidden, subscribe-only token for one room — and nothing more', async () => {
    const jwt = await observerToken(creds, 'demo-room', {
      identity: 'deadair-observer-test',
      ttlSeconds: 300,
    });
    const claims = await new TokenVerifier(creds.apiKey, creds.apiSecret).verify(jwt);
    expect(claims.sub).toBe('deadair-observer-test');
    expect(claims.video).toEqual({
      roomJoin: true,
      room: 'demo-room',
      canSubscribe: true,
      canPublish: false,
      canPublishData: false,
      hidden: true,
    });
    expect((claims.exp ?? 0) - (claims.nbf ?? claims.iat ?? 0)).toBeLessThanOrEqual(300);
  });

  it('turns a websocket URL into the RoomService base', () => {
    expect(httpBase('wss://x.livekit.cloud/')).toBe('https://x.livekit.cloud');
    expect(httpBase('ws://127.0.0.1:7880')).toBe('http://127.0.0.1:7880');
  });

  it('matches room patterns', () => {
    const m = roomMatcher('dev-*');
    expect(['dev-1', 'dev-', 'prod-1', 'xdev-1'].map(m)).toEqual([true, true, false, false]);
  });
});

describe('room discovery (RoomService.ListRooms over Twirp)', () => {
  async function server(handler: (auth: string) => { status: number; body: string }) {
    const s = createServer((req, res) => {
      const r = handler(String(req.headers.authorization ?? ''));
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.body);
    });
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    return {
      url: `ws://127.0.0.1:${(s.address() as AddressInfo).port}`,
      close: () => new Promise((ok) => s.close(ok)),
    };
  }

  it('lists live rooms with a roomList token', async () => {
    let claims: unknown;
    const s = await server((auth) => {
      claims = auth;
      return {
        status: 200,
        body: JSON.stringify({
          rooms: [{ name: 'dev-1', sid: 'RM_1', num_participants: 2 }, { bogus: true }],
        }),
      };
    });
    const rooms = await listRooms({ ...creds, url: s.url });
    expect(rooms).toEqual([{ name: 'dev-1', sid: 'RM_1', numParticipants: 2 }]);
    const verified = await new TokenVerifier(creds.apiKey, creds.apiSecret).verify(
      String(claims).replace('Bearer ', ''),
    );
    expect(verified.video).toEqual({ roomList: true });
    await s.close();
  });

  it('says in one line when the key is wrong, the server is down, or the answer is garbage', async () => {
    const denied = await server(() => ({ status: 401, body: '{"code":"unauthenticated"}' }));
    expect(await listRooms({ ...creds, url: denied.url })).toEqual({
      error: `LiveKit at ${denied.url} rejected the API key or secret (HTTP 401): check LIVEKIT_API_KEY and LIVEKIT_API_SECRET`,
    });
    await denied.close();
    const garbage = await server(() => ({ status: 200, body: '<html>' }));
    expect(await listRooms({ ...creds, url: garbage.url })).toEqual({
      error: `LiveKit at ${garbage.url} answered ListRooms with something that is not JSON`,
    });
    await garbage.close();
    const gone = await server(() => ({ status: 200, body: '{}' }));
    await gone.close(); // nothing listens there any more
    expect(await listRooms({ ...creds, url: gone.url })).toEqual({
      error: `cannot reach LiveKit at ${gone.url}: connection refused`,
    });
  });
});
