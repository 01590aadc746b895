// Bundled for Chromium by the fake-livekit test: connects livekit-client the way the observer does
// and records what the Room reports, for the test to read back with page.evaluate.
import { DisconnectReason, Room, RoomEvent, type Participant } from 'livekit-client';

export interface RecordedEvent {
  type: string;
  at: number;
  [key: string]: unknown;
}

const events: RecordedEvent[] = [];
let room: Room | undefined;

function record(type: string, fields: Record<string, unknown> = {}): void {
  events.push({ type, at: Date.now(), ...fields });
}

function describe(p: Participant): Record<string, unknown> {
  return {
    identity: p.identity,
    sid: p.sid,
    kind: p.kind,
    isAgent: p.isAgent,
    attributes: { ...p.attributes },
  };
}

function listen(r: Room): void {
  r.on(RoomEvent.ParticipantConnected, (p) => record('participantConnected', describe(p)));
  r.on(RoomEvent.ParticipantDisconnected, (p) => record('participantDisconnected', describe(p)));
  r.on(RoomEvent.ParticipantAttributesChanged, (changed, p) =>
    record('attributesChanged', { ...describe(p), changed: { ...changed } }),
  );
  r.on(RoomEvent.ActiveSpeakersChanged, (speakers) =>
    record('activeSpeakers', { identities: speakers.map((s) => s.identity) }),
  );
  r.on(RoomEvent.Reconnecting, () => record('reconnecting'));
  r.on(RoomEvent.SignalReconnecting, () => record('signalReconnecting'));
  r.on(RoomEvent.Reconnected, () => record('reconnected'));
  r.on(RoomEvent.Disconnected, (reason) =>
    record('disconnected', {
      reason,
      reasonName: reason === undefined ? undefined : DisconnectReason[reason],
    }),
  );
  r.registerTextStreamHandler('lk.transcription', async (reader, from) => {
    const text = await reader.readAll();
    record('text', {
      topic: reader.info.topic,
      from: from.identity,
      text,
      attributes: reader.info.attributes,
    });
  });
  r.registerByteStreamHandler('lk.agent.session', async (reader, from) => {
    const chunks = await reader.readAll();
    const size = chunks.reduce((n, c) => n + c.byteLength, 0);
    record('bytes', {
      topic: reader.info.topic,
      from: from.identity,
      size,
      attributes: reader.info.attributes,
    });
  });
}

/** `singlePeerConnection: false` makes livekit-client use the legacy /rtc path with two peer connections. */
async function connect(
  url: string,
  token: string,
  singlePeerConnection = true,
): Promise<{ sid: string; remote: string[] }> {
  room = new Room({ singlePeerConnection });
  listen(room);
  await room.connect(url, token, { autoSubscribe: false });
  record('connected');
  return { sid: room.localParticipant.sid, remote: [...room.remoteParticipants.keys()] };
}

async function connectError(url: string, token: string): Promise<string> {
  const r = new Room();
  try {
    await r.connect(url, token, { autoSubscribe: false, maxRetries: 0 });
    await r.disconnect();
    return 'connected';
  } catch (error) {
    return String(error);
  }
}

async function disconnect(): Promise<void> {
  await room?.disconnect();
}

function state(): string | undefined {
  return room?.state;
}

Object.assign(globalThis, { fakeLk: { connect, connectError, disconnect, events, state } });
