// A fake LiveKit server for integration tests: real signalling (protobuf over websocket at /rtc/v1
// and /rtc), a real WebRTC answer from werift so livekit-client's connect() completes, scripted
// rooms, and the RoomService Twirp API. Proved against livekit-client 2.23 by test/fake-livekit.test.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import {
  DisconnectReason,
  JoinRequest,
  LeaveRequest,
  LeaveRequest_Action,
  ParticipantInfo,
  ParticipantInfo_Kind,
  ParticipantInfo_State,
  ParticipantPermission,
  SignalResponse,
  WrappedJoinRequest,
  WrappedJoinRequest_Compression,
} from '@livekit/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import { type TokenClaims, TokenError, type VideoGrant, verifyToken } from './jwt.js';
import { FakeRoom, newSid } from './room.js';
import { ClientSession } from './session.js';
import { handleTwirp } from './twirp.js';

export { FakeRoom } from './room.js';
export type { ScriptedParticipant, SpeakerLevel } from './room.js';

export interface FakeLiveKitOptions {
  apiKey: string;
  apiSecret: string;
  /** 0 or unset: any free port */
  port?: number;
  /** how long a client whose signalling dropped may resume its session; default 15 s */
  resumeWindowMs?: number;
  /** debug output; silent when unset */
  log?: (message: string) => void;
}

export interface AcceptedJoin {
  identity: string;
  room: string;
  grants: Record<string, unknown>;
  /** true when the client resumed an existing session rather than joining anew */
  resume: boolean;
  /** '/rtc/v1' for current clients (single peer connection), '/rtc' for the legacy path */
  path: string;
}

interface JoinAttempt {
  claims: TokenClaims;
  grant: VideoGrant;
  roomName: string;
  request: JoinRequest;
  path: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class FakeLiveKit {
  readonly joins: AcceptedJoin[] = [];
  private readonly rooms = new Map<string, FakeRoom>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private http: Server | undefined;
  private port: number;
  private readonly log: (message: string) => void;

  private constructor(private readonly opts: FakeLiveKitOptions) {
    this.port = opts.port ?? 0;
    this.log = opts.log ?? (() => undefined);
  }

  static async start(opts: FakeLiveKitOptions): Promise<FakeLiveKit> {
    const server = new FakeLiveKit(opts);
    await server.listen();
    return server;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Makes a room live (listed by ListRooms); returns the existing one if it is already live. */
  createRoom(name: string): FakeRoom {
    let room = this.rooms.get(name);
    if (!room) {
      room = new FakeRoom(name);
      this.rooms.set(name, room);
    }
    return room;
  }

  room(name: string): FakeRoom | undefined {
    return this.rooms.get(name);
  }

  /** Live rooms, in creation order. */
  listRooms(): FakeRoom[] {
    return [...this.rooms.values()];
  }

  /** Removes the room; its clients get a leave with reason ROOM_DELETED, as from a real server. */
  deleteRoom(name: string): void {
    const room = this.rooms.get(name);
    if (!room) return;
    this.rooms.delete(name);
    for (const session of room.sessionsOf()) void session.leave(DisconnectReason.ROOM_DELETED);
  }

  /** Terminates signalling websockets without a goodbye, as a network drop would; sessions stay resumable. */
  dropConnections(room?: string): void {
    for (const r of this.rooms.values()) {
      if (room === undefined || r.name === room) for (const s of r.sessionsOf()) s.dropSignal();
    }
  }

  /** Simulates a server restart: every session is lost, then the server listens on the same port. */
  async restart(): Promise<void> {
    await this.shutdown();
    await this.listen();
  }

  async stop(): Promise<void> {
    await this.shutdown();
  }

  private async listen(): Promise<void> {
    const http = createServer((req, res) => void this.handleHttp(req, res));
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.handleUpgrade(req, socket, head),
    );
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (http.address() as AddressInfo).port;
    this.http = http;
  }

  private async shutdown(): Promise<void> {
    const http = this.http;
    this.http = undefined;
    const sessions = [...this.rooms.values()].flatMap((r) => r.sessionsOf());
    for (const ws of this.wss.clients) ws.terminate();
    await Promise.all(sessions.map((s) => s.close()));
    if (!http) return;
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.httpUrl);
    // livekit-client fetches /rtc/validate from the page's origin after a failed upgrade
    res.setHeader('access-control-allow-origin', '*');
    try {
      if (url.pathname.startsWith('/twirp/')) {
        await handleTwirp(req, res, url.pathname, this.twirpContext());
      } else if (url.pathname === '/rtc/validate' || url.pathname === '/rtc/v1/validate') {
        this.authorizeJoin(url);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('success');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(String((error as Error).message));
    }
  }

  private twirpContext() {
    return {
      apiKey: this.opts.apiKey,
      apiSecret: this.opts.apiSecret,
      rooms: () => this.listRooms(),
      create: (name: string) => this.createRoom(name),
      delete: (name: string) => this.deleteRoom(name),
    };
  }

  private handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', this.httpUrl);
    if (url.pathname !== '/rtc' && url.pathname !== '/rtc/v1') {
      rejectUpgrade(socket, 404, 'not found');
      return;
    }
    let attempt: JoinAttempt;
    try {
      attempt = this.authorizeJoin(url);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 400;
      this.log(`refused websocket: ${(error as Error).message}`);
      rejectUpgrade(socket, status, (error as Error).message);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSignalConnection(ws, attempt));
  }

  /** Checks the token (and decodes the join request) the way a LiveKit server does before upgrading. */
  private authorizeJoin(url: URL): JoinAttempt {
    const token = url.searchParams.get('access_token');
    if (!token) throw new HttpError(401, 'no access_token');
    let claims: TokenClaims;
    try {
      claims = verifyToken(token, this.opts.apiKey, this.opts.apiSecret);
    } catch (error) {
      if (error instanceof TokenError) throw new HttpError(401, `invalid token: ${error.message}`);
      throw error;
    }
    const grant = claims.video ?? {};
    if (!grant.roomJoin || !grant.room) throw new HttpError(401, 'permissions denied: no roomJoin grant');
    if (!claims.sub) throw new HttpError(401, 'token has no identity');
    const request = decodeJoinRequest(url);
    return { claims, grant, roomName: grant.room, request, path: url.pathname.replace(/\/validate$/, '') };
  }

  private onSignalConnection(ws: WebSocket, attempt: JoinAttempt): void {
    const { claims, grant, roomName, request, path } = attempt;
    const identity = claims.sub ?? '';
    if (request.reconnect) {
      this.resume(ws, attempt);
      return;
    }
    // like a server with auto_create: joining a room that is not live makes it live
    const room = this.createRoom(roomName);
    this.evictDuplicates(room, identity);
    const session = new ClientSession(participantFromToken(claims, grant), {
      onEnded: (s) => room.removeSession(s),
      log: this.log,
      resumeWindowMs: this.opts.resumeWindowMs ?? 15_000,
    });
    session.attach(ws);
    this.joins.push({ identity, room: roomName, grants: { ...grant }, resume: false, path });
    session.sendJoin(room.toProto(), room.participantsSeenBy(session));
    room.addSession(session);
    if (request.publisherOffer) session.acceptOffer(request.publisherOffer);
    this.log(`${identity} joined ${roomName} as ${session.sid}`);
  }

  private resume(ws: WebSocket, attempt: JoinAttempt): void {
    const { claims, grant, roomName, request, path } = attempt;
    const session = this.room(roomName)?.findSession(request.participantSid);
    if (!session || session.identity !== claims.sub) {
      // the session is gone (room deleted, server restarted): a real server asks for a full reconnect
      this.log(`resume of ${request.participantSid} refused: unknown session`);
      const leave = new LeaveRequest({
        canReconnect: true,
        reason: DisconnectReason.STATE_MISMATCH,
        action: LeaveRequest_Action.RECONNECT,
      });
      ws.send(new SignalResponse({ message: { case: 'leave', value: leave } }).toBinary());
      setTimeout(() => ws.close(), 50).unref();
      return;
    }
    session.attach(ws);
    this.joins.push({ identity: session.identity, room: roomName, grants: { ...grant }, resume: true, path });
    session.sendReconnect();
    this.log(`${session.identity} resumed ${session.sid}`);
  }

  /** A new join with an identity already in the room replaces the old participant, as on a real server. */
  private evictDuplicates(room: FakeRoom, identity: string): void {
    for (const old of room.sessionsOf(identity)) void old.leave(DisconnectReason.DUPLICATE_IDENTITY);
  }
}

/**
 * The v1 path carries a base64url WrappedJoinRequest (gzipped JoinRequest with the publisher
 * offer); the v0 path carries only query parameters.
 */
function decodeJoinRequest(url: URL): JoinRequest {
  const param = url.searchParams.get('join_request');
  if (!param) {
    return new JoinRequest({
      reconnect: url.searchParams.get('reconnect') === '1',
      participantSid: url.searchParams.get('sid') ?? '',
    });
  }
  try {
    const wrapped = WrappedJoinRequest.fromBinary(Buffer.from(param, 'base64url'));
    const bytes =
      wrapped.compression === WrappedJoinRequest_Compression.GZIP
        ? gunzipSync(wrapped.joinRequest)
        : wrapped.joinRequest;
    return JoinRequest.fromBinary(new Uint8Array(bytes));
  } catch (error) {
    throw new HttpError(400, `bad join_request: ${(error as Error).message}`);
  }
}

function participantFromToken(claims: TokenClaims, grant: VideoGrant): ParticipantInfo {
  const now = Date.now();
  return new ParticipantInfo({
    sid: newSid('PA'),
    identity: claims.sub ?? '',
    name: claims.name ?? '',
    metadata: claims.metadata ?? '',
    attributes: { ...(claims.attributes ?? {}) },
    kind: claims.kind === 'agent' ? ParticipantInfo_Kind.AGENT : ParticipantInfo_Kind.STANDARD,
    state: ParticipantInfo_State.JOINED,
    joinedAt: BigInt(Math.floor(now / 1000)),
    joinedAtMs: BigInt(now),
    version: 1,
    // unset publish/subscribe grants default to allowed, as on a real server
    permission: new ParticipantPermission({
      canSubscribe: grant.canSubscribe ?? true,
      canPublish: grant.canPublish ?? true,
      canPublishData: grant.canPublishData ?? true,
      hidden: grant.hidden ?? false,
      canUpdateMetadata: Boolean(grant.canUpdateOwnMetadata),
    }),
  });
}

function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  const reason = status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`,
  );
}
