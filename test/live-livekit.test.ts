// Opt-in: the observer against a real LiveKit server (LiveKit Cloud or `livekit-server --dev`).
// Set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET to run it; it creates a room of its own,
// joins it as a visible "user" from a browser, and expects `deadair watch --room` to observe it and
// report that no agent came (never_joined). It deletes the room at the end.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { httpBase } from '../src/core/livekit/credentials.js';
import { findChromium, ObserverBrowser } from '../src/observer/browser.js';
import type { Observation } from '../src/shared/observation.js';
import { BIN } from './support/cli.js';

const url = process.env.LIVEKIT_URL;
const key = process.env.LIVEKIT_API_KEY;
const secret = process.env.LIVEKIT_API_SECRET;
const chromium = findChromium(process.env);
const why =
  !url || !key || !secret
    ? 'LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET are not all set'
    : !chromium
      ? 'no Chromium or Chrome found (set DEADAIR_CHROMIUM)'
      : '';
if (why) console.info(`[live LiveKit] skipped: ${why}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(why !== '')('against a real LiveKit server', () => {
  it('observes a live room and reports that no agent came', async () => {
    const room = `deadair-live-${randomBytes(3).toString('hex')}`;
    const rooms = new RoomServiceClient(httpBase(url!), key!, secret!);
    await rooms.createRoom({ name: room, emptyTimeout: 60 });
    const dir = mkdtempSync(join(tmpdir(), 'deadair-live-'));
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ detectors: { neverJoinedSeconds: 3 } }));
    // A visible user, from a browser of its own.
    const seen: Observation[] = [];
    const user = await ObserverBrowser.launch({
      chromium: chromium!,
      onObservation: (o) => seen.push(o),
      onExit: () => undefined,
    });
    const at = new AccessToken(key!, secret!, { identity: 'deadair-live-user', ttl: '5m' });
    at.addGrant({ roomJoin: true, room, canPublish: false, canSubscribe: true });
    await user.join(room, url!, await at.toJwt());
    expect(seen.find((o) => o.type === 'join_failed')).toBeUndefined();

    const child = spawn(
      process.execPath,
      [
        BIN,
        'watch',
        '--json',
        '--no-notify',
        '--no-sound',
        '--no-journal',
        '--config',
        config,
        '--room',
        room,
      ],
      { env: { ...process.env, DEADAIR_ROOM_POLL_MS: '500' } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const end = Date.now() + 60_000;
      while (!out.includes('"cause":"never_joined"') && Date.now() < end) await sleep(100);
      expect(err).toContain(`observing room ${room} (1 user, 0 agents)`);
      expect(out).toContain('"cause":"never_joined"');
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
      await user.close();
      await rooms.deleteRoom(room).catch(() => undefined);
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
