// The deadair CLI as a user runs it: the built bin, real files, exit codes, the --json schema.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from './support/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deadair-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A watcher left by a failing test must not outlive it.
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir, env });

const pino = (level: number, msg: string, extra: Record<string, unknown> = {}, job = 'AJ_cli') =>
  JSON.stringify({
    level,
    time: 1764000300000,
    pid: 7,
    hostname: 'h',
    jobID: job,
    room_id: 'RM_c',
    ...extra,
    msg,
  });
const quota = {
  type: 'APIStatusError',
  message: '429 "LLM token credit quota exceeded, category: MaxGatewayCredits"',
  body: 'LLM token credit quota exceeded, category: MaxGatewayCredits',
  statusCode: 429,
  retryable: true,
};
const CREDITS = [
  pino(30, 'Creating speech handle'),
  pino(40, 'failed to generate LLM completion, retrying in 100ms', {
    llm: 'inference.LLM',
    attempt: 1,
    error: quota,
  }),
  pino(50, 'AgentSession is closing due to an unrecoverable error', {
    type: 'llm_error',
    label: 'inference.LLM',
    error: quota,
    recoverable: false,
  }),
  pino(30, 'AgentSession closed', { reason: 'error' }),
].join('\n');
const HEALTHY = [
  pino(30, 'Creating speech handle', {}, 'AJ_ok'),
  pino(30, 'playout completed without interruption', {}, 'AJ_ok'),
].join('\n');

describe('deadair analyze', () => {
  it('exits 1 and names the cause when a session failed', async () => {
    writeFileSync(join(dir, 'credits.log'), CREDITS + '\n');
    const r = await run(['analyze', 'credits.log']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAILED');
    expect(r.stdout).toContain('Out of inference credits');
    expect(r.stdout).toContain('credits.log:2');
    expect(r.stdout).toMatch(/Top up LiveKit Inference credits/);
    expect(r.stdout).toMatch(/1 session — 1 failed/);
  });

  it('exits 0 when every session is healthy or degraded', async () => {
    writeFileSync(join(dir, 'ok.log'), HEALTHY + '\n');
    const r = await run(['analyze', 'ok.log']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('HEALTHY');
  });

  it('prints the documented --json schema', async () => {
    const r = await run(['analyze', '--json', 'credits.log', 'ok.log']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      sessions: Record<string, unknown>[];
      summary: Record<string, unknown>;
    };
    const failed = out.sessions.find((s) => s.id === 'AJ_cli') as {
      room: unknown;
      causes: Record<string, unknown>[];
      firstFailure: { time: unknown };
    };
    expect(failed).toMatchObject({
      id: 'AJ_cli',
      job: 'AJ_cli',
      verdict: 'failed',
      closeReason: 'error',
      live: false,
      quota: { type: null, category: 'MaxGatewayCredits', terminal: true },
      firstFailure: { file: join(dir, 'credits.log'), line: 2 },
    });
    expect(failed.room === null || typeof failed.room === 'string').toBe(true);
    for (const c of failed.causes) {
      expect(Object.keys(c)).toEqual(
        expect.arrayContaining(['id', 'cause', 'severity', 'component', 'time', 'file', 'line', 'remedy']),
      );
    }
    expect(failed.causes[0]).toMatchObject({
      id: 'AJ_cli/credits_exhausted',
      session: 'AJ_cli',
      cause: 'credits_exhausted',
      severity: 'critical',
      component: 'llm',
      line: 2,
    });
    expect(typeof failed.firstFailure.time).toBe('string');
    // Its log ends with it open (no close), but a log read to its end is followed no more: not live.
    expect(out.sessions.find((s) => s.id === 'AJ_ok')).toMatchObject({
      verdict: 'healthy',
      causes: [],
      quota: null,
      firstFailure: null,
      closeReason: null,
      live: false,
    });
    expect(out.summary).toMatchObject({ sessions: 2, failed: 1, healthy: 1 });
  });

  it('says why a log has no user turns: INFO hides them; at DEBUG none ended (bulk or not)', async () => {
    // One job's chatter, its first lines at INFO and the rest at DEBUG: those the bulk reader takes.
    const line = (i: number, level: number) =>
      JSON.stringify({
        level,
        time: 1764000300000 + i * 10,
        pid: 9,
        hostname: 'h',
        jobID: 'AJ_quiet',
        room_id: 'RM_q',
        msg: 'Task.runTask: task AgentActivity_mainTask done',
      });
    writeFileSync(
      join(dir, 'quiet-debug.log'),
      Array.from({ length: 3000 }, (_, i) => line(i, i < 5 ? 30 : 20)).join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 'quiet-info.log'),
      Array.from({ length: 3000 }, (_, i) => line(i, 30)).join('\n') + '\n',
    );
    for (const env of [{}, { DEADAIR_BULK: '0' }]) {
      const debug = await run(['analyze', 'quiet-debug.log'], env);
      expect(debug.stdout).toContain(
        'note: quiet-debug.log has no user turn records though logged at DEBUG: no user turn ended (did the agent hear anyone? check its STT)',
      );
      const info = await run(['analyze', 'quiet-info.log'], env);
      expect(info.stdout).toContain(
        'note: quiet-info.log has no user turn records, so silence cannot be judged from it: log at DEBUG, or watch the room (--rooms)',
      );
    }
  });

  it('reads a directory and a quoted glob', async () => {
    const sub = join(dir, 'logs');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'a.log'), CREDITS + '\n');
    writeFileSync(join(sub, 'b.jsonl'), HEALTHY + '\n');
    writeFileSync(join(sub, 'notes.md'), 'not a log\n');
    const byDir = JSON.parse((await run(['analyze', '--json', 'logs'])).stdout) as {
      summary: { files: unknown[] };
    };
    expect(byDir.summary.files).toHaveLength(2);
    const byGlob = JSON.parse((await run(['analyze', '--json', 'logs/*.log'])).stdout) as {
      summary: { files: unknown[] };
    };
    expect(byGlob.summary.files).toHaveLength(1);
  });

  it('exits 2 with one clear line for a missing path, an empty directory and an unknown --format', async () => {
    const missing = await run(['analyze', 'nope.log']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^deadair: .*nope\.log/);
    mkdirSync(join(dir, 'empty'), { recursive: true });
    const empty = await run(['analyze', 'empty']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^deadair: .*empty/);
    const fmt = await run(['analyze', '--format', 'xml', 'ok.log']);
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toMatch(/^deadair: unknown --format 'xml' \(expected one of: auto, pino-json/);
    for (const [args, message] of [
      [['analyze', '--ui-port', 'abc', 'ok.log'], "deadair: --ui-port must be a port number, not 'abc'\n"],
      [['watch', '--ui-port', '8080', 'ok.log'], 'deadair: --ui-port is the port of --ui: give --ui too\n'],
      [['demo', '--ui', '--ui-port', '70000'], "deadair: --ui-port must be a port number, not '70000'\n"],
      [
        ['demo', '--speed', '-2'],
        "deadair: --speed needs a value; one that starts with a dash is written --speed=-… (see 'deadair help')\n",
      ],
      [
        ['demo', 'agent.log'],
        "deadair: demo takes no files (it writes its own logs): 'agent.log' — to read yours: deadair analyze or deadair watch\n",
      ],
    ] as const) {
      const r = await run([...args]);
      expect([r.code, r.stderr]).toEqual([2, message]);
    }
    const flag = await run(['analyze', '--bogus', 'ok.log']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^deadair: .*--bogus/);
    const none = await run(['analyze']);
    expect(none.code).toBe(2);
  });

  it('names an empty file as empty in the report, beside the files it read', async () => {
    writeFileSync(join(dir, 'nothing.log'), '');
    const alone = await run(['analyze', 'nothing.log']);
    expect(alone.code).toBe(0);
    expect(alone.stdout.split('\n')[0]).toBe('deadair analyze — 1 file: nothing.log (empty)');
    const both = await run(['analyze', 'credits.log', 'nothing.log']);
    expect(both.stdout.split('\n')[0]).toBe(
      'deadair analyze — 2 files: credits.log (pino-json), nothing.log (empty)',
    );
  });

  it('keeps going past one unreadable path, reports the rest, and exits 2 as grep does', async () => {
    const r = await run(['analyze', 'credits.log', 'nope.log']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.log/);
    expect(r.stdout).toContain('Out of inference credits');
  });

  it('rejects a bad settings file in one line naming the key', async () => {
    writeFileSync(join(dir, 'bad-config.json'), JSON.stringify({ alerts: { minSeverity: 'loud' } }));
    const r = await run(['watch', '--config', 'bad-config.json', 'ok.log']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `deadair: config bad-config.json: alerts.minSeverity must be one of critical, warning, info (got "loud")\n`,
    );
  });

  it('prints help and version', async () => {
    const h = await run(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/deadair analyze/);
    expect((await run(['help', 'analyze'])).stdout).toMatch(/--format <id>/);
    expect((await run(['--version'])).stdout).toMatch(/^deadair \d+\.\d+\.\d+/);
    const unknown = await run(['frobnicate']);
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      "deadair: unknown command 'frobnicate' (expected analyze, watch or demo; see 'deadair help')\n",
    ]);
    expect((await run(['help', 'demo'])).stdout).toMatch(/^Usage: deadair demo/);
    // Help on help is the general help, as git's is.
    const helpHelp = await run(['help', 'help']);
    expect([helpHelp.code, helpHelp.stdout]).toEqual([0, (await run(['help'])).stdout]);
    const nope = await run(['help', 'nope']);
    expect([nope.code, nope.stdout, nope.stderr]).toEqual([
      2,
      '',
      "deadair: no help on 'nope' (commands: analyze, watch, demo; see 'deadair help')\n",
    ]);
  });

  it('names the time of a silence in local time, in any time zone', async () => {
    // Zones off UTC by a half and three quarters of an hour, and Lord Howe half an hour after its
    // summer time ended (its clocks go back by half an hour).
    const cases: [string, number][] = [
      ['Asia/Kathmandu', Date.UTC(2026, 10, 24, 12, 0, 3)],
      ['Asia/Kolkata', Date.UTC(2026, 10, 24, 12, 0, 59)],
      ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 15, 29, 58)],
      ['UTC', Date.UTC(2026, 10, 24, 23, 59, 59)],
    ];
    for (const [tz, t] of cases) {
      const at = (ms: number, msg: string) =>
        JSON.stringify({ level: 30, time: ms, pid: 7, hostname: 'h', jobID: 'AJ_tz', room_id: 'RM_tz', msg });
      // A turn answered, then one the agent never answers (a tick every second of log time).
      const lines = [
        at(t - 5000, 'User turn committed'),
        at(t - 4000, 'playout completed without interruption'),
      ];
      lines.push(at(t, 'User turn committed'));
      for (let k = 1; k <= 12; k++) lines.push(at(t + k * 1000, 'running EOU detection'));
      writeFileSync(join(dir, `tz.log`), lines.join('\n') + '\n');
      const r = await run(['analyze', '--json', 'tz.log'], { TZ: tz });
      const silent = JSON.parse(r.stdout).sessions[0].causes.find(
        (c: { cause: string }) => c.cause === 'agent_silent',
      );
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: tz,
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(t));
      expect(silent?.summary, tz).toContain(`finished speaking at ${local} `);
    }
  });

  it('shows untrusted text without terminal escape sequences', async () => {
    const evil = pino(
      50,
      'AgentSession is closing due to an unrecoverable error',
      {
        type: 'llm_error',
        label: 'x\u001b]0;pwned\u0007LLM',
        error: { message: '500 \u001b[2J boom', statusCode: 500 },
      },
      'AJ_evil\u001b[31m',
    );
    writeFileSync(join(dir, 'evil.log'), evil + '\n');
    const r = await run(['analyze', 'evil.log'], { FORCE_COLOR: '0' });
    expect(r.stdout).not.toContain('\u001b]0;');
    expect(r.stdout).not.toContain('\u001b[2J');
  });
});

describe('deadair watch', () => {
  /** `watch --json` of `file`, started: what it printed so far, and how to stop it. */
  async function watching(file: string) {
    const child = spawn(
      process.execPath,
      [BIN, 'watch', '--json', '--no-notify', '--no-sound', '--no-journal', file],
      { env: { ...process.env, NO_COLOR: '1' } },
    );
    children.push(child);
    const w = { out: '', err: '', stop: () => undefined as unknown as Promise<unknown> };
    child.stdout.on('data', (d: Buffer) => (w.out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (w.err += d.toString()));
    w.stop = () => {
      child.kill('SIGINT');
      return new Promise((r) => child.once('exit', r));
    };
    await waitFor(() => w.err.includes('watching'));
    return w;
  }

  it('says once that a missing log is waited for, then reads it when it appears', async () => {
    const file = join(dir, 'later.log');
    const w = await watching(file);
    writeFileSync(file, CREDITS.replaceAll('AJ_cli', 'AJ_later') + '\n');
    await waitFor(() => w.out.includes('AJ_later'));
    await w.stop();
    const said = w.err.split('\n').filter((l) => l.includes('later.log'));
    expect(said).toEqual([`deadair: no such file or directory: ${file} (waiting for it to appear)`]);
  });

  it('prints each finding once, as JSON lines, for lines appended after it started', async () => {
    const file = join(dir, 'live.log');
    writeFileSync(file, CREDITS + '\n'); // history: not reported without --from-start
    const w = await watching(file);
    appendFileSync(file, CREDITS.replaceAll('AJ_cli', 'AJ_live') + '\n');
    await waitFor(() => w.out.split('\n').filter(Boolean).length >= 4);
    await w.stop();
    const lines = w.out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; cause: string; session: string });
    const findings = lines.filter((l) => l.type === 'finding');
    // One incident, one alert: credits ran out, and the close that followed raises nothing more.
    expect(lines.filter((l) => l.type === 'alert').map((l) => l.cause)).toEqual(['credits_exhausted']);
    expect(findings.every((f) => f.session === 'AJ_live')).toBe(true);
    expect(findings.map((f) => f.cause).sort()).toEqual([
      'closed_with_error',
      'credits_exhausted',
      'dead_turns',
    ]);
  });

  it('reads history first with --from-start', async () => {
    const file = join(dir, 'hist.log');
    writeFileSync(file, CREDITS + '\n');
    const child = spawn(process.execPath, [
      BIN,
      'watch',
      '--json',
      '--no-notify',
      '--no-sound',
      '--no-journal',
      '--from-start',
      file,
    ]);
    children.push(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes('credits_exhausted'));
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
  });

  it("reports a backlog's old failures without alerting them, and alerts a recent one (--from-start, standard input)", async () => {
    // AJ_cli ran out of credits long ago; AJ_now did half a minute ago.
    const recent = CREDITS.replaceAll('AJ_cli', 'AJ_now').replaceAll(
      '1764000300000',
      String(Date.now() - 30_000),
    );
    const file = join(dir, 'backlog.log');
    writeFileSync(file, CREDITS + '\n' + recent + '\n');
    const args = [BIN, 'watch', '--json', '--no-notify', '--no-sound', '--no-journal'];
    for (const how of ['file', 'stdin'] as const) {
      const child = spawn(
        process.execPath,
        how === 'file' ? [...args, '--from-start', file] : [...args, '-'],
        {
          env: { ...process.env, NO_COLOR: '1' },
        },
      );
      children.push(child);
      const exited = new Promise((r) => child.once('exit', r));
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      if (how === 'stdin') child.stdin.end(CREDITS + '\n' + recent + '\n');
      await waitFor(() => err.includes('reported, not alerted') && out.includes('"type":"alert"'));
      await new Promise((r) => setTimeout(r, 600));
      child.kill('SIGINT'); // (standard input's watch has ended by itself)
      await exited;
      const lines = out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; cause: string; session: string });
      const found = (s: string) =>
        lines.filter((l) => l.type === 'finding' && l.session === s).map((l) => l.cause);
      expect(found('AJ_cli').sort(), how).toEqual(['closed_with_error', 'credits_exhausted', 'dead_turns']);
      expect(found('AJ_now').sort(), how).toEqual(['closed_with_error', 'credits_exhausted', 'dead_turns']);
      expect(
        lines.filter((l) => l.type === 'alert').map((l) => `${l.session} ${l.cause}`),
        how,
      ).toEqual(['AJ_now credits_exhausted']);
      // Said once, counting the findings of a severity that alerts (all three are critical here).
      expect(err.match(/reported, not alerted/g), how).toHaveLength(1);
      expect(err, how).toContain(
        'deadair: 3 findings from what the logs held before this watch (over 10 min old)',
      );
    }
  });

  it('does not alert a silence the backlog ended in, hours ago, found once the watch is live', async () => {
    const t = Date.now() - 2 * 3_600_000;
    const line = (dt: number, level: number, msg: string) =>
      pino(level, msg, {}, 'AJ_old2h').replace('1764000300000', String(t + dt));
    const file = join(dir, 'old-turn.log');
    writeFileSync(
      file,
      [
        line(0, 30, 'Creating speech handle'),
        line(1000, 30, 'playout completed without interruption'),
        line(5000, 20, 'User turn committed'),
      ].join('\n') + '\n',
    );
    const child = spawn(
      process.execPath,
      [BIN, 'watch', '--json', '--no-notify', '--no-sound', '--no-journal', '--from-start', file],
      { env: { ...process.env, NO_COLOR: '1' } },
    );
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await waitFor(() => out.includes('agent_silent') && err.includes('reported, not alerted'));
    await new Promise((r) => setTimeout(r, 600));
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    const lines = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; cause: string });
    expect(lines.filter((l) => l.type === 'finding').map((l) => l.cause)).toContain('agent_silent');
    expect(lines.filter((l) => l.type === 'alert')).toEqual([]);
  });

  it('names a session known only by its room SID (agents-js dev output) by that SID, as analyze does', async () => {
    const file = join(dir, 'pretty.log');
    copyFileSync(join(ROOT, 'test/fixtures/real/llm-credits.pretty.log'), file);
    const child = spawn(
      process.execPath,
      [BIN, 'watch', '--no-notify', '--no-sound', '--no-journal', '--from-start', file],
      { env: { ...process.env, NO_COLOR: '1' } },
    );
    children.push(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes('Session closed with an error'));
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    const heads = out.split('\n').filter((l) => / (CRITICAL|WARNING) /.test(l));
    expect(heads.length).toBeGreaterThan(1);
    for (const h of heads) expect(h).toMatch(/ — room RM_llmcredits · job AJ_llmcreditsP$/);
    const analyzed = await run(['analyze', file], { NO_COLOR: '1' });
    expect(analyzed.stdout).toContain('room RM_llmcredits · job AJ_llmcreditsP');
  });
});

describe('deadair watch, from the settings', () => {
  it('alerts a cause whose spoken clip is off without playing it (alerts.spoken)', async () => {
    const said = async (spoken: Record<string, boolean>) => {
      const file = join(dir, `spoken-${Object.keys(spoken).length}.log`);
      writeFileSync(file, '');
      const config = join(dir, `spoken-${Object.keys(spoken).length}.json`);
      writeFileSync(config, JSON.stringify({ alerts: { spoken } }));
      const child = spawn(
        process.execPath,
        [BIN, 'watch', '--json', '--no-notify', '--no-journal', '--config', config, file],
        { env: { ...process.env, NO_COLOR: '1', DEADAIR_BENCH: '1', DEADAIR_ALSA_DEVICE: 'null' } },
      );
      children.push(child);
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      await waitFor(() => err.includes('watching'));
      appendFileSync(file, CREDITS.replaceAll('AJ_cli', 'AJ_spoken') + '\n');
      await waitFor(() => out.includes('"type":"alert"'));
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
      return /deadair-bench sound /.test(err);
    };
    expect(await said({ credits_exhausted: false })).toBe(false);
    expect(await said({})).toBe(true);
  });

  it("with no paths or rooms, watches the settings' watch.paths (~ is the home folder)", async () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, 'agent'), { recursive: true });
    writeFileSync(join(home, 'agent', 'a.log'), CREDITS.replaceAll('AJ_cli', 'AJ_cfg') + '\n');
    const config = join(dir, 'watch-config.json');
    writeFileSync(config, JSON.stringify({ watch: { paths: ['~/agent/*.log'] } }));
    const child = spawn(
      process.execPath,
      [
        BIN,
        'watch',
        '--json',
        '--from-start',
        '--no-notify',
        '--no-sound',
        '--no-journal',
        '--config',
        config,
      ],
      { env: { ...process.env, HOME: home, NO_COLOR: '1' } },
    );
    children.push(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes('"session":"AJ_cfg"'));
    child.kill('SIGINT');
    expect(await new Promise((r) => child.once('exit', r))).toBe(0);
  });
  it('says what to give when neither the command line nor the settings name anything', async () => {
    const r = await runCli(['watch', '--no-journal'], {
      cwd: dir,
      env: { XDG_CONFIG_HOME: join(dir, 'no-config-here') },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no log files or rooms given .*watch\.paths/);
  });
});

async function waitFor(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
