// A scripted room: participants the test adds (an agent, a user) plus the real clients connected
// to it. Every change is pushed to the connected clients the way a LiveKit server pushes it.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  DataPacket,
  DataPacket_Kind,
  DataStream_ByteHeader,
  DataStream_Chunk,
  DataStream_Header,
  DataStream_TextHeader,
  DataStream_Trailer,
  DisconnectReason,
  ParticipantInfo,
  ParticipantInfo_Kind,
  ParticipantInfo_State,
  ParticipantUpdate,
  Room,
  RoomUpdate,
  SpeakerInfo,
  SpeakersChanged,
} from '@livekit/protocol';
import type { ClientSession } from './session.js';

// livekit-client's own chunk size for data streams; keeps each packet well under the SCTP limit
const STREAM_CHUNK_BYTES = 15_000;

export interface ScriptedParticipant {
  identity: string;
  name?: string;
  kind?: 'standard' | 'agent';
  attributes?: Record<string, string>;
}

export interface SpeakerLevel {
  identity: string;
  level: number;
  active: boolean;
}

export function newSid(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export class FakeRoom {
  readonly sid = newSid('RM');
  readonly creationTime = BigInt(Math.floor(Date.now() / 1000));
  private readonly scripted = new Map<string, ParticipantInfo>();
  private readonly sessions = new Set<ClientSession>();

  constructor(readonly name: string) {}

  /** Connected clients (observers), hidden or not. */
  get observers(): number {
    return [...this.sessions].filter((s) => !s.isEnded).length;
  }

  addParticipant(p: ScriptedParticipant): void {
    const now = Date.now();
    const info = new ParticipantInfo({
      sid: newSid('PA'),
      identity: p.identity,
      name: p.name ?? p.identity,
      kind: p.kind === 'agent' ? ParticipantInfo_Kind.AGENT : ParticipantInfo_Kind.STANDARD,
      state: ParticipantInfo_State.ACTIVE,
      joinedAt: BigInt(Math.floor(now / 1000)),
      joinedAtMs: BigInt(now),
      version: 1,
      attributes: { ...(p.attributes ?? {}) },
    });
    this.scripted.set(p.identity, info);
    this.broadcastParticipants([info]);
    this.broadcastRoomUpdate();
  }

  setAttributes(identity: string, attrs: Record<string, string>): void {
    const info = this.requireScripted(identity);
    info.attributes = { ...info.attributes, ...attrs };
    info.version += 1;
    this.broadcastParticipants([info]);
  }

  removeParticipant(identity: string): void {
    const info = this.requireScripted(identity);
    this.scripted.delete(identity);
    const gone = info.clone();
    gone.state = ParticipantInfo_State.DISCONNECTED;
    gone.disconnectReason = DisconnectReason.CLIENT_INITIATED;
    gone.version += 1;
    this.broadcastParticipants([gone]);
    this.broadcastRoomUpdate();
  }

  setSpeakers(speakers: SpeakerLevel[]): void {
    const infos = speakers.map(
      (s) => new SpeakerInfo({ sid: this.sidOf(s.identity), level: s.level, active: s.active }),
    );
    const value = new SpeakersChanged({ speakers: infos });
    for (const session of this.sessions) session.send({ case: 'speakersChanged', value });
  }

  /** A text data stream (header, chunks, trailer) from `from`, as livekit-client's streamText writes it. */
  async sendText(
    from: string,
    topic: string,
    text: string,
    attributes: Record<string, string> = {},
  ): Promise<void> {
    const content = new TextEncoder().encode(text);
    const textHeader = new DataStream_TextHeader({ version: 0, generated: false });
    await this.sendStream(from, topic, content, attributes, 'text/plain', {
      case: 'textHeader',
      value: textHeader,
    });
  }

  async sendBytes(
    from: string,
    topic: string,
    bytes: Uint8Array,
    attributes: Record<string, string> = {},
  ): Promise<void> {
    await this.sendStream(from, topic, bytes, attributes, 'application/octet-stream', {
      case: 'byteHeader',
      value: new DataStream_ByteHeader({ name: topic }),
    });
  }

  /** @internal the server adds a client once its JoinResponse went out */
  addSession(session: ClientSession): void {
    this.sessions.add(session);
    if (!session.hidden) this.broadcastParticipants([session.participant], session);
    this.broadcastRoomUpdate();
  }

  /** @internal */
  removeSession(session: ClientSession): void {
    if (!this.sessions.delete(session)) return;
    if (!session.hidden) {
      const gone = session.participant.clone();
      gone.state = ParticipantInfo_State.DISCONNECTED;
      gone.version += 1;
      this.broadcastParticipants([gone]);
    }
    this.broadcastRoomUpdate();
  }

  /** @internal */
  findSession(sid: string): ClientSession | undefined {
    return [...this.sessions].find((s) => s.sid === sid && !s.isEnded);
  }

  /** @internal */
  sessionsOf(identity?: string): ClientSession[] {
    return [...this.sessions].filter((s) => identity === undefined || s.identity === identity);
  }

  /** @internal the participants `viewer` should know about: everyone but itself and hidden clients */
  participantsSeenBy(viewer: ClientSession): ParticipantInfo[] {
    const clients = [...this.sessions].filter((s) => s !== viewer && !s.hidden).map((s) => s.participant);
    return [...this.scripted.values(), ...clients];
  }

  /** @internal */
  participantInfos(): ParticipantInfo[] {
    return [...this.scripted.values(), ...[...this.sessions].map((s) => s.participant)];
  }

  /** @internal */
  toProto(): Room {
    const participants = this.participantInfos();
    return new Room({
      sid: this.sid,
      name: this.name,
      emptyTimeout: 300,
      departureTimeout: 20,
      creationTime: this.creationTime,
      creationTimeMs: this.creationTime * 1000n,
      numParticipants: participants.filter((p) => !p.permission?.hidden).length,
      numPublishers: 0,
    });
  }

  private async sendStream(
    from: string,
    topic: string,
    content: Uint8Array,
    attributes: Record<string, string>,
    mimeType: string,
    contentHeader: DataStream_Header['contentHeader'],
  ): Promise<void> {
    const streamId = randomUUID();
    const header = new DataStream_Header({
      streamId,
      timestamp: BigInt(Date.now()),
      topic,
      mimeType,
      totalLength: BigInt(content.length),
      attributes,
      contentHeader,
    });
    const packets = [this.packet(from, { case: 'streamHeader', value: header })];
    for (let index = 0, offset = 0; offset < content.length; index += 1, offset += STREAM_CHUNK_BYTES) {
      const chunk = new DataStream_Chunk({
        streamId,
        chunkIndex: BigInt(index),
        content: content.subarray(offset, offset + STREAM_CHUNK_BYTES),
      });
      packets.push(this.packet(from, { case: 'streamChunk', value: chunk }));
    }
    packets.push(this.packet(from, { case: 'streamTrailer', value: new DataStream_Trailer({ streamId }) }));
    const live = [...this.sessions].filter((s) => !s.isEnded);
    await Promise.all(live.map((s) => sendInOrder(s, packets)));
  }

  private packet(from: string, value: DataPacket['value']): DataPacket {
    return new DataPacket({
      kind: DataPacket_Kind.RELIABLE,
      participantIdentity: from,
      participantSid: this.scripted.get(from)?.sid ?? '',
      value,
    });
  }

  private broadcastParticipants(participants: ParticipantInfo[], except?: ClientSession): void {
    const value = new ParticipantUpdate({ participants });
    for (const session of this.sessions) {
      if (session !== except) session.send({ case: 'update', value });
    }
  }

  private broadcastRoomUpdate(): void {
    const value = new RoomUpdate({ room: this.toProto() });
    for (const session of this.sessions) session.send({ case: 'roomUpdate', value });
  }

  private requireScripted(identity: string): ParticipantInfo {
    const info = this.scripted.get(identity);
    if (!info) throw new Error(`no scripted participant ${identity} in room ${this.name}`);
    return info;
  }

  private sidOf(identity: string): string {
    const info = this.scripted.get(identity) ?? this.sessionsOf(identity)[0]?.participant;
    if (!info) throw new Error(`no participant ${identity} in room ${this.name}`);
    return info.sid;
  }
}

async function sendInOrder(session: ClientSession, packets: DataPacket[]): Promise<void> {
  for (const packet of packets) await session.sendData(packet);
}
