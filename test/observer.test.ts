// The room observer for real: `deadair watch --rooms` (the built CLI, real livekit-client in the
// machine's Chromium) against the fake LiveKit server in test/fake-livekit. Each room-side detector
// fires at the right time, the observer survives a server restart, discovers new rooms, asks for
// the least a token can grant, leaves rooms its users left, and watches 10 rooms with one browser.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AgentSession } from '@livekit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLiveKit } from './fake-livekit/server.js';
import { BIN } from './support/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.info(`[observer] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

const API_KEY = 'devkey';
const API_SECRET = 'observer-test-secret-long-enough-for-hs256';
const SILENCE_MS = 2000;
const dir = mkdtempSync(join(tmpdir(), 'deadair-observer-'));
const config = join(dir, 'config.json');
writeFileSync(
  config,
  JSON.stringify({
    alerts: { burstSeconds: 0, maxPerMinute: 600 },
    detectors: { silenceSeconds: 2, thinkingSeconds: 2, neverJoinedSeconds: 2 },
  }),
);

interface Line {
  at: number;
  json: Record<string, unknown>;
}

/** A `deadair watch` process: its JSON lines (with arrival times) and its stderr lines. */
class Watcher {
  readonly out: Line[] = [];
  readonly err: string[] = [];
  readonly child: ChildProcess;
  constructor(args: string[], env: Record<string, string>, journal = false) {
    this.child = spawn(
      process.execPath,
      [
        BIN,
        'watch',
        '--json',
        '--no-notify',
        '--no-sound',
        ...(journal ? [] : ['--no-journal']),
        '--config',
        config,
        ...args,
      ],
      { env: { ...process.env, NO_COLOR: '1', DEADAIR_ROOM_POLL_MS: '250', ...env } },
    );
    let buf = '';
    this.child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line) this.out.push({ at: Date.now(), json: JSON.parse(line) as Record<string, unknown> });
      }
    });
    let ebuf = '';
    this.child.stderr?.on('data', (d: Buffer) => {
      ebuf += d.toString();
      const parts = ebuf.split('\n');
      ebuf = parts.pop() ?? '';
      this.err.push(...parts.filter(Boolean));
    });
  }
  findings(room?: string, cause?: string): Line[] {
    return this.out.filter(
      (l) =>
        l.json.type === 'finding' &&
        (room === undefined || l.json.room === room) &&
        (cause === undefined || l.json.cause === cause),
    );
  }
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill('SIGINT');
    return new Promise((r) => this.child.once('exit', (code) => r(code)));
  }
}

/** A port nothing listens on (for an unreachable server). */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, what: string, timeoutMs = 20_000, info = () => ''): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} ${info()}`);
    await sleep(25);
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveChromium)('room observer against the fake LiveKit server', () => {
  let server: FakeLiveKit;
  let w: Watcher;
  const info = () =>
    `\nstderr:\n${w.err.join('\n')}\nstdout:\n${w.out.map((l) => JSON.stringify(l.json)).join('\n')}`;
  /** A room with an agent (agent-<job id>) and a user, watched once the observer is in it. */
  async function scripted(name: string, opts: { agent?: boolean; user?: boolean } = {}) {
    const room = server.createRoom(name);
    const job = `AJ_${name.replace(/[^A-Za-z0-9]/g, '')}`;
    if (opts.agent !== false)
      room.addParticipant({
        identity: `agent-${job}`,
        kind: 'agent',
        attributes: { 'lk.agent.state': 'listening', 'lk.agent.name': 'support' },
      });
    if (opts.user !== false) room.addParticipant({ identity: `caller-${name}`, kind: 'standard' });
    await until(
      () => w.err.some((l) => l.includes(`observing room ${name} `)),
      `observing ${name}`,
      20_000,
      info,
    );
    return { room, agent: `agent-${job}`, user: `caller-${name}`, job };
  }

  beforeAll(async () => {
    server = await FakeLiveKit.start({ apiKey: API_KEY, apiSecret: API_SECRET });
    w = new Watcher(['--rooms', 'dev-*'], {
      LIVEKIT_URL: server.url,
      LIVEKIT_API_KEY: API_KEY,
      LIVEKIT_API_SECRET: API_SECRET,
    });
    await until(() => w.err.some((l) => l.includes('watching rooms')), 'the watcher to start', 30_000, info);
  }, 40_000);
  afterAll(async () => {
    expect(await w.stop()).toBe(0);
    await server.stop();
  });

  it('discovers a room created after it started, and joins with the least a token can grant', async () => {
    const { room } = await scripted('dev-grants');
    expect(room.observers).toBe(1);
    const joins = server.joins.filter((j) => j.room === 'dev-grants');
    expect(joins).toHaveLength(1);
    const { identity, grants } = joins[0]!;
    expect(identity).toMatch(/^deadair-observer-/);
    // Exactly these grants: subscribe, hidden, no publishing of any kind, nothing administrative.
    expect(grants).toEqual({
      roomJoin: true,
      room: 'dev-grants',
      canSubscribe: true,
      canPublish: false,
      canPublishData: false,
      hidden: true,
    });
    // A room whose name does not match the pattern is left alone.
    const other = server.createRoom('prod-1');
    other.addParticipant({ identity: 'caller-prod', kind: 'standard' });
    await sleep(1000);
    expect(other.observers).toBe(0);
  }, 30_000);

  it('agent_silent: the user stops speaking and the agent never answers within T', async () => {
    const { room, user, job } = await scripted('dev-silent');
    room.setSpeakers([{ identity: user, level: 0.8, active: true }]);
    await sleep(300);
    const stopped = Date.now();
    room.setSpeakers([{ identity: user, level: 0, active: false }]);
    await until(() => w.findings('dev-silent', 'agent_silent').length > 0, 'agent_silent', 10_000, info);
    const f = w.findings('dev-silent', 'agent_silent')[0]!;
    const deadline = Date.parse(f.json.time as string);
    // The finding's moment is the deadline: T after the user stopped (as the page saw it).
    expect(deadline - stopped).toBeGreaterThanOrEqual(SILENCE_MS - 100);
    // Reported once the deadline passed, not before.
    expect(f.at).toBeGreaterThanOrEqual(stopped + SILENCE_MS - 100);
    expect(f.json.job).toBe(job);
    expect(f.json.severity).toBe('critical');
  }, 30_000);

  it('stays quiet when the agent answers in time (speaker update or transcript)', async () => {
    const { room, user, agent } = await scripted('dev-answers');
    room.setSpeakers([{ identity: user, level: 0.8, active: true }]);
    await sleep(200);
    room.setSpeakers([{ identity: user, level: 0, active: false }]);
    await sleep(700);
    room.setSpeakers([{ identity: agent, level: 0.6, active: true }]);
    await sleep(300);
    room.setSpeakers([{ identity: agent, level: 0, active: false }]);
    // The next turn is answered by a transcript stream from the agent.
    await room.sendText(user, 'lk.transcription', 'Where is my order?', {
      'lk.segment_id': 'SG_u1',
      'lk.transcription_final': 'true',
    });
    await sleep(500);
    await room.sendText(agent, 'lk.transcription', 'It ships today.', { 'lk.segment_id': 'SG_a1' });
    await sleep(SILENCE_MS + 1000);
    expect(w.findings('dev-answers')).toEqual([]);
  }, 30_000);

  it('stuck_thinking: the agent thinks longer than T', async () => {
    const { room, agent } = await scripted('dev-thinking');
    const since = Date.now();
    room.setAttributes(agent, { 'lk.agent.state': 'thinking' });
    await until(
      () => w.findings('dev-thinking', 'stuck_thinking').length > 0,
      'stuck_thinking',
      10_000,
      info,
    );
    const f = w.findings('dev-thinking', 'stuck_thinking')[0]!;
    expect(Date.parse(f.json.time as string) - since).toBeGreaterThanOrEqual(2000 - 100);
    expect(f.at - since).toBeGreaterThanOrEqual(2000 - 100);
  }, 30_000);

  it('never_joined: a user waits in a room and no agent arrives within T', async () => {
    const t0 = Date.now();
    await scripted('dev-lonely', { agent: false });
    await until(() => w.findings('dev-lonely', 'never_joined').length > 0, 'never_joined', 10_000, info);
    const f = w.findings('dev-lonely', 'never_joined')[0]!;
    expect(f.at - t0).toBeGreaterThanOrEqual(2000 - 100);
    expect(f.json.summary).toMatch(/caller-dev-lonely joined room dev-lonely .* no agent came for 2 s/);
  }, 30_000);

  it('never_joined: the agent joined but never started its session', async () => {
    const room = server.createRoom('dev-stuck');
    room.addParticipant({ identity: 'caller-dev-stuck', kind: 'standard' });
    room.addParticipant({ identity: 'agent-AJ_devstuck', kind: 'agent' }); // no lk.agent.state
    const t0 = Date.now();
    await until(() => w.findings('dev-stuck', 'never_joined').length > 0, 'never_joined', 10_000, info);
    const f = w.findings('dev-stuck', 'never_joined')[0]!;
    expect(f.at - t0).toBeGreaterThanOrEqual(2000 - 100);
    expect(f.json.job).toBe('AJ_devstuck');
    expect(f.json.summary).toMatch(/never started its session: no agent state for 2 s/);
  }, 30_000);

  it('agent_left: the agent leaves while the user stays, with no close', async () => {
    const { room, agent } = await scripted('dev-left');
    const left = Date.now();
    room.removeParticipant(agent);
    await until(() => w.findings('dev-left', 'agent_left').length > 0, 'agent_left', 10_000, info);
    const f = w.findings('dev-left', 'agent_left')[0]!;
    // Its moment is the leave itself (no wall-clock upper bound: these machines are noisy; the
    // bench measures the latency).
    expect(Date.parse(f.json.time as string)).toBeGreaterThanOrEqual(left);
    expect(f.json.summary).toMatch(/^The agent left the room at .* while caller-dev-left stayed/);
  }, 30_000);

  it('leaves a room once its last user has gone (a hidden observer would keep it alive)', async () => {
    const { room, user } = await scripted('dev-bye');
    room.removeParticipant(user);
    await until(
      () => room.observers === 0,
      'the observer to leave',
      20_000,
      () => JSON.stringify(server.joins.filter((j) => j.room === 'dev-bye')) + info(),
    );
    expect(w.err.some((l) => l.includes('leaving room dev-bye: no user is left in it'))).toBe(true);
    // …and does not come back while nobody new arrives.
    await sleep(1000);
    expect(room.observers).toBe(0);
    expect(w.findings('dev-bye', 'agent_left')).toEqual([]);
  }, 30_000);

  it('reconnects after the server restarts, with no false leave, and detects again', async () => {
    const { room, user } = await scripted('dev-restart');
    await server.restart();
    await until(
      () => w.err.some((l) => l.includes('reconnected to room dev-restart')),
      'the reconnection',
      30_000,
      info,
    );
    // A full rejoin replays everyone as left and joined: not an agent that left.
    expect(w.findings('dev-restart', 'agent_left')).toEqual([]);
    room.setSpeakers([{ identity: user, level: 0.8, active: true }]);
    await sleep(200);
    room.setSpeakers([{ identity: user, level: 0, active: false }]);
    await until(
      () => w.findings('dev-restart', 'agent_silent').length > 0,
      'agent_silent after restart',
      10_000,
      info,
    );
  }, 60_000);

  it('reconnects after the connection drops', async () => {
    await scripted('dev-drop');
    const before = w.err.filter((l) => l.includes('reconnected to room dev-drop')).length;
    server.dropConnections('dev-drop');
    await until(
      () => w.err.filter((l) => l.includes('reconnected to room dev-drop')).length > before,
      'the resume',
      30_000,
      info,
    );
    expect(w.findings('dev-drop')).toEqual([]);
  }, 40_000);

  it('names credits running out from the room alone (the lk.agent.session feed)', async () => {
    const { room, agent, job } = await scripted('dev-credits');
    const message =
      "type='llm_error' timestamp=1764000000.5 label='livekit.agents.inference.LLM' error=APIStatusError(message=\"Error code: 429 - {'type': 'inference_quota_exceeded', 'error': 'LLM token credit quota exceeded, category: MaxGatewayCredits', 'quota_type': 'llm', 'category': 'MaxGatewayCredits'}\", status_code=429, retryable=False) recoverable=False";
    const bytes = new AgentSession.AgentSessionMessage({
      message: {
        case: 'event',
        value: new AgentSession.AgentSessionEvent({
          event: { case: 'error', value: new AgentSession.AgentSessionEvent_Error({ message }) },
        }),
      },
    }).toBinary();
    await room.sendBytes(agent, 'lk.agent.session', bytes);
    await until(
      () => w.findings('dev-credits', 'credits_exhausted').length > 0,
      'credits_exhausted',
      10_000,
      info,
    );
    const f = w.findings('dev-credits', 'credits_exhausted')[0]!.json as {
      job: string;
      quota: { category: string; terminal: boolean };
      evidence: { text: string }[];
    };
    expect(f.job).toBe(job);
    expect(f.quota).toMatchObject({ category: 'MaxGatewayCredits', terminal: true });
    expect(f.evidence[0]?.text).toContain('inference_quota_exceeded');
    // The alert for it was raised too.
    expect(w.out.some((l) => l.json.type === 'alert' && l.json.cause === 'credits_exhausted')).toBe(true);
  }, 30_000);

  it('says when a room ends', async () => {
    await scripted('dev-ends');
    server.deleteRoom('dev-ends');
    await until(
      () => w.err.some((l) => l.includes('room dev-ends ended (ROOM_DELETED)')),
      'the end',
      10_000,
      info,
    );
  }, 30_000);

  it('observes 10 rooms at once with one headless browser', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `dev-many-${i}`);
    for (const n of names) {
      const r = server.createRoom(n);
      r.addParticipant({
        identity: `agent-AJ_many${n.slice(-1)}`,
        kind: 'agent',
        attributes: { 'lk.agent.state': 'listening' },
      });
      r.addParticipant({ identity: `caller-${n}`, kind: 'standard' });
    }
    await until(
      () =>
        names.every(
          (n) => server.room(n)?.observers === 1 && w.err.some((l) => l.includes(`observing room ${n} `)),
        ),
      'all 10 rooms observed',
      30_000,
      info,
    );
    // One browser process is the CLI's only child; its pages hold all the rooms.
    const children = execFileSync('ps', ['-o', 'args=', '--ppid', String(w.child.pid)])
      .toString()
      .split('\n')
      .filter(Boolean);
    expect(children.filter((c) => /chrom/i.test(c))).toHaveLength(1);
    // Each is live: a silence in the last one is still caught.
    const last = server.room('dev-many-9')!;
    last.setSpeakers([{ identity: 'caller-dev-many-9', level: 0.8, active: true }]);
    await sleep(200);
    last.setSpeakers([{ identity: 'caller-dev-many-9', level: 0, active: false }]);
    await until(
      () => w.findings('dev-many-9', 'agent_silent').length > 0,
      'agent_silent in room 10',
      10_000,
      info,
    );
  }, 60_000);
});

describe.skipIf(!haveChromium)('a log and a room of the same session', () => {
  it('merge into one session whose silence cites both the log line and the room', async () => {
    const server = await FakeLiveKit.start({ apiKey: API_KEY, apiSecret: API_SECRET });
    const log = join(dir, 'agent.log');
    writeFileSync(log, '');
    const w = new Watcher([log, '--room', 'merge-room'], {
      LIVEKIT_URL: server.url,
      LIVEKIT_API_KEY: API_KEY,
      LIVEKIT_API_SECRET: API_SECRET,
    });
    try {
      await until(() => w.err.some((l) => l.includes('watching 1 file')), 'the watcher', 30_000);
      const room = server.createRoom('merge-room');
      room.addParticipant({
        identity: 'agent-AJ_merge1',
        kind: 'agent',
        attributes: { 'lk.agent.state': 'listening' },
      });
      room.addParticipant({ identity: 'caller-m', kind: 'standard' });
      await until(() => w.err.some((l) => l.includes('observing room merge-room ')), 'observing', 20_000);
      // agents-js (pino) lines of the same job: its id and the room's sid, as the worker logs them.
      const line = (msg: string, extra: Record<string, unknown> = {}) =>
        JSON.stringify({
          level: 30,
          time: Date.now(),
          pid: 4242,
          hostname: 'dev',
          jobID: 'AJ_merge1',
          room_id: room.sid,
          ...extra,
          msg,
        }) + '\n';
      appendFileSync(log, line('received job request', { jobId: 'AJ_merge1', roomName: 'merge-room' }));
      room.setSpeakers([{ identity: 'caller-m', level: 0.8, active: true }]);
      await sleep(200);
      appendFileSync(log, line('User turn committed'));
      room.setSpeakers([{ identity: 'caller-m', level: 0, active: false }]);
      await until(() => w.findings(undefined, 'agent_silent').length > 0, 'agent_silent', 10_000);
      const silent = w.findings(undefined, 'agent_silent');
      expect(silent).toHaveLength(1);
      const f = silent[0]!.json as {
        session: string;
        job: string;
        evidence: { file: string | null; text: string }[];
      };
      expect(f.job).toBe('AJ_merge1');
      // Both sources saw the turn end, a moment apart: whichever came first leads the evidence.
      expect(f.evidence.map((e) => (e.file ? 'log' : 'room')).sort()).toEqual(['log', 'room']);
      expect(f.evidence.find((e) => e.file)?.text).toContain('User turn committed');
      expect(f.evidence.find((e) => !e.file)?.text).toContain('caller-m stopped speaking');
      // One session for both sources.
      const sessions = new Set(w.findings().map((l) => l.json.session));
      expect(sessions.size).toBe(1);
    } finally {
      expect(await w.stop()).toBe(0);
      await server.stop();
    }
  }, 60_000);
});

describe.skipIf(!haveChromium)('rooms and the journal', () => {
  it('after a SIGKILL, a turn left pending in a room does not become a silence it did not see', async () => {
    const server = await FakeLiveKit.start({ apiKey: API_KEY, apiSecret: API_SECRET });
    const journal = join(dir, 'rooms-journal.jsonl');
    const env = { LIVEKIT_URL: server.url, LIVEKIT_API_KEY: API_KEY, LIVEKIT_API_SECRET: API_SECRET };
    const args = ['--room', 'dev-journal', '--journal', journal];
    const room = server.createRoom('dev-journal');
    room.addParticipant({
      identity: 'agent-AJ_journal1',
      kind: 'agent',
      attributes: { 'lk.agent.state': 'listening' },
    });
    room.addParticipant({ identity: 'caller-j', kind: 'standard' });
    const a = new Watcher(args, env, true);
    try {
      await until(() => a.err.some((l) => l.includes('observing room dev-journal ')), 'observing', 20_000);
      room.setSpeakers([{ identity: 'caller-j', level: 0.8, active: true }]);
      await sleep(200);
      room.setSpeakers([{ identity: 'caller-j', level: 0, active: false }]);
      await sleep(500);
      a.child.kill('SIGKILL');
      await new Promise((r) => a.child.once('exit', r));
      await sleep(SILENCE_MS + 500); // the deadline passes while deadair is down
      const b = new Watcher(args, env, true);
      try {
        await until(
          () => b.err.some((l) => l.includes('observing room dev-journal ')),
          'observing again',
          20_000,
        );
        await sleep(SILENCE_MS + 500);
        expect(b.findings('dev-journal', 'agent_silent')).toEqual([]);
        // …while a new unanswered turn is still caught.
        room.setSpeakers([{ identity: 'caller-j', level: 0.8, active: true }]);
        await sleep(200);
        room.setSpeakers([{ identity: 'caller-j', level: 0, active: false }]);
        await until(() => b.findings('dev-journal', 'agent_silent').length > 0, 'agent_silent', 10_000);
      } finally {
        await b.stop();
      }
    } finally {
      if (a.child.exitCode === null) a.child.kill('SIGKILL');
      await server.stop();
    }
  }, 60_000);
});

describe('observing rooms: bad cases get one clear line, and the rest keeps running', () => {
  it.skipIf(!haveChromium)(
    'an unreachable server: one line, retried, and the logs are still watched',
    async () => {
      const log = join(dir, 'unreachable.log');
      writeFileSync(log, '');
      const port = await freePort();
      const w = new Watcher([log, '--room', 'dev-x'], {
        LIVEKIT_URL: `ws://127.0.0.1:${port}`,
        LIVEKIT_API_KEY: API_KEY,
        LIVEKIT_API_SECRET: API_SECRET,
      });
      try {
        await until(() => w.err.some((l) => l.includes('cannot reach LiveKit')), 'the error line', 30_000);
        const lines = w.err.filter((l) => l.includes('cannot reach LiveKit'));
        expect(lines[0]).toMatch(
          /^deadair: cannot reach LiveKit at ws:\/\/127\.0\.0\.1:\d+: connection refused \(retrying every 0\.25 s\)$/,
        );
        await sleep(1000);
        expect(w.err.filter((l) => l.includes('cannot reach LiveKit'))).toHaveLength(1); // said once
        appendFileSync(
          log,
          JSON.stringify({
            level: 50,
            time: Date.now(),
            pid: 1,
            hostname: 'h',
            jobID: 'AJ_u1',
            room_id: 'RM_u',
            type: 'llm_error',
            label: 'inference.LLM',
            error: { message: '401 Unauthorized', statusCode: 401 },
            recoverable: false,
            msg: 'AgentSession is closing due to an unrecoverable error',
          }) + '\n',
        );
        await until(() => w.findings().length > 0, 'a finding from the log', 10_000);
        expect(w.child.exitCode).toBeNull();
      } finally {
        await w.stop();
      }
    },
    40_000,
  );

  it.skipIf(!haveChromium)(
    'a wrong API secret: one line naming the keys',
    async () => {
      const server = await FakeLiveKit.start({ apiKey: API_KEY, apiSecret: API_SECRET });
      const w = new Watcher(['--rooms', '*'], {
        LIVEKIT_URL: server.url,
        LIVEKIT_API_KEY: API_KEY,
        LIVEKIT_API_SECRET: 'not-the-secret-at-all-but-long-enough',
      });
      try {
        await until(() => w.err.some((l) => l.includes('rejected')), 'the error line', 30_000);
        expect(w.err.find((l) => l.includes('rejected'))).toMatch(
          /rejected the API key or secret \(HTTP 401\): check LIVEKIT_API_KEY and LIVEKIT_API_SECRET/,
        );
        expect(w.child.exitCode).toBeNull();
      } finally {
        await w.stop();
        await server.stop();
      }
    },
    40_000,
  );

  it.skipIf(!haveChromium)(
    'a room that does not exist: waits for it without creating it',
    async () => {
      const server = await FakeLiveKit.start({ apiKey: API_KEY, apiSecret: API_SECRET });
      const w = new Watcher(['--room', 'not-yet'], {
        LIVEKIT_URL: server.url,
        LIVEKIT_API_KEY: API_KEY,
        LIVEKIT_API_SECRET: API_SECRET,
      });
      try {
        await until(() => w.err.some((l) => l.includes('not-yet is not live')), 'the waiting line', 30_000);
        await sleep(800);
        expect(server.room('not-yet')).toBeUndefined(); // joining would have created it
        expect(w.err.filter((l) => l.includes('not-yet is not live'))).toHaveLength(1);
        // It starts: observed.
        server.createRoom('not-yet').addParticipant({ identity: 'caller-n', kind: 'standard' });
        await until(() => w.err.some((l) => l.includes('observing room not-yet ')), 'observing', 20_000);
      } finally {
        await w.stop();
        await server.stop();
      }
    },
    40_000,
  );

  it('missing credentials or browser: a usage error naming what is missing', () => {
    const run = (env: Record<string, string>, args: string[] = []) => {
      try {
        execFileSync(process.execPath, [BIN, 'watch', '--room', 'x', ...args], {
          env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
          stdio: 'pipe',
        });
        return { code: 0, err: '' };
      } catch (e) {
        const x = e as { status: number; stderr: Buffer };
        return { code: x.status, err: x.stderr.toString() };
      }
    };
    const noKeys = run({ LIVEKIT_URL: 'ws://127.0.0.1:7880' });
    expect(noKeys.code).toBe(2);
    expect(noKeys.err.trim()).toBe(
      'deadair: observing rooms needs your LiveKit server and keys: set LIVEKIT_API_KEY, LIVEKIT_API_SECRET (as for the lk CLI), or livekit.url / apiKey / apiSecret in the settings file',
    );
    const badUrl = run({ LIVEKIT_URL: 'localhost:7880', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' });
    expect(badUrl.err).toContain("LIVEKIT_URL must start with wss:// or ws://, not 'localhost:7880'");
    const keys = { LIVEKIT_URL: 'ws://127.0.0.1:9', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' };
    const badCap = run(keys, ['--max-rooms', '0']);
    expect(badCap.code).toBe(2);
    expect(badCap.err).toContain("--max-rooms must be a whole number from 1 to 500, not '0'");
    const noBrowser = run({ ...keys, DEADAIR_CHROMIUM: join(dir, 'no-such-chrome') });
    expect(noBrowser.code).toBe(2);
    expect(noBrowser.err.trim().split('\n')).toHaveLength(1);
    expect(noBrowser.err).toMatch(/^deadair: cannot start the browser at .*no-such-chrome: /);
  });
});
