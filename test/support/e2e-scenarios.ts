// The end-to-end scenarios, one call each, defined once and run against each real framework
// (test/real-livekit-agents.test.ts: agents-js; test/real-livekit-python.test.ts: Python).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispose } from '@livekit/rtc-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Call, CallOptions } from './e2e-call.js';
import { startLivekitServer, type LivekitServer } from './livekit-server.js';

export type Scenario = 'healthy' | 'credits' | 'ratelimit' | 'hang' | 'killed';
type Open = (o: Omit<CallOptions, 'server' | 'dir'>) => Promise<Call>;
/** Starts a call with one framework's agent, on the server and in the folder given. */
type OpenOn = (o: CallOptions) => Promise<Call>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const severe = (c: Call) => c.findings().filter((f) => f.severity === 'critical' || f.severity === 'warning');
export const show = (c: Call) =>
  `--- watch stdout\n${c.watch.stdout()}\n--- watch stderr\n${c.watch.stderr()}\n--- agent log (end)\n${c.agent.text().slice(-3000)}`;

async function withCall(
  open: Open,
  o: Omit<CallOptions, 'server' | 'dir'>,
  body: (c: Call) => Promise<void>,
) {
  const call = await open(o);
  try {
    await body(call);
  } finally {
    await call.close();
  }
}

/**
 * Defines the scenarios (in the calling describe), on a real livekit-server started for them and a
 * scratch folder, both let go afterwards. `openOn` starts a call with this framework's agent.
 */
export function defineScenarios(
  prefix: string,
  openOn: OpenOn,
  only: Scenario[],
  /** Where DEADAIR_E2E_RECORD keeps this framework's logs (e.g. `node-1.9.0`). */
  recordDir: string,
): void {
  let server: LivekitServer;
  let dir: string;
  beforeAll(async () => {
    server = await startLivekitServer({ departureTimeout: 2 });
    dir = mkdtempSync(join(tmpdir(), `deadair-e2e-${prefix}`));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const open: Open = (o) => openOn({ ...o, server, dir });
  const want = new Set(only);
  const record = (name: Scenario) => ({ dir: recordDir, name });

  if (want.has('healthy'))
    it(
      'a healthy call of several turns raises nothing',
      () =>
        withCall(
          open,
          { name: `${prefix}healthy`, record: record('healthy'), llm: 'ok', mode: 'dev' },
          async (call) => {
            for (const line of [
              'Hello, can you hear me?',
              'What is the weather like?',
              'Thank you, goodbye.',
            ]) {
              const from = call.states.length;
              await call.say(line);
              const spoke = await call.waitState('speaking', from, 20_000);
              await call.waitState('listening', spoke, 20_000);
            }
            expect(call.gw.heard).toHaveLength(3);
            await sleep(3000);
            expect(severe(call), show(call)).toEqual([]);
            expect(call.alerts()).toEqual([]);
          },
        ),
      180_000,
    );

  if (want.has('credits'))
    it(
      'out of credits: one alert naming credits, the log and the room in one session',
      () =>
        withCall(
          open,
          { name: `${prefix}credits`, record: record('credits'), llm: 'credits', sinks: true },
          async (call) => {
            await call.say('Hello, are you there?');
            await call.watch.until(() => call.alerts().length > 0, 30_000, 'an alert');
            // The room's view of the same call: the caller's turn went unanswered (the observer saw
            // it end), a consequence of the credits, in the same session: still one alert.
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
            const evidence = findings.flatMap(
              (f) => f.evidence as { file: string | null; room: string | null }[],
            );
            expect(evidence.some((e) => e.file === call.agent.log)).toBe(true);
            expect(evidence.some((e) => e.room === call.room)).toBe(true);
            // The notification and the spoken clip, once each.
            await call.watch.until(() => call.sinks().length >= 2, 10_000, 'the notification and the clip');
            await sleep(500);
            const notified = call.sinks().filter((l) => l.startsWith('notify-send '));
            const played = call.sinks().filter((l) => /^(paplay|aplay) /.test(l));
            expect(notified, call.sinks().join('\n')).toHaveLength(1);
            expect(notified[0]).toMatch(/credits/i);
            expect(played, call.sinks().join('\n')).toHaveLength(1);
            expect(played[0]).toMatch(/credits-exhausted/);
            expect(findings.find((f) => f.cause === 'agent_silent')).toMatchObject({
              consequenceOf: 'credits_exhausted',
              job: credits!.job,
            });
          },
        ),
      120_000,
    );

  if (want.has('ratelimit'))
    it(
      'a rate limit that recovers: degraded, the recovery printed, no critical alert',
      () =>
        // The first two LLM requests are refused (MaxConcurrentGatewayLLMRpm), the third answers:
        // the framework's retries (0.1 s, then 2 s) carry the turn through.
        withCall(
          open,
          {
            name: `${prefix}ratelimit`,
            record: record('ratelimit'),
            llm: 'ratelimit-recovers',
            rateLimited: 2,
          },
          async (call) => {
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
            expect(call.watch.stdout(), show(call)).toMatch(/"how":"recovered"[^\n]*"cause":"rate_limited"/);
          },
        ),
      120_000,
    );

  if (want.has('hang'))
    it('the LLM hangs after the caller spoke: agent_silent within the threshold + 1 s', () => {
      const silenceSeconds = 4;
      return withCall(
        open,
        { name: `${prefix}hang`, record: record('hang'), llm: 'hang', detectors: { silenceSeconds } },
        async (call) => {
          await call.say('Hello, can you hear me?');
          const heard = call.gw.heard[0]!;
          await call.watch.until(
            () => call.findings().some((f) => f.cause === 'agent_silent'),
            (silenceSeconds + 10) * 1000,
            'agent_silent',
          );
          const seenAt = Date.now();
          // Measured from the moment the STT sent the caller's final transcript (the turn's end).
          expect(seenAt - heard.at, show(call)).toBeLessThanOrEqual((silenceSeconds + 1) * 1000);
          const silent = call.findings().find((f) => f.cause === 'agent_silent');
          expect(silent).toMatchObject({ severity: 'critical', room: call.room });
          // The alert is printed right after its finding, in a write of its own.
          await call.watch.until(() => call.alerts().length > 0, 5000, 'the alert');
          expect(call.alerts().map((a) => a.cause)).toEqual(['agent_silent']);
          expect(call.states.at(-1)?.state).toBe('thinking');
        },
      );
    }, 120_000);

  if (want.has('killed'))
    it(
      'the agent process killed mid-call: the agent left the room while the caller stayed',
      () =>
        withCall(open, { name: `${prefix}killed`, record: record('killed'), llm: 'ok' }, async (call) => {
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
          // The log just stops (no exit line: the worker was SIGKILLed); the room says it: the
          // server drops the agent once its connection is gone for good (about 20 s here).
          const f = call.findings().find((x) => x.cause === 'agent_left' || x.cause === 'process_died');
          expect(f, show(call)).toMatchObject({ cause: 'agent_left', severity: 'critical', room: call.room });
          await call.watch.until(() => call.alerts().length > 0, 5000, 'the alert');
          expect(call.alerts().length, show(call)).toBe(1);
        }),
      120_000,
    );
}
