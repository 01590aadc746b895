// `deadair watch --ui`: the timeline's contract (src/shared/api.ts) over HTTP and server-sent
// events, and the built timeline page, on 127.0.0.1 only. Guarded three ways: a per-run secret in
// the URL (every request must carry it), a Host check (a DNS-rebinding page names another host),
// an Origin check (another site's page may not call it); and the page gets a strict CSP.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { answer, ApiError, isRequestChannel } from '../core/api.js';
import type { Watcher } from '../core/watcher.js';
import type { EditorId } from '../shared/editor.js';
import type { AlertNotice, SubscriptionChannel } from '../shared/api.js';
import { SUBSCRIPTION_CHANNELS } from '../shared/api.js';

export const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface UiServer {
  /** The URL to open: the page, with the run's secret. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface UiServerOptions {
  /** What it serves: a watcher's store and stream (or a finished analysis's store, no stream). */
  watcher: Pick<Watcher, 'store' | 'subscribe'>;
  version: string;
  /** Port to listen on (0: a free one). */
  port?: number;
  /** The built timeline (out/renderer); a plain page says how to build it when absent. */
  root?: string;
  /** The secret (tests pass one); a fresh random one by default. */
  secret?: string;
  /** The editor log lines open in (`open in editor`), when one is known. */
  editor?: EditorId;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>deadair</title>
<p>The timeline page is not built: run <code>npm run build</code> in the deadair checkout. The API
answers at <code>/api/</code> meanwhile.</p>`;

export function startUiServer(o: UiServerOptions): Promise<UiServer> {
  const secret = o.secret ?? randomBytes(24).toString('hex');
  const editor = o.editor;
  const key = Buffer.from(secret);
  const root = o.root && existsSync(join(o.root, 'index.html')) ? o.root : undefined;
  const streams = new Set<ServerResponse>();
  let port = 0;

  const allowedHost = (h: string | undefined) => h === `127.0.0.1:${port}` || h === `localhost:${port}`;
  // The page is opened with the key in its URL; it is kept in a cookie (HttpOnly, this port's, sent
  // to this origin only) so that the page's own scripts and streams carry it too.
  const cookieName = () => `deadair_key_${port}`;
  const fromCookie = (req: IncomingMessage) => {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [k, v] = part.trim().split('=');
      if (k === cookieName()) return v;
    }
    return undefined;
  };
  const hasKey = (url: URL, req: IncomingMessage) => {
    const given = url.searchParams.get('k') ?? req.headers['x-deadair-key'] ?? fromCookie(req);
    if (typeof given !== 'string') return false;
    const b = Buffer.from(given);
    return b.length === key.length && timingSafeEqual(b, key);
  };
  const send = (
    res: ServerResponse,
    status: number,
    body: string,
    type = 'text/plain; charset=utf-8',
    extra: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      ...extra,
      'content-type': type,
      'content-security-policy': UI_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    res.end(body);
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!allowedHost(req.headers.host))
      return send(res, 403, 'forbidden: this server answers 127.0.0.1 only\n');
    const origin = req.headers.origin;
    if (
      origin !== undefined &&
      origin !== `http://127.0.0.1:${port}` &&
      origin !== `http://localhost:${port}`
    )
      return send(res, 403, 'forbidden: another origin\n');
    if (!hasKey(url, req))
      return send(res, 403, 'forbidden: open the URL deadair printed (it carries the key)\n');

    if (url.pathname === '/api/call' && req.method === 'POST') return call(req, res);
    if (url.pathname === '/api/subscribe' && req.method === 'GET') return subscribe(url, req, res);
    if (req.method !== 'GET') return send(res, 405, 'method not allowed\n');
    return page(url, res);
  });

  const call = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
      if (body.length > 64 * 1024) req.destroy();
    });
    req.on('end', () => {
      try {
        const msg = JSON.parse(body) as { channel?: unknown; params?: unknown };
        if (!isRequestChannel(msg.channel)) throw new ApiError('unknown channel');
        const result = answer(o.watcher.store, o.version, msg.channel, msg.params, { editor });
        send(res, 200, JSON.stringify({ result: result ?? null }), 'application/json');
      } catch (e) {
        const why =
          e instanceof ApiError
            ? e.message
            : e instanceof SyntaxError
              ? 'the body is not JSON'
              : 'internal error';
        send(
          res,
          e instanceof ApiError || e instanceof SyntaxError ? 400 : 500,
          JSON.stringify({ error: why }),
          'application/json',
        );
      }
    });
  };

  const subscribe = (url: URL, req: IncomingMessage, res: ServerResponse) => {
    const channel = url.searchParams.get('channel');
    if (!channel || !(SUBSCRIPTION_CHANNELS as readonly string[]).includes(channel))
      return send(res, 400, 'unknown channel\n');
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'content-security-policy': UI_CSP,
    });
    res.write('retry: 1000\n\n');
    const write = (value: unknown) => res.write(`data: ${JSON.stringify(value)}\n\n`);
    let off: () => void;
    if ((channel as SubscriptionChannel) === 'store.changes') off = o.watcher.store.subscribe(write);
    else
      off = o.watcher.subscribe((e) => {
        if (e.type !== 'alert') return;
        const a = e.alert;
        const notice: AlertNotice = {
          id: a.id,
          session: a.finding.session,
          finding: a.finding.id,
          title: a.title,
          body: a.body,
        };
        write(notice);
      });
    // A comment now and then keeps proxies and the browser from timing the stream out.
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    streams.add(res);
    req.on('close', () => {
      clearInterval(ping);
      off();
      streams.delete(res);
    });
  };

  const page = (url: URL, res: ServerResponse) => {
    const cookie: Record<string, string> =
      url.searchParams.get('k') !== null
        ? { 'set-cookie': `${cookieName()}=${secret}; HttpOnly; SameSite=Strict; Path=/` }
        : {};
    if (!root) return send(res, 200, NOT_BUILT, TYPES['.html'], cookie);
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep) || !existsSync(file)) return send(res, 404, 'not found\n');
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    return send(
      res,
      200,
      readFileSync(file, type.startsWith('text/') ? 'utf8' : undefined) as string,
      type,
      cookie,
    );
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}/?k=${secret}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of streams) s.end();
            server.close(() => done());
          }),
      });
    });
  });
}
