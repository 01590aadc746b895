// A real caller for the end-to-end tests: a visible participant that joins a room on the real
// LiveKit server through @livekit/rtc-node (the Node SDK; it ignores loopback, so the server must
// advertise a host candidate on a real interface — it does by default) and speaks real audio: a
// WAV made with espeak-ng, published as a microphone track and paced in real time.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackPublishOptions,
  TrackSource,
  type RemoteParticipant,
} from '@livekit/rtc-node';
import { RoomAgentDispatch, RoomConfiguration } from '@livekit/protocol';
import { AccessToken } from 'livekit-server-sdk';

export const SAMPLE_RATE = 48_000;
const FRAME_MS = 10;
const FRAME = (SAMPLE_RATE * FRAME_MS) / 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Mono 16-bit PCM at 48 kHz of `text` spoken by espeak-ng (resampled with sox when present). */
export function speech(text: string, file: string): Int16Array {
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', file, text]);
  return wavToPcm48k(readFileSync(file));
}

/** Parses a PCM WAV (mono or stereo, 16-bit) and resamples it linearly to 48 kHz mono. */
export function wavToPcm48k(buf: Buffer): Int16Array {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error('not a WAV file');
  let off = 12;
  let rate = 0;
  let channels = 1;
  let bits = 16;
  let data: Buffer | undefined;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    let size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
    } else if (id === 'data') {
      // espeak-ng writing to a file may leave the size at 0x7fffffff: take what is there.
      size = Math.min(size, buf.length - body);
      data = buf.subarray(body, body + size);
    }
    off = body + size + (size % 2);
  }
  if (!data || !rate || bits !== 16) throw new Error(`unsupported WAV (rate ${rate}, ${bits} bits)`);
  const n = Math.floor(data.length / 2 / channels);
  const mono = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += data.readInt16LE((i * channels + c) * 2);
    mono[i] = s / channels;
  }
  const out = new Int16Array(Math.floor((n * SAMPLE_RATE) / rate));
  for (let i = 0; i < out.length; i++) {
    const x = (i * rate) / SAMPLE_RATE;
    const a = Math.floor(x);
    const b = Math.min(n - 1, a + 1);
    out[i] = Math.round((mono[a] ?? 0) * (1 - (x - a)) + (mono[b] ?? 0) * (x - a));
  }
  return out;
}

export interface Caller {
  room: Room;
  identity: string;
  /** Plays the PCM into the room in real time, then `trailingSilenceMs` of silence. */
  say(pcm: Int16Array, trailingSilenceMs?: number): Promise<void>;
  /** Silence for `ms` (keeps the track flowing, as a microphone does). */
  silence(ms: number): Promise<void>;
  /** Remote participants the caller sees (a hidden observer is not among them). */
  remotes(): RemoteParticipant[];
  leave(): Promise<void>;
}

export async function joinAsCaller(opts: {
  url: string;
  apiKey: string;
  apiSecret: string;
  room: string;
  identity: string;
  /** Publish a microphone track (default true). */
  microphone?: boolean;
  /** Dispatch this agent into the room when the caller creates it (explicit dispatch). */
  agentName?: string;
}): Promise<Caller> {
  const at = new AccessToken(opts.apiKey, opts.apiSecret, { identity: opts.identity, ttl: '10m' });
  at.addGrant({ roomJoin: true, room: opts.room, canPublish: true, canSubscribe: true });
  if (opts.agentName)
    at.roomConfig = new RoomConfiguration({ agents: [new RoomAgentDispatch({ agentName: opts.agentName })] });
  const room = new Room();
  // What an agent sends its user (transcripts, agents-js's session feed): read and dropped, as a
  // client app that shows none of it would (rtc-node logs every stream nobody handles).
  room.registerTextStreamHandler('lk.transcription', (reader) => void reader.readAll().catch(() => ''));
  room.registerByteStreamHandler('lk.agent.session', (reader) => void reader.readAll().catch(() => []));
  await room.connect(opts.url, await at.toJwt(), { autoSubscribe: true, dynacast: false });
  let source: AudioSource | undefined;
  if (opts.microphone !== false) {
    source = new AudioSource(SAMPLE_RATE, 1);
    const track = LocalAudioTrack.createAudioTrack('microphone', source);
    const publish = new TrackPublishOptions();
    publish.source = TrackSource.SOURCE_MICROPHONE;
    await room.localParticipant!.publishTrack(track, publish);
  }
  // Pace frames on the wall clock: captureFrame queues, the source plays out at real time.
  const push = async (pcm: Int16Array) => {
    if (!source) throw new Error('the caller has no microphone');
    for (let i = 0; i < pcm.length; i += FRAME) {
      const chunk = new Int16Array(FRAME);
      chunk.set(pcm.subarray(i, Math.min(pcm.length, i + FRAME)));
      await source.captureFrame(new AudioFrame(chunk, SAMPLE_RATE, 1, FRAME));
    }
  };
  const silence = (ms: number) => push(new Int16Array(Math.round((SAMPLE_RATE * ms) / 1000)));
  let left = false;
  return {
    room,
    identity: opts.identity,
    say: async (pcm, trailingSilenceMs = 600) => {
      await push(pcm);
      await silence(trailingSilenceMs);
    },
    silence,
    remotes: () => [...room.remoteParticipants.values()],
    leave: async () => {
      if (left) return;
      left = true;
      await room.disconnect();
      await source?.close().catch(() => undefined);
    },
  };
}

/** Resolves when `pred` holds for a participant the caller sees, or rejects after `ms`. */
export async function waitForRemote(
  caller: Caller,
  pred: (p: RemoteParticipant) => boolean,
  ms: number,
): Promise<RemoteParticipant> {
  const end = Date.now() + ms;
  for (;;) {
    const p = caller.remotes().find(pred);
    if (p) return p;
    if (Date.now() > end) throw new Error(`no such participant within ${ms} ms`);
    await sleep(100);
  }
}

export { RoomEvent };
