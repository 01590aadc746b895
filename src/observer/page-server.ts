// The observer page's origin, for both hosts (headless Chromium from the CLI, a hidden window in
// the tray app): the page bundle, served from 127.0.0.1.

import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/observer-page.js, built by scripts/build-cli.mjs, found from this module up to the package root. */
export function pageBundlePath(from: string = fileURLToPath(import.meta.url)): string | undefined {
  let dir = dirname(from);
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'dist', 'observer-page.js');
    if (existsSync(p)) return p;
    const here = join(dir, 'observer-page.js');
    if (existsSync(here)) return here;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

const PAGE =
  '<!doctype html><meta charset="utf-8"><title>deadair observer</title><script src="observer.js"></script>';

/**
 * Serves the page from 127.0.0.1: a loopback origin is a secure context (livekit-client needs
 * crypto.randomUUID), and Chromium's local network access checks let a loopback page reach a
 * LiveKit server anywhere — a page of unknown origin may not open a socket to a local dev server.
 */
export async function servePage(script: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const js = req.url === '/observer.js';
    res.writeHead(200, {
      'content-type': js ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(js ? script : PAGE);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}
