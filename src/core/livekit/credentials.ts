// LiveKit credentials, the observer's token, and room discovery through the RoomService API.
// The observer asks for the least it needs: join one room, subscribe, never publish (not even
// data), hidden from the other participants, short-lived (re-minted on reconnect).

import { shownUrl } from '../redact.js';
import { randomBytes } from 'node:crypto';
import { AccessToken } from 'livekit-server-sdk';

export interface LiveKitCredentials {
  /** The server's websocket URL, as the `lk` CLI takes it (wss://… or ws://…). */
  url: string;
  apiKey: string;
  apiSecret: string;
}

/** Credentials from LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET, or what is missing. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): LiveKitCredentials | { missing: string[] } {
  const url = env.LIVEKIT_URL?.trim();
  const apiKey = env.LIVEKIT_API_KEY?.trim();
  const apiSecret = env.LIVEKIT_API_SECRET?.trim();
  const missing = [
    !url && 'LIVEKIT_URL',
    !apiKey && 'LIVEKIT_API_KEY',
    !apiSecret && 'LIVEKIT_API_SECRET',
  ].filter((m): m is string => typeof m === 'string');
  if (missing.length > 0 || !url || !apiKey || !apiSecret) return { missing };
  return { url, apiKey, apiSecret };
}

/**
 * The server and keys from the settings (`livekit.*`, the secret possibly kept elsewhere), with the
 * environment's LIVEKIT_* (the lk CLI's names) winning over them.
 */
export function credentialsFromSettings(
  livekit: { url?: string; apiKey?: string; apiSecret?: string },
  env: NodeJS.ProcessEnv,
): LiveKitCredentials | { missing: string[] } {
  return credentialsFromEnv({
    LIVEKIT_URL: livekit.url,
    LIVEKIT_API_KEY: livekit.apiKey,
    LIVEKIT_API_SECRET: livekit.apiSecret,
    ...Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('LIVEKIT_') && v?.trim())),
  });
}

export function observerIdentity(): string {
  return `deadair-observer-${randomBytes(4).toString('hex')}`;
}

/** A token to watch one room: subscribe only, hidden, no publishing of any kind. */
export async function observerToken(
  c: LiveKitCredentials,
  room: string,
  opts: { identity?: string; ttlSeconds?: number } = {},
): Promise<string> {
  const token = new AccessToken(c.apiKey, c.apiSecret, {
    identity: opts.identity ?? observerIdentity(),
    name: 'deadair',
    ttl: opts.ttlSeconds ?? 600,
  });
  token.addGrant({
    roomJoin: true,
    room,
    canSubscribe: true,
    canPublish: false,
    canPublishData: false,
    hidden: true,
  });
  return token.toJwt();
}

/** The HTTP(S) base of a LiveKit URL: the RoomService API lives there. */
export function httpBase(url: string): string {
  return url.replace(/^ws(s?):\/\//, 'http$1://').replace(/\/+$/, '');
}

export interface LiveRoom {
  name: string;
  sid: string;
  numParticipants: number;
}

/** Live rooms, from RoomService.ListRooms (Twirp, JSON). Errors come back as one human line. */
export async function listRooms(
  c: LiveKitCredentials,
  fetchImpl: typeof fetch = fetch,
): Promise<LiveRoom[] | { error: string }> {
  const token = new AccessToken(c.apiKey, c.apiSecret, { ttl: 60 });
  token.addGrant({ roomList: true });
  const base = httpBase(c.url);
  let res: Response;
  try {
    res = await fetchImpl(`${base}/twirp/livekit.RoomService/ListRooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token.toJwt()}`, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    const c0 = (e as { cause?: { code?: string; message?: string } }).cause;
    const cause = c0?.code ?? c0?.message ?? (e as Error).name;
    const why =
      cause === 'ECONNREFUSED'
        ? 'connection refused'
        : cause === 'ENOTFOUND'
          ? 'no such host'
          : cause === 'TimeoutError'
            ? 'no answer in 10 s'
            : String(cause);
    return { error: shownUrl(`cannot reach LiveKit at ${c.url}: ${why}`) };
  }
  if (res.status === 401 || res.status === 403)
    return {
      error: `LiveKit at ${shownUrl(c.url)} rejected the API key or secret (HTTP ${res.status}): check LIVEKIT_API_KEY and LIVEKIT_API_SECRET`,
    };
  if (!res.ok) return { error: `LiveKit at ${shownUrl(c.url)} answered HTTP ${res.status} to ListRooms` };
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { error: `LiveKit at ${shownUrl(c.url)} answered ListRooms with something that is not JSON` };
  }
  const rooms = (body as { rooms?: unknown }).rooms;
  if (!Array.isArray(rooms)) return [];
  return rooms.flatMap((r: unknown) => {
    const o = r as Record<string, unknown>;
    if (typeof o?.name !== 'string') return [];
    return [
      {
        name: o.name,
        sid: typeof o.sid === 'string' ? o.sid : '',
        numParticipants: Number(o.num_participants ?? o.numParticipants ?? 0) || 0,
      },
    ];
  });
}

/** `--rooms 'dev-*'`: a shell-style pattern over room names. */
export function roomMatcher(pattern: string): (name: string) => boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return (name) => re.test(name);
}
