// `watch` and a multi-line record whose lines come in separate writes: the tailer reads between
// them, and the record must still be read whole — pino-pretty's fields (the error's status and
// quota category) and a Python traceback are not lost, and the wait for them calls nothing silent.
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/core/config.js';
import { createWatcher, type Watcher, type WatcherOptions, type WatchEvent } from '../src/core/watcher.js';
import type { AgentEvent } from '../src/shared/events.js';
import { until } from './support/agent-lines.js';
import { ROOT } from './support/cli.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** pino-pretty's time: local, `HH:MM:SS.mmm`. */
const prettyTime = (d: Date) =>
  `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
/** livekit-agents dev text's time: local, `YYYY-MM-DD HH:MM:SS,mmm`. */
const pyTime = (d: Date) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;

/** The lines of a recorded log from the one matching `first`, up to the next one `header` matches. */
function record(fixture: string, first: RegExp, header: RegExp): string[] {
  const lines = readFileSync(join(ROOT, 'test/fixtures', fixture), 'utf8').split('\n');
  const at = lines.findIndex((l) => first.test(l));
  expect(at).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > at && header.test(l));
  return lines.slice(at, end);
}

const PRETTY_HEADER = /^\[\d\d:\d\d:\d\d\.\d{3}\] /;

/** agents-js 1.9.0's first credits retry record (pino-pretty, about 20 lines), stamped `now`. */
function creditsRetry(now: string): string[] {
  return record(
    'real-livekit/node-1.9.0/credits.dev.log',
    /failed to generate LLM completion, retrying in 100ms/,
    PRETTY_HEADER,
  ).map((l) => l.replace(PRETTY_HEADER, `[${now}] `));
}
const PY_HEADER = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - /;
/**
 * Longer than a test needs between its two writes, so that a busy machine cannot make the record
 * look finished before the second one; the default (QUIET_MS) is the same path, shorter.
 */
const QUIET = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('watch, a record whose continuation lines come in a later write', () => {
  let dir = '';
  let w: Watcher | undefined;
  afterEach(async () => {
    await w?.stop();
    w = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  async function start(over: Partial<WatcherOptions> = {}) {
    dir = mkdtempSync(join(tmpdir(), 'deadair-split-'));
    const log = join(dir, 'agent.log');
    writeFileSync(log, '');
    const said: WatchEvent[] = [];
    w = createWatcher({
      paths: [log],
      fromStart: false,
      settings: DEFAULT_CONFIG,
      quietMs: QUIET,
      tickMs: 20,
      ...over,
    });
    w.subscribe((e) => said.push(e));
    await w.ready;
    const events = () => said.flatMap((e) => (e.type === 'event' ? [e.event] : []));
    const errors = () =>
      events().filter((e): e is Extract<AgentEvent, { kind: 'error' }> => e.kind === 'error');
    return { log, said, events, errors };
  }

  /** Appends `first`, waits until the watcher has read it, pauses, then appends `rest`. */
  async function twoWrites(log: string, first: string[], rest: string[]): Promise<void> {
    const pipeline = w!.pipeline;
    const before = pipeline.lines;
    appendFileSync(log, first.map((l) => l + '\n').join(''));
    await until(() => pipeline.lines >= before + first.length);
    // The tailer has read the header, and the file is quiet: the writer's next write comes later.
    await sleep(QUIET / 10);
    appendFileSync(log, rest.map((l) => l + '\n').join(''));
    await until(() => pipeline.lines >= before + first.length + rest.length);
  }

  it('keeps the fields of a pino-pretty error printed after its header: the status and quota category', async () => {
    const { log, said, errors } = await start();
    const now = prettyTime(new Date());
    const at = (l: string) => l.replace(PRETTY_HEADER, `[${now}] `);
    const started = record('real-livekit/node-1.9.0/credits.dev.log', /job started\b/, PRETTY_HEADER).map(at);
    const retry = creditsRetry(now);
    expect(retry.length).toBeGreaterThan(10);

    // The job's first record whole, then the error's header alone; its fields in the next write.
    await twoWrites(log, [...started, retry[0]!], retry.slice(1));

    await until(() => errors().length > 0);
    const [ev, ...others] = errors();
    expect(others).toEqual([]);
    expect(ev?.error).toMatchObject({
      component: 'llm',
      stage: 'retry',
      status: 429,
      label: 'inference.LLM',
      attempt: 1,
      quota: { category: 'MaxGatewayCredits', terminal: true },
    });
    expect(ev?.ctx).toMatchObject({ jobId: 'AJ_L8kSmMCudK2P', roomSid: 'RM_NgW6GcHCjon3' });
    // The record's evidence is the record, its continuation lines with it.
    expect(ev?.evidence.text.split('\n')).toHaveLength(retry.length);
    // Not one of its lines was left over as a line of its own.
    expect(w!.pipeline.events).toBe(2);

    // The alert names the cause its fields tell: out of credits.
    await until(() => said.some((e) => e.type === 'alert'));
    const alerts = said.flatMap((e) => (e.type === 'alert' ? [e.alert] : []));
    expect(alerts.map((a) => a.finding.cause)).toEqual(['credits_exhausted']);
  });

  it('keeps them too through docker compose, with another service writing between the header and its fields', async () => {
    const { log, said, errors } = await start();
    const now = prettyTime(new Date());
    const agent = (l: string) => `agent-1    | ${l.replace(PRETTY_HEADER, `[${now}] `)}`;
    const other = `livekit-1  | ${new Date().toISOString()}\tINFO\tlivekit\tservice/roommanager.go:413\troom event`;
    const started = record('real-livekit/node-1.9.0/credits.dev.log', /job started\b/, PRETTY_HEADER).map(
      agent,
    );
    const retry = creditsRetry(now).map(agent);

    await twoWrites(
      log,
      [...started, retry[0]!, other],
      [other, ...retry.slice(1, 5), other, ...retry.slice(5)],
    );

    await until(() => errors().length > 0);
    const [ev, ...others] = errors();
    expect(others).toEqual([]);
    expect(ev?.error).toMatchObject({
      status: 429,
      quota: { category: 'MaxGatewayCredits', terminal: true },
    });
    expect(ev?.evidence.text.split('\n')).toHaveLength(retry.length);
    expect(w!.pipeline.files()[0]?.envelope).toBe('compose');
    await until(() => said.some((e) => e.type === 'alert'));
    expect(said.flatMap((e) => (e.type === 'alert' ? [e.alert.finding.cause] : []))).toEqual([
      'credits_exhausted',
    ]);
  });

  it('does not hold a JSON line for the quiet period: it takes no continuation lines, and its alert is at once', async () => {
    // A quiet period far longer than the wait below: waiting for it, this test would time out.
    const { log, said, errors } = await start({ quietMs: 120_000 });
    const lines = readFileSync(join(ROOT, 'test/fixtures/real-livekit/node-1.9.0/credits.start.log'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'));
    const now = Date.now();
    // Up to the first credits retry, each line at the time it is written.
    const upTo = lines.findIndex((l) => l.includes('"attempt":1'));
    expect(upTo).toBeGreaterThan(0);
    appendFileSync(
      log,
      lines
        .slice(0, upTo + 1)
        .map((l) => l.replace(/"time":\d+/, `"time":${now}`) + '\n')
        .join(''),
    );
    await until(() => errors().length > 0, 20_000);
    expect(errors()[0]?.error).toMatchObject({ status: 429, quota: { category: 'MaxGatewayCredits' } });
    await until(() => said.some((e) => e.type === 'alert'), 20_000);
    const alerts = said.flatMap((e) => (e.type === 'alert' ? [e.alert] : []));
    expect(alerts.map((a) => a.finding.cause)).toEqual(['credits_exhausted']);
  });

  it('keeps a Python traceback printed after its ERROR line: the status and quota category', async () => {
    const { log, errors } = await start();
    const lines = record(
      'real-livekit/python-1.8.9/credits.dev.log',
      /Error in _llm_inference_task/,
      PY_HEADER,
    ).map((l) => l.replace(PY_HEADER, `${pyTime(new Date())} - `));
    expect(lines[1]).toMatch(/^Traceback/);

    await twoWrites(log, lines.slice(0, 1), lines.slice(1));

    await until(() => errors().length > 0);
    const [ev, ...others] = errors();
    expect(others).toEqual([]);
    expect(ev?.error).toMatchObject({
      component: 'llm',
      stage: 'final',
      status: 429,
      errorType: 'APIStatusError',
      quota: { category: 'MaxGatewayCredits', terminal: true },
    });
    expect(w!.pipeline.events).toBe(1);
  });

  it('completes a held record when the next record begins, without waiting for the file to go quiet', async () => {
    // A quiet period longer than the test may take: only the next header can complete the record.
    const { log, errors } = await start({ quietMs: 600_000 });
    const now = prettyTime(new Date());
    const retry = creditsRetry(now);

    await twoWrites(log, retry.slice(0, 1), [...retry.slice(1), `[${now}] INFO (16453): next record`]);

    await until(() => errors().length > 0);
    expect(errors()[0]?.error).toMatchObject({ status: 429, quota: { category: 'MaxGatewayCredits' } });
    // The next record waits in its turn.
    expect(w!.pipeline.heldStart(log)).toBeDefined();
  });

  it('completes a record held at the moment the file is truncated, and one held as the watcher stops', async () => {
    const { log, errors } = await start({ quietMs: 600_000 });
    const now = prettyTime(new Date());
    const retry = creditsRetry(now);
    await twoWrites(log, retry.slice(0, 1), retry.slice(1));
    expect(errors()).toEqual([]);

    // copytruncate: the file starts over. What was read of it is complete.
    writeFileSync(log, '');
    await until(() => errors().length === 1);
    expect(errors()[0]?.error).toMatchObject({ status: 429, quota: { category: 'MaxGatewayCredits' } });

    appendFileSync(log, retry.map((l) => l + '\n').join(''));
    await until(() => w!.pipeline.heldStart(log) !== undefined && w!.pipeline.lines >= 2 * retry.length);
    await w!.stop();
    w = undefined;
    expect(errors()).toHaveLength(2);
    expect(errors()[1]?.error).toMatchObject({ status: 429, quota: { category: 'MaxGatewayCredits' } });
  });

  for (const how of ['rotated', 'deleted'] as const)
    it(`completes a record held when its file is ${how}, before reading on`, async () => {
      const { log, errors } = await start({ quietMs: 600_000 });
      const now = prettyTime(new Date());
      const retry = creditsRetry(now);
      await twoWrites(log, retry.slice(0, 1), retry.slice(1));
      expect(errors()).toEqual([]);

      // Rotation by rename + create (the new file empty so far), or the file removed.
      if (how === 'rotated') {
        renameSync(log, `${log}.1`);
        writeFileSync(log, '');
      } else unlinkSync(log);
      await until(() => errors().length === 1);
      expect(errors()[0]?.error).toMatchObject({ status: 429, quota: { category: 'MaxGatewayCredits' } });
      expect(w!.pipeline.heldStart(log)).toBeUndefined();
    });

  it('does not call a turn silent while the answer read in time waits for its continuation lines', async () => {
    // The wall clock is the test's: the answer is read 7.9 s after the turn; the clock then passes
    // the 8 s threshold while the answer waits for a next write that never comes.
    let clock = Date.now();
    const turnAt = clock;
    const { log, said, events } = await start({ now: () => clock });
    const line = (t: number, extras: Record<string, unknown>) =>
      `${pyTime(new Date(t))} - DEBUG livekit.agents - conversation_item_added ${JSON.stringify({
        ...extras,
        pid: 4102,
        job_id: 'AJ_split',
        room: 'split-room',
      })}`;
    appendFileSync(
      log,
      [
        `${pyTime(new Date(turnAt))} - DEBUG livekit.agents - using audio io: \`RoomIO\` -> \`AgentSession\` -> \`RoomIO\` ${JSON.stringify({ pid: 4102, job_id: 'AJ_split', room: 'split-room' })}`,
        line(turnAt, { role: 'user', 'lk.pii.text': 'hello?' }),
        '',
      ].join('\n'),
    );
    await until(() => events().some((e) => e.kind === 'user_turn_end'));

    clock = turnAt + 7900;
    appendFileSync(log, line(clock, { role: 'assistant', 'lk.pii.text': 'hi!' }) + '\n');
    await until(() => w!.pipeline.heldStart(log) !== undefined && w!.pipeline.lines >= 3);
    clock = turnAt + 8200;
    // The detectors tick every 20 ms meanwhile; the answer is complete once the file has been quiet.
    await until(() => events().some((e) => e.kind === 'agent_speech'));
    await sleep(200);
    const findings = said.flatMap((e) => (e.type === 'finding' ? [e.finding.cause] : []));
    expect(findings).toEqual([]);
  });
});
