// A real LiveKit server for the end-to-end tests: the open-source `livekit-server`, built by
// scripts/livekit-server.sh into a cache dir, started in `--dev` mode (API key `devkey`, secret
// `secret`) on 127.0.0.1 on free ports, one per test file, and stopped after.
//
// Where the binary is missing the tests that need it skip with a printed reason; with
// DEADAIR_REQUIRE_LIVEKIT=1 (set by .ci/run, which builds it) a missing binary is an error instead.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export const DEV_KEY = 'devkey';
export const DEV_SECRET = 'secret';

/** The version scripts/livekit-server.sh pins (its single source). */
export function pinnedVersion(): string {
  const script = readFileSync(join(ROOT, 'scripts/livekit-server.sh'), 'utf8');
  const m = /DEADAIR_LIVEKIT_VERSION:-(v[0-9.]+)\}/.exec(script);
  if (!m) throw new Error('scripts/livekit-server.sh names no default version');
  return m[1]!;
}

/** The built server's path, or why there is none. */
export function findLivekitServer(env: NodeJS.ProcessEnv = process.env): { bin: string } | { why: string } {
  if (env.DEADAIR_LIVEKIT_SERVER) {
    return existsSync(env.DEADAIR_LIVEKIT_SERVER)
      ? { bin: env.DEADAIR_LIVEKIT_SERVER }
      : { why: `DEADAIR_LIVEKIT_SERVER=${env.DEADAIR_LIVEKIT_SERVER} does not exist` };
  }
  const version = pinnedVersion();
  const cache = env.DEADAIR_LIVEKIT_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'deadair');
  const dir = join(cache, `livekit-server-${version}`);
  const bin = join(dir, 'livekit-server');
  if (existsSync(bin) && existsSync(join(dir, '.built'))) return { bin };
  return {
    why: `livekit-server ${version} is not built (${bin}); run: bash scripts/livekit-server.sh (needs Go 1.26)`,
  };
}

/**
 * The reason to skip the real-server tests, '' to run them; prints it once per file. Throws when
 * DEADAIR_REQUIRE_LIVEKIT=1 and the server is missing, so CI cannot skip them silently.
 */
export function livekitSkipReason(label: string, extra: () => string = () => ''): string {
  const found = findLivekitServer();
  const why = 'why' in found ? found.why : extra();
  if (why && process.env.DEADAIR_REQUIRE_LIVEKIT === '1') {
    throw new Error(`[${label}] DEADAIR_REQUIRE_LIVEKIT=1 but: ${why}`);
  }
  if (why) console.info(`[${label}] skipped: ${why}`);
  return why;
}

export interface LivekitServer {
  /** ws://127.0.0.1:<port> */
  url: string;
  /** http://127.0.0.1:<port> (RoomService, /rtc/validate) */
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  /** What the server printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    sock.once('error', reject);
    sock.bind(0, () => {
      const { port } = sock.address();
      sock.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface StartOptions {
  /** Seconds a room stays after its last participant left (server default 20). */
  departureTimeout?: number;
  /** Seconds an empty room created by the API stays before any participant joins (default 300). */
  emptyTimeout?: number;
}

/**
 * Starts the server on free ports and resolves once it answers HTTP. WebRTC: one UDP mux port and
 * one TCP port, both free; host candidates on this machine's interfaces plus loopback, so Chromium
 * (which can use loopback) and @livekit/rtc-node (which ignores loopback) both connect.
 */
export async function startLivekitServer(opts: StartOptions = {}): Promise<LivekitServer> {
  const found = findLivekitServer();
  if ('why' in found) throw new Error(found.why);
  const [port, tcpPort, udpPort] = [await freeTcpPort(), await freeTcpPort(), await freeUdpPort()];
  const dir = mkdtempSync(join(tmpdir(), 'deadair-lk-'));
  const config = join(dir, 'livekit.yaml');
  writeFileSync(
    config,
    [
      `port: ${port}`,
      'bind_addresses: ["127.0.0.1"]',
      'rtc:',
      `  tcp_port: ${tcpPort}`,
      `  udp_port: ${udpPort}`,
      '  use_external_ip: false',
      '  enable_loopback_candidate: true',
      'room:',
      `  departure_timeout: ${opts.departureTimeout ?? 20}`,
      `  empty_timeout: ${opts.emptyTimeout ?? 300}`,
      'logging:',
      '  level: info',
      '',
    ].join('\n'),
  );
  let out = '';
  const child: ChildProcess = spawn(found.bin, ['--dev', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );
  const httpUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`livekit-server exited (${exited}) before it was ready:\n${out}`);
    }
    try {
      const res = await fetch(httpUrl, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`livekit-server did not answer on ${httpUrl} within 30 s:\n${out}`);
    }
    await sleep(100);
  }
  return {
    url: `ws://127.0.0.1:${port}`,
    httpUrl,
    apiKey: DEV_KEY,
    apiSecret: DEV_SECRET,
    output: () => out,
    stop,
  };
}
