// One connected livekit-client: its signalling websocket, its participant and the werift peer
// connection that answers the client's publisher offer. A session outlives its websocket so that a
// client whose signalling dropped can resume it (ReconnectResponse + ICE restart on the same PC).
import {
  ClientConfiguration,
  DataPacket,
  DisconnectReason,
  JoinResponse,
  LeaveRequest,
  LeaveRequest_Action,
  ParticipantInfo,
  Pong,
  ReconnectResponse,
  type Room,
  ServerInfo,
  SessionDescription,
  SignalRequest,
  SignalResponse,
  SignalTarget,
  TrickleRequest,
} from '@livekit/protocol';
import { RTCPeerConnection, type RTCDataChannel } from 'werift';
import type { WebSocket } from 'ws';

export const SERVER_VERSION = '1.9.0-fake';
const RELIABLE_LABEL = '_reliable';
const RELIABLE_WAIT_MS = 10_000;

export interface SessionHooks {
  /** The client asked to leave, or the session was closed for good. */
  onEnded(session: ClientSession): void;
  log(message: string): void;
  /** how long a session whose signalling dropped waits for the client to resume it */
  resumeWindowMs: number;
}

type SignalMessage = SignalResponse['message'];

export class ClientSession {
  private ws: WebSocket | undefined;
  private readonly pc: RTCPeerConnection;
  private reliable: RTCDataChannel | undefined;
  private reliableWaiters: Array<(dc: RTCDataChannel) => void> = [];
  // requests are handled one at a time, in order: a trickle candidate must not overtake its offer
  private queue: Promise<void> = Promise.resolve();
  private ended = false;
  private resumeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly participant: ParticipantInfo,
    private readonly hooks: SessionHooks,
  ) {
    this.pc = new RTCPeerConnection({ iceServers: [], iceUseIpv6: false });
    this.pc.onIceCandidate.subscribe((candidate) => {
      if (candidate) this.sendTrickle(JSON.stringify(candidate.toJSON()));
    });
    this.pc.onDataChannel.subscribe((dc) => this.adoptChannel(dc));
    this.pc.connectionStateChange.subscribe((state) => hooks.log(`${this.identity} pc ${state}`));
  }

  get identity(): string {
    return this.participant.identity;
  }

  get sid(): string {
    return this.participant.sid;
  }

  get hidden(): boolean {
    return this.participant.permission?.hidden ?? false;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Takes over a (new) signalling websocket; the previous one, if any, is closed. */
  attach(ws: WebSocket): void {
    if (this.ws && this.ws !== ws) this.ws.terminate();
    clearTimeout(this.resumeTimer);
    this.ws = ws;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.enqueue(() => this.handleRequest(SignalRequest.fromBinary(new Uint8Array(data))));
    });
    ws.on('close', () => {
      if (this.ws === ws) this.signalLost();
    });
  }

  sendJoin(room: Room, others: ParticipantInfo[]): void {
    this.send({
      case: 'join',
      value: new JoinResponse({
        room,
        participant: this.participant,
        otherParticipants: others,
        serverVersion: SERVER_VERSION,
        serverInfo: serverInfo(),
        iceServers: [],
        subscriberPrimary: false,
        clientConfiguration: new ClientConfiguration(),
        pingTimeout: 15,
        pingInterval: 5,
      }),
    });
  }

  sendReconnect(): void {
    this.send({
      case: 'reconnect',
      value: new ReconnectResponse({
        iceServers: [],
        clientConfiguration: new ClientConfiguration(),
        serverInfo: serverInfo(),
      }),
    });
  }

  /** Answers the publisher offer the client bundled with its join request. */
  acceptOffer(offer: SessionDescription): void {
    this.enqueue(() => this.answer(offer));
  }

  send(message: SignalMessage): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== ws.OPEN) return;
    ws.send(new SignalResponse({ message }).toBinary());
  }

  /** Writes a DataPacket on the reliable channel, waiting for the client to have opened it. */
  async sendData(packet: DataPacket): Promise<void> {
    const dc = await this.reliableChannel();
    dc.send(Buffer.from(packet.toBinary()));
  }

  /** Tells the client to leave for `reason`, then ends the session. */
  async leave(reason: DisconnectReason, action = LeaveRequest_Action.DISCONNECT): Promise<void> {
    this.send({ case: 'leave', value: new LeaveRequest({ canReconnect: false, reason, action }) });
    await this.close();
  }

  /** Closes the websocket abruptly, as a network drop would, but keeps the session resumable. */
  dropSignal(): void {
    const ws = this.ws;
    this.signalLost();
    ws?.terminate();
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.resumeTimer);
    // give a last signalling message (a leave) a moment to flush before the socket goes
    const ws = this.ws;
    this.ws = undefined;
    if (ws) setTimeout(() => ws.close(), 50).unref();
    await this.pc.close().catch(() => undefined);
    this.hooks.onEnded(this);
  }

  /** Like a real server, forget a participant whose client does not come back in time. */
  private signalLost(): void {
    this.ws = undefined;
    if (this.ended) return;
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => void this.close(), this.hooks.resumeWindowMs);
    this.resumeTimer.unref();
  }

  private enqueue(task: () => Promise<void> | void): void {
    this.queue = this.queue
      .then(task)
      .catch((error: unknown) => this.hooks.log(`${this.identity} request failed: ${String(error)}`));
  }

  private async handleRequest(request: SignalRequest): Promise<void> {
    const { message } = request;
    if (message.case !== 'ping' && message.case !== 'pingReq')
      this.hooks.log(`${this.identity} sent ${message.case}`);
    switch (message.case) {
      case 'offer':
        return this.answer(message.value);
      case 'trickle':
        // werift may hold a candidate for seconds; later requests (a leave) must not wait for it
        void this.addCandidate(message.value).catch((error: unknown) =>
          this.hooks.log(`${this.identity} candidate failed: ${String(error)}`),
        );
        return;
      case 'ping':
        return this.send({ case: 'pong', value: message.value });
      case 'pingReq':
        return this.send({
          case: 'pongResp',
          value: new Pong({ lastPingTimestamp: message.value.timestamp, timestamp: BigInt(Date.now()) }),
        });
      case 'leave':
        return this.close();
      default:
        // subscription settings, track settings and the like need no answer from a fake server
        return;
    }
  }

  private async answer(offer: SessionDescription): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    const sdp = fixRejectedPorts(this.pc.localDescription?.sdp ?? answer.sdp);
    this.hooks.log(`${this.identity} answered offer ${offer.id}:\n${sdp}`);
    this.send({
      case: 'answer',
      value: new SessionDescription({ type: 'answer', sdp, id: offer.id, midToTrackId: {} }),
    });
  }

  private async addCandidate(trickle: TrickleRequest): Promise<void> {
    const init = JSON.parse(trickle.candidateInit) as { candidate?: string };
    // an empty candidate is the client's end-of-candidates marker
    if (!init.candidate) return;
    await this.pc.addIceCandidate(init);
  }

  private sendTrickle(candidateInit: string): void {
    this.send({
      case: 'trickle',
      value: new TrickleRequest({ candidateInit, target: SignalTarget.PUBLISHER }),
    });
  }

  private adoptChannel(dc: RTCDataChannel): void {
    if (dc.label !== RELIABLE_LABEL) return;
    const ready = () => {
      this.reliable = dc;
      for (const wake of this.reliableWaiters.splice(0)) wake(dc);
    };
    if (dc.readyState === 'open') ready();
    else dc.stateChanged.subscribe((state) => state === 'open' && ready());
  }

  private reliableChannel(): Promise<RTCDataChannel> {
    const dc = this.reliable;
    if (dc && dc.readyState === 'open') return Promise.resolve(dc);
    // a client that never opens the channel (no offer, failed ICE) must fail the send, not hang it
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.reliableWaiters = this.reliableWaiters.filter((w) => w !== wake);
        reject(new Error(`${this.identity} has no open ${RELIABLE_LABEL} data channel`));
      }, RELIABLE_WAIT_MS);
      const wake = (ready: RTCDataChannel) => {
        clearTimeout(timer);
        resolve(ready);
      };
      this.reliableWaiters.push(wake);
    });
  }
}

function serverInfo(): ServerInfo {
  return new ServerInfo({ version: SERVER_VERSION, protocol: 16, region: 'local', nodeId: 'fake-node' });
}

/**
 * werift answers an m-line it rejects with port 0 but keeps it in the BUNDLE group, and Chromium
 * refuses such an answer; port 9 (the usual "discard" placeholder) makes it acceptable.
 */
export function fixRejectedPorts(sdp: string): string {
  return sdp.replace(/^m=(\w+) 0 /gm, 'm=$1 9 ');
}
