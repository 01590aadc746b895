// The observer against a REAL LiveKit server: `livekit-server --dev` built from its Go module by
// scripts/livekit-server.sh, started on 127.0.0.1 on free ports. A real caller joins through the
// Node SDK; `deadair watch --rooms 'e2e-*'` finds the room through the RoomService and joins it
// from headless Chromium as the hidden observer. The server itself says what the observer may do,
// and the room closes when the caller leaves: the observer does not keep it alive.
import { randomBytes } from 'node:crypto';
import { dispose } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../src/observer/browser.js';
import { joinAsCaller } from './support/caller.js';
import { livekitSkipReason, startLivekitServer, type LivekitServer } from './support/livekit-server.js';
import { startWatch } from './support/watch.js';

const chromium = findChromium(process.env);
const why = livekitSkipReason('real LiveKit', () =>
  chromium ? '' : 'no Chromium or Chrome found (set DEADAIR_CHROMIUM)',
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(why !== '')('deadair watch against a real livekit-server --dev', () => {
  let server: LivekitServer;
  let rooms: RoomServiceClient;
  beforeAll(async () => {
    // A room lingers this long after its last participant left (the server's default is 20 s).
    server = await startLivekitServer({ departureTimeout: 2 });
    rooms = new RoomServiceClient(server.httpUrl, server.apiKey, server.apiSecret);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await dispose();
  });

  it('joins as a hidden, subscribe-only observer and lets the room close when the caller leaves', async () => {
    const room = `e2e-observer-${randomBytes(3).toString('hex')}`;
    const caller = await joinAsCaller({ ...server, room, identity: 'caller', microphone: false });
    const watch = startWatch(['--json', '--no-notify', '--no-sound', '--no-journal', '--rooms', 'e2e-*'], {
      LIVEKIT_URL: server.url,
      LIVEKIT_API_KEY: server.apiKey,
      LIVEKIT_API_SECRET: server.apiSecret,
      DEADAIR_ROOM_POLL_MS: '300',
    });
    try {
      await watch.until(() => watch.stderr().includes(`observing room ${room}`), 30_000, 'observing notice');
      expect(watch.stderr()).toContain(`observing room ${room} (1 user, 0 agents)`);

      // What the server granted the observer, from the server itself.
      const ps = await rooms.listParticipants(room);
      const observer = ps.find((p) => p.identity.startsWith('deadair-observer-'));
      expect(observer, JSON.stringify(ps.map((p) => p.identity))).toBeDefined();
      expect(observer!.permission).toMatchObject({
        canSubscribe: true,
        canPublish: false,
        canPublishData: false,
        hidden: true,
      });
      expect(observer!.permission?.canPublishSources ?? []).toEqual([]);
      expect(observer!.tracks).toEqual([]);
      // Hidden: the caller is not told about it.
      await sleep(500);
      expect(caller.remotes().map((p) => p.identity)).toEqual([]);

      // The caller leaves: the observer leaves too, and the server closes the room.
      await caller.leave();
      await watch.until(
        () => watch.stderr().includes(`leaving room ${room}: no user is left in it`),
        15_000,
        'the observer leaving',
      );
      const end = Date.now() + 20_000;
      let live = true;
      while (live && Date.now() < end) {
        live = (await rooms.listRooms()).some((r) => r.name === room);
        if (live) await sleep(250);
      }
      expect(live).toBe(false);
      // And the watcher did not recreate it (it never joins a room the server does not list).
      await sleep(1500);
      expect((await rooms.listRooms()).some((r) => r.name === room)).toBe(false);
      expect(watch.lines().filter((l) => l.severity === 'critical')).toEqual([]);
    } finally {
      await caller.leave();
      await watch.stop();
    }
  }, 90_000);
});
