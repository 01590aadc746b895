// RoomService over Twirp (JSON), the subset an observer uses to discover live rooms.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CreateRoomRequest,
  DeleteRoomRequest,
  DeleteRoomResponse,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
} from '@livekit/protocol';
import { bearerToken, TokenError, type VideoGrant, verifyToken } from './jwt.js';
import type { FakeRoom } from './room.js';

const PREFIX = '/twirp/livekit.RoomService/';

export interface TwirpContext {
  apiKey: string;
  apiSecret: string;
  rooms(): FakeRoom[];
  create(name: string): FakeRoom;
  delete(name: string): void;
}

class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Method = (body: unknown, grant: VideoGrant, ctx: TwirpContext) => unknown;

const methods: Record<string, { needs: (g: VideoGrant) => boolean; run: Method }> = {
  ListRooms: { needs: (g) => Boolean(g.roomList), run: listRooms },
  ListParticipants: { needs: (g) => Boolean(g.roomAdmin), run: listParticipants },
  CreateRoom: { needs: (g) => Boolean(g.roomCreate), run: createRoom },
  DeleteRoom: { needs: (g) => Boolean(g.roomCreate), run: deleteRoom },
};

export async function handleTwirp(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  ctx: TwirpContext,
): Promise<void> {
  try {
    const method = pathname.startsWith(PREFIX) ? methods[pathname.slice(PREFIX.length)] : undefined;
    if (!method) throw new TwirpError(404, 'bad_route', `no handler for ${pathname}`);
    if (req.method !== 'POST') throw new TwirpError(404, 'bad_route', 'twirp methods are POST only');
    const grant = authorize(req, ctx);
    if (!method.needs(grant)) throw new TwirpError(401, 'unauthenticated', 'permissions denied');
    const body = await readJson(req);
    reply(res, 200, method.run(body, grant, ctx));
  } catch (error) {
    const e = error instanceof TwirpError ? error : new TwirpError(500, 'internal', String(error));
    reply(res, e.status, { code: e.code, msg: e.message });
  }
}

function authorize(req: IncomingMessage, ctx: TwirpContext): VideoGrant {
  const token = bearerToken(req.headers.authorization);
  if (!token) throw new TwirpError(401, 'unauthenticated', 'authorization required');
  try {
    return verifyToken(token, ctx.apiKey, ctx.apiSecret).video ?? {};
  } catch (error) {
    if (error instanceof TokenError) throw new TwirpError(401, 'unauthenticated', error.message);
    throw error;
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TwirpError(400, 'malformed', 'body is not JSON');
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function listRooms(body: unknown, _grant: VideoGrant, ctx: TwirpContext): unknown {
  // protobuf JSON accepts both the snake_case and camelCase spellings clients use
  const request = ListRoomsRequest.fromJson(body as never, { ignoreUnknownFields: true });
  const wanted = new Set(request.names);
  const rooms = ctx.rooms().filter((r) => wanted.size === 0 || wanted.has(r.name));
  return new ListRoomsResponse({ rooms: rooms.map((r) => r.toProto()) }).toJson();
}

function listParticipants(body: unknown, _grant: VideoGrant, ctx: TwirpContext): unknown {
  const request = ListParticipantsRequest.fromJson(body as never, { ignoreUnknownFields: true });
  const room = ctx.rooms().find((r) => r.name === request.room);
  if (!room) throw new TwirpError(404, 'not_found', 'requested room does not exist');
  return new ListParticipantsResponse({ participants: room.participantInfos() }).toJson();
}

function createRoom(body: unknown, _grant: VideoGrant, ctx: TwirpContext): unknown {
  const request = CreateRoomRequest.fromJson(body as never, { ignoreUnknownFields: true });
  if (!request.name) throw new TwirpError(400, 'invalid_argument', 'room name is required');
  return ctx.create(request.name).toProto().toJson();
}

function deleteRoom(body: unknown, _grant: VideoGrant, ctx: TwirpContext): unknown {
  const request = DeleteRoomRequest.fromJson(body as never, { ignoreUnknownFields: true });
  if (!ctx.rooms().some((r) => r.name === request.room))
    throw new TwirpError(404, 'not_found', 'requested room does not exist');
  ctx.delete(request.room);
  return new DeleteRoomResponse().toJson();
}
