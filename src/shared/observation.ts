// What the observer page (livekit-client in a browser) reports to its host, one message per thing
// it saw. The page stays thin: it forwards what livekit-client tells it, with the moment it saw it,
// and the host turns that into AgentEvents (mapper.ts) where it can be tested without a browser.

export interface SeenPeer {
  identity: string;
  /** livekit-client's ParticipantKind (4 = AGENT). */
  kind?: number;
  attributes?: Record<string, string>;
}

interface Base {
  /** The room this page connection watches (its name). */
  room: string;
  /** When the page saw it (epoch ms, the page's clock). */
  time: number;
}

export type Observation = Base &
  (
    | { type: 'connected'; roomSid?: string; participants: SeenPeer[] }
    | { type: 'participant_joined'; peer: SeenPeer }
    | { type: 'participant_left'; peer: SeenPeer }
    | { type: 'attributes'; peer: SeenPeer }
    | { type: 'speakers'; speakers: SeenPeer[] }
    /** A `lk.transcription` text stream: its first chunk (agent speech grows stream by stream). */
    | {
        type: 'transcription';
        from: SeenPeer;
        streamId: string;
        attributes: Record<string, string>;
        text: string;
      }
    /** A `lk.agent.session` byte stream: one binary AgentSessionMessage, base64. */
    | { type: 'agent_session'; from: SeenPeer; data: string }
    /** The connection dropped (signal or media); livekit-client is resuming or rejoining. */
    | { type: 'reconnecting' }
    /** Back, with who is in the room now (a full rejoin replays every participant as left and joined). */
    | { type: 'reconnected'; participants: SeenPeer[] }
    /** The page's connection ended; `reason` is livekit-client's DisconnectReason name. */
    | { type: 'disconnected'; reason: string }
    /** Joining failed; `message` is livekit-client's error text. */
    | { type: 'join_failed'; message: string }
  );

/** The functions the page exposes to its host. */
export interface ObserverPageApi {
  join(room: string, url: string, token: string): Promise<void>;
  leave(room: string): Promise<void>;
}

/** The function name the host exposes to the page for reporting observations. */
export const REPORT_BINDING = 'deadairReport';
/** The global the page puts its API on. */
export const PAGE_GLOBAL = 'deadairObserver';

const TYPES = new Set<string>([
  'connected',
  'participant_joined',
  'participant_left',
  'attributes',
  'speakers',
  'transcription',
  'agent_session',
  'reconnecting',
  'reconnected',
  'disconnected',
  'join_failed',
]);

/**
 * An observation as the page sent it (JSON), if it is one: an object naming its room, its time
 * and a known type. What crosses from a page is checked, never trusted; anything else is dropped.
 */
export function parseObservation(json: unknown): Observation | undefined {
  if (typeof json !== 'string' || json.length > 4_000_000) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.room !== 'string' || typeof o.time !== 'number' || !Number.isFinite(o.time)) return undefined;
  if (typeof o.type !== 'string' || !TYPES.has(o.type)) return undefined;
  return v as Observation;
}

/** The one IPC channel a tray app's hidden observer window reports on (its preload sends, main checks). */
export const OBSERVATION_IPC = 'deadair:observation';
