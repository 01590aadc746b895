// One real call for the end-to-end scenarios: the gateway stand-in answering as the scenario asks,
// a real agent worker (agents-js or Python) registered with the real LiveKit server and writing its
// log file, `deadair watch --rooms 'e2e-*' <that log>` running, and a real caller that joins a new
// `e2e-*` room (dispatching the agent into it) and speaks with espeak-ng's voice.
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ParticipantKind, RoomEvent, type Participant, type RemoteParticipant } from '@livekit/rtc-node';
import { startNodeAgent, type AgentProcess } from './agents.js';
import { joinAsCaller, speech, waitForRemote, type Caller } from './caller.js';
import type { LivekitServer } from './livekit-server.js';
import { startWatch, type JsonFinding, type Watching } from './watch.js';

export interface Gateway {
  url: string;
  requests: { method: string; url: string; at: number }[];
  heard: { text: string; at: number }[];
  llmRequests(): number;
  close(): Promise<void>;
}

export interface CallOptions {
  server: LivekitServer;
  dir: string;
  /** Scenario name: the room is `e2e-<name>-<random>`, the agent's name `e2e-<name>`. */
  name: string;
  /** What the gateway's LLM does (test/real-livekit/gateway.mjs). */
  llm: string;
  rateLimited?: number;
  transcripts?: string[];
  mode?: 'start' | 'dev';
  /**
   * Keep the agent's log as `<DEADAIR_E2E_RECORD>/<record.dir>/<record.name>.<mode>.log` once the
   * call is over, when DEADAIR_E2E_RECORD is set (test/real-livekit/record.sh: the fixtures).
   */
  record?: { dir: string; name: string };
  /**
   * Let deadair notify and speak (no --no-notify / --no-sound), through stand-ins for notify-send
   * and the audio players on PATH that write down each call (see `sinks()`).
   */
  sinks?: boolean;
  /** deadair's detector settings (the config file's `detectors`). */
  detectors?: Record<string, number>;
  startAgent?: (o: {
    server: LivekitServer;
    gatewayUrl: string;
    agentName: string;
    mode: 'start' | 'dev';
    log: string;
  }) => Promise<AgentProcess>;
}

export interface Call {
  room: string;
  gw: Gateway;
  agent: AgentProcess;
  watch: Watching;
  caller: Caller;
  agentPeer: RemoteParticipant;
  /** Every `lk.agent.state` the caller saw, in order, with when. */
  states: { state: string; at: number }[];
  /** Speaks `text` (espeak-ng), then silence, and resolves once the STT heard the turn end. */
  say(text: string): Promise<void>;
  /** Resolves when the agent's state reaches `state` after index `from` of `states`. */
  waitState(state: string, from: number, ms: number): Promise<number>;
  findings(): JsonFinding[];
  /** With `sinks`: each notify-send / paplay / aplay deadair ran, as `<command> <args>`. */
  sinks(): string[];
  alerts(): JsonFinding[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function openCall(o: CallOptions): Promise<Call> {
  // @ts-expect-error: a plain .mjs module without types
  const { startGateway } = (await import('../real-livekit/gateway.mjs')) as {
    startGateway: (opts: object) => Promise<Gateway>;
  };
  const tag = randomBytes(3).toString('hex');
  const room = `e2e-${o.name}-${tag}`;
  const agentName = `e2e-${o.name}-${tag}`;
  const gw = await startGateway({ llm: o.llm, rateLimited: o.rateLimited, transcripts: o.transcripts });
  // DEADAIR_E2E_MODE=start|dev runs every call in that mode (to record both formats).
  const envMode = process.env.DEADAIR_E2E_MODE;
  const mode = envMode === 'start' || envMode === 'dev' ? envMode : (o.mode ?? 'start');
  const log = join(o.dir, `${o.name}.${mode}.log`);
  const cleanups: (() => Promise<unknown>)[] = [() => gw.close()];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const agent = await (o.startAgent ?? startNodeAgent)({
      server: o.server,
      gatewayUrl: gw.url,
      agentName,
      mode,
      log,
    });
    cleanups.push(async () => {
      await agent.stop();
      const keep = process.env.DEADAIR_E2E_RECORD;
      if (keep && o.record) {
        mkdirSync(join(keep, o.record.dir), { recursive: true });
        copyFileSync(log, join(keep, o.record.dir, `${o.record.name}.${mode}.log`));
      }
    });
    const config = join(o.dir, `${o.name}.config.json`);
    writeFileSync(config, JSON.stringify({ detectors: o.detectors ?? {} }));
    const sinkLog = join(o.dir, `${o.name}.sinks.log`);
    const sinkEnv: NodeJS.ProcessEnv = {};
    if (o.sinks) {
      const bin = join(o.dir, `${o.name}-bin`);
      mkdirSync(bin, { recursive: true });
      for (const cmd of ['notify-send', 'paplay', 'aplay']) {
        writeFileSync(join(bin, cmd), `#!/bin/sh\nprintf '%s\\n' "${cmd} $*" >> '${sinkLog}'\n`);
        chmodSync(join(bin, cmd), 0o755);
      }
      sinkEnv.PATH = `${bin}${delimiter}${process.env.PATH ?? ''}`;
    }
    const quiet = o.sinks ? [] : ['--no-notify', '--no-sound'];
    const watch = startWatch(
      ['--json', ...quiet, '--no-journal', '--config', config, '--rooms', 'e2e-*', log],
      {
        LIVEKIT_URL: o.server.url,
        LIVEKIT_API_KEY: o.server.apiKey,
        LIVEKIT_API_SECRET: o.server.apiSecret,
        DEADAIR_ROOM_POLL_MS: '300',
        ...sinkEnv,
      },
    );
    cleanups.push(() => watch.stop());
    await watch.until(() => watch.stderr().includes('deadair: watching '), 20_000, 'watch starting');

    const caller = await joinAsCaller({ ...o.server, room, identity: `caller-${tag}`, agentName });
    cleanups.push(() => caller.leave());
    const states: { state: string; at: number }[] = [];
    const agentPeer = await waitForRemote(caller, (p) => p.kind === ParticipantKind.AGENT, 60_000).catch(
      (e: Error) => {
        const said = o.server
          .output()
          .split('\n')
          .filter((l) => /agent|job|dispatch/i.test(l))
          .slice(-30)
          .join('\n');
        throw new Error(
          `${e.message}: the agent did not join\n--- agent log\n${agent.text().slice(-4000)}\n--- server\n${said}`,
        );
      },
    );
    const record = (p: Participant) => {
      const s = p.attributes['lk.agent.state'];
      if (p.identity === agentPeer.identity && s && states.at(-1)?.state !== s)
        states.push({ state: s, at: Date.now() });
    };
    record(agentPeer);
    caller.room.on(RoomEvent.ParticipantAttributesChanged, (_changed, p) => record(p));
    const waitState = async (state: string, from: number, ms: number) => {
      const end = Date.now() + ms;
      for (;;) {
        const i = states.findIndex((s, k) => k >= from && s.state === state);
        if (i >= 0) return i;
        if (Date.now() > end)
          throw new Error(
            `the agent did not become ${state} within ${ms} ms (states: ${states.map((s) => s.state).join(', ')})\n--- agent log\n${agent.text().slice(-4000)}`,
          );
        await sleep(50);
      }
    };
    await waitState('listening', 0, 30_000);
    // The observer is in before anyone speaks.
    await watch.until(
      () => watch.stderr().includes(`observing room ${room}`),
      30_000,
      'the observer joining',
    );
    const findings = () => watch.lines().filter((l) => l.type === 'finding');
    return {
      room,
      gw,
      agent,
      watch,
      caller,
      agentPeer,
      states,
      say: async (text) => {
        const pcm = speech(text, join(o.dir, `${o.name}-${randomBytes(2).toString('hex')}.wav`));
        const before = gw.heard.length;
        await caller.say(pcm, 1000);
        // The source plays out what was queued: wait until the STT reported the end of the turn.
        const end = Date.now() + 10_000;
        while (gw.heard.length === before) {
          if (Date.now() > end) throw new Error(`the STT heard nothing of: ${text}`);
          await sleep(50);
        }
      },
      waitState,
      findings,
      alerts: () => watch.lines().filter((l) => l.type === 'alert'),
      sinks: () => (existsSync(sinkLog) ? readFileSync(sinkLog, 'utf8').split('\n').filter(Boolean) : []),
      close: cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
