// The observer page: livekit-client in a browser (headless Chromium from the CLI, a hidden window
// in the desktop app), one Room per watched room, subscribing to nothing. It reports what each
// Room tells it through the host's REPORT_BINDING and does nothing else; decisions live in Node.

import { DisconnectReason, Room, RoomEvent, type Participant } from 'livekit-client';
import {
  PAGE_GLOBAL,
  REPORT_BINDING,
  type Observation,
  type ObserverPageApi,
  type SeenPeer,
} from '../shared/observation.js';

type Report = (json: string) => Promise<void> | void;
type WithoutBase<T> = T extends unknown ? Omit<T, 'room' | 'time'> : never;

const rooms = new Map<string, Room>();

function report(room: string, o: WithoutBase<Observation>): void {
  const fn = (globalThis as unknown as Record<string, Report | undefined>)[REPORT_BINDING];
  void fn?.(JSON.stringify({ room, time: Date.now(), ...o }));
}

function peer(p: Participant): SeenPeer {
  return { identity: p.identity, kind: p.kind as unknown as number, attributes: { ...p.attributes } };
}

function toBase64(chunks: Uint8Array[]): string {
  let s = '';
  for (const c of chunks) for (let i = 0; i < c.length; i++) s += String.fromCharCode(c[i]!);
  return btoa(s);
}

function watch(name: string, room: Room): void {
  room
    .on(RoomEvent.ParticipantConnected, (p) => report(name, { type: 'participant_joined', peer: peer(p) }))
    .on(RoomEvent.ParticipantDisconnected, (p) => report(name, { type: 'participant_left', peer: peer(p) }))
    .on(RoomEvent.ParticipantAttributesChanged, (_changed, p) => {
      if (p !== room.localParticipant) report(name, { type: 'attributes', peer: peer(p) });
    })
    .on(RoomEvent.ActiveSpeakersChanged, (speakers) =>
      report(name, {
        type: 'speakers',
        speakers: speakers.filter((p) => p !== room.localParticipant).map(peer),
      }),
    )
    // A dropped websocket resumes with SignalReconnecting and no Reconnecting: both mean away.
    .on(RoomEvent.SignalReconnecting, () => report(name, { type: 'reconnecting' }))
    .on(RoomEvent.Reconnecting, () => report(name, { type: 'reconnecting' }))
    .on(RoomEvent.Reconnected, () =>
      report(name, { type: 'reconnected', participants: [...room.remoteParticipants.values()].map(peer) }),
    )
    .on(RoomEvent.Disconnected, (reason) => {
      if (rooms.get(name) === room) rooms.delete(name);
      report(name, {
        type: 'disconnected',
        reason: reason === undefined ? 'UNKNOWN_REASON' : (DisconnectReason[reason] ?? String(reason)),
      });
    });
  room.registerTextStreamHandler('lk.transcription', (reader, from) => {
    const sender = room.remoteParticipants.get(from.identity);
    const info = reader.info;
    void (async () => {
      // The first chunk is enough to know who is speaking and whether the text is final.
      let text = '';
      for await (const chunk of reader) {
        text = chunk;
        break;
      }
      report(name, {
        type: 'transcription',
        from: sender ? peer(sender) : { identity: from.identity },
        streamId: info.id,
        attributes: { ...(info.attributes ?? {}) },
        text,
      });
    })().catch(() => undefined);
  });
  room.registerByteStreamHandler('lk.agent.session', (reader, from) => {
    const sender = room.remoteParticipants.get(from.identity);
    void reader
      .readAll()
      .then((chunks) =>
        report(name, {
          type: 'agent_session',
          from: sender ? peer(sender) : { identity: from.identity },
          data: toBase64(chunks),
        }),
      )
      .catch(() => undefined);
  });
}

const api: ObserverPageApi = {
  async join(name, url, token) {
    await rooms.get(name)?.disconnect();
    // No media: speaking activity comes from the server's speaker updates over signalling.
    const room = new Room({ adaptiveStream: false, dynacast: false });
    rooms.set(name, room);
    watch(name, room);
    try {
      await room.connect(url, token, { autoSubscribe: false });
    } catch (e) {
      rooms.delete(name);
      room.removeAllListeners();
      await room.disconnect().catch(() => undefined);
      report(name, { type: 'join_failed', message: e instanceof Error ? e.message : String(e) });
      return;
    }
    report(name, {
      type: 'connected',
      roomSid: await room.getSid().catch(() => undefined),
      participants: [...room.remoteParticipants.values()].map(peer),
    });
  },
  async leave(name) {
    const room = rooms.get(name);
    rooms.delete(name);
    await room?.disconnect();
  },
};

(globalThis as unknown as Record<string, unknown>)[PAGE_GLOBAL] = api;
