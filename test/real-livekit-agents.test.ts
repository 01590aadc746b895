// Real end to end: the real livekit-server (--dev), a real @livekit/agents (Node) worker registered
// with it and dispatched into `e2e-*` rooms, its inference STT/LLM/TTS pointed at the gateway
// stand-in, a real caller speaking espeak-ng audio through @livekit/rtc-node — and `deadair watch
// --rooms 'e2e-*' <the agent's log>` watching both. Each scenario is one call.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispose } from '@livekit/rtc-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../src/observer/browser.js';
import { openCall, type Call } from './support/e2e-call.js';
import { livekitSkipReason, startLivekitServer, type LivekitServer } from './support/livekit-server.js';

const chromium = findChromium(process.env);
const why = livekitSkipReason('real agents, real LiveKit', () =>
  chromium ? '' : 'no Chromium or Chrome found (set DEADAIR_CHROMIUM)',
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const severe = (c: Call) => c.findings().filter((f) => f.severity === 'critical' || f.severity === 'warning');
const show = (c: Call) =>
  `--- watch stdout\n${c.watch.stdout()}\n--- watch stderr\n${c.watch.stderr()}\n--- agent log (end)\n${c.agent.text().slice(-3000)}`;

describe.skipIf(why !== '')('a real Node agent on a real LiveKit server, watched by deadair', () => {
  let server: LivekitServer;
  let dir: string;
  beforeAll(async () => {
    server = await startLivekitServer({ departureTimeout: 2 });
    dir = mkdtempSync(join(tmpdir(), 'deadair-e2e-'));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a healthy call of several turns raises nothing', async () => {
    const call = await openCall({ server, dir, name: 'healthy', llm: 'ok', mode: 'dev' });
    try {
      for (const line of ['Hello, can you hear me?', 'What is the weather like?', 'Thank you, goodbye.']) {
        const from = call.states.length;
        await call.say(line);
        const spoke = await call.waitState('speaking', from, 20_000);
        await call.waitState('listening', spoke, 20_000);
      }
      expect(call.gw.heard).toHaveLength(3);
      // Longer than the silence threshold after the last answer: still nothing.
      await sleep(3000);
      expect(severe(call), show(call)).toEqual([]);
      expect(call.alerts()).toEqual([]);
    } finally {
      await call.close();
    }
  }, 180_000);

  it('out of credits: one alert naming credits, the log and the room in one session', async () => {
    const call = await openCall({ server, dir, name: 'credits', llm: 'credits' });
    try {
      await call.say('Hello, are you there?');
      await call.watch.until(() => call.alerts().length > 0, 30_000, 'an alert');
      // The room's view of the same call: the caller's turn went unanswered (the observer heard
      // the caller's transcript), a consequence of the credits, in the same session: still one alert.
      await call.watch.until(
        () => call.findings().some((f) => f.cause === 'agent_silent'),
        20_000,
        'the room-side silence',
      );
      await sleep(1000);
      const alerts = call.alerts();
      expect(alerts, show(call)).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ cause: 'credits_exhausted' });
      expect(String(alerts[0]!.title) + String(alerts[0]!.body)).toMatch(/credit/i);
      const findings = call.findings();
      const credits = findings.find((f) => f.cause === 'credits_exhausted');
      expect(credits, show(call)).toMatchObject({ severity: 'critical', room: call.room });
      // One session: every finding about this call, from the log or the room, is in it.
      expect(new Set(findings.map((f) => f.session))).toEqual(new Set([credits!.session]));
      const evidence = findings.flatMap((f) => f.evidence as { file: string | null; room: string | null }[]);
      expect(evidence.some((e) => e.file?.endsWith('credits.start.log'))).toBe(true);
      expect(evidence.some((e) => e.room === call.room)).toBe(true);
      expect(findings.find((f) => f.cause === 'agent_silent')).toMatchObject({
        consequenceOf: 'credits_exhausted',
        job: credits!.job,
      });
    } finally {
      await call.close();
    }
  }, 120_000);
  it('a rate limit that recovers: degraded, the recovery printed, no critical alert', async () => {
    // The first two LLM requests are refused (MaxConcurrentGatewayLLMRpm), the third answers: the
    // framework's retries (100 ms, then 2 s) carry the turn through.
    const call = await openCall({
      server,
      dir,
      name: 'ratelimit',
      llm: 'ratelimit-recovers',
      rateLimited: 2,
    });
    try {
      const from = call.states.length;
      await call.say('Hello, can you hear me?');
      const spoke = await call.waitState('speaking', from, 30_000);
      await call.waitState('listening', spoke, 20_000);
      await call.watch.until(
        () => call.findings().some((f) => f.cause === 'rate_limited'),
        10_000,
        'the rate limit finding',
      );
      // A second turn, answered at once.
      const next = call.states.length;
      await call.say('Are you still there?');
      await call.waitState('speaking', next, 20_000);
      await sleep(2000);
      const findings = call.findings();
      expect(findings.filter((f) => f.cause === 'rate_limited')[0], show(call)).toMatchObject({
        severity: 'warning',
        room: call.room,
      });
      expect(
        findings.filter((f) => f.severity === 'critical'),
        show(call),
      ).toEqual([]);
      expect(call.alerts()).toEqual([]);
      expect(call.watch.stdout() + call.watch.stderr(), show(call)).toMatch(/"how":"recovered"/);
    } finally {
      await call.close();
    }
  }, 120_000);

  it('the LLM hangs after the caller spoke: agent_silent within the threshold + 1 s', async () => {
    const silenceSeconds = 4;
    const call = await openCall({
      server,
      dir,
      name: 'hang',
      llm: 'hang',
      detectors: { silenceSeconds },
    });
    try {
      await call.say('Hello, can you hear me?');
      const heard = call.gw.heard[0];
      expect(heard).toBeDefined();
      await call.watch.until(
        () => call.findings().some((f) => f.cause === 'agent_silent'),
        (silenceSeconds + 10) * 1000,
        'agent_silent',
      );
      const seenAt = Date.now();
      const silent = call.findings().find((f) => f.cause === 'agent_silent')!;
      // Measured from the moment the STT sent the caller's final transcript (the end of the turn).
      expect(seenAt - heard!.at, show(call)).toBeLessThanOrEqual((silenceSeconds + 1) * 1000);
      expect(silent).toMatchObject({ severity: 'critical', room: call.room });
      expect(call.alerts().map((a) => a.cause)).toEqual(['agent_silent']);
      expect(call.states.at(-1)?.state).toBe('thinking');
    } finally {
      await call.close();
    }
  }, 120_000);

  it('the agent process killed mid-call: the agent left the room while the caller stayed', async () => {
    const call = await openCall({ server, dir, name: 'killed', llm: 'ok' });
    try {
      const from = call.states.length;
      await call.say('Hello, can you hear me?');
      await call.waitState('speaking', from, 20_000);
      call.agent.kill('SIGKILL');
      await call.agent.exited;
      await call.watch.until(
        () => call.findings().some((f) => f.cause === 'agent_left' || f.cause === 'process_died'),
        60_000,
        'agent_left or process_died',
      );
      // The log just stops (no exit line: the worker was SIGKILLed); the room says it: the server
      // drops the agent once its connection is gone for good (about 20 s here).
      const f = call.findings().find((x) => x.cause === 'agent_left' || x.cause === 'process_died')!;
      expect(f, show(call)).toMatchObject({ cause: 'agent_left', severity: 'critical', room: call.room });
      expect(call.alerts().length, show(call)).toBe(1);
    } finally {
      await call.close();
    }
  }, 120_000);
});
