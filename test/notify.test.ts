// Desktop notifications for real: `deadair watch` in its own D-Bus session with a notification
// daemon (dunst under Xvfb); the test reads what the daemon received.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './support/cli.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const missing = ['dbus-run-session', 'Xvfb', 'dunst', 'dunstctl', 'notify-send'].filter((c) => !has(c));
if (missing.length)
  console.log(`[notify] skipped: not installed: ${missing.join(', ')} (.ci/run installs them)`);

const dir = mkdtempSync(join(tmpdir(), 'deadair-notify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pino = (level: number, msg: string, extra: Record<string, unknown>, job: string) =>
  JSON.stringify({
    level,
    time: Date.now(),
    pid: 5,
    hostname: 'h',
    jobID: job,
    room_id: 'RM_n',
    'lk.pii.room_name': 'support-line',
    ...extra,
    msg,
  });

interface Notification {
  summary: string;
  body: string;
  appname: string;
}

function run(lines: string[], alerts: number, config?: object): Promise<Notification[]> {
  const tag = `${alerts}-${lines.length}`;
  const lineFile = join(dir, `lines-${tag}.txt`);
  writeFileSync(lineFile, lines.join('\n') + '\n');
  const configFile = join(dir, `config-${tag}.json`);
  if (config) writeFileSync(configFile, JSON.stringify(config));
  return new Promise((resolve, reject) => {
    execFile(
      'dbus-run-session',
      [
        '--',
        join(ROOT, 'test/support/dbus-notify.sh'),
        BIN,
        join(dir, `agent-${tag}.log`),
        lineFile,
        String(alerts),
        ...(config ? [configFile] : []),
      ],
      { timeout: 60_000 },
      (err, stdout) => {
        try {
          const history = JSON.parse(stdout) as {
            data: { summary: { data: string }; body: { data: string }; appname: { data: string } }[][];
          };
          resolve(
            (history.data[0] ?? []).map((n) => ({
              summary: n.summary.data,
              body: n.body.data,
              appname: n.appname.data,
            })),
          );
        } catch {
          reject(new Error(`no dunst history (${String(err?.message)}): ${stdout}`));
        }
      },
    );
  });
}

describe.skipIf(missing.length > 0)('desktop notifications', () => {
  it('tells the desktop once, in plain words, when an agent runs out of credits', async () => {
    const quota = {
      message: '429 "LLM token credit quota exceeded, category: MaxGatewayCredits"',
      statusCode: 429,
    };
    const got = await run(
      [
        pino(
          40,
          'failed to generate LLM completion, retrying in 100ms',
          { llm: 'inference.LLM', attempt: 1, error: quota },
          'AJ_notify',
        ),
        pino(
          50,
          'AgentSession is closing due to an unrecoverable error',
          { type: 'llm_error', error: quota },
          'AJ_notify',
        ),
      ],
      1,
    );
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ summary: 'Out of inference credits', appname: 'deadair' });
    expect(got[0]?.body).toContain('room support-line · job AJ_notify (LLM, MaxGatewayCredits)');
    expect(got[0]?.body).toContain('Top up LiveKit Inference credits');
  });

  it('says so when a user finished speaking and the agent never answered', async () => {
    const got = await run([pino(20, 'User turn committed', {}, 'AJ_quiet')], 1, {
      detectors: { silenceSeconds: 1 },
    });
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ summary: 'Agent silent', appname: 'deadair' });
    expect(got[0]?.body).toContain('room support-line · job AJ_quiet');
    expect(got[0]?.body).toMatch(/did not answer a finished user turn/);
  });

  it('names a process that died, and a rejected key, in separate notifications', async () => {
    const got = await run(
      [
        pino(30, 'Creating speech handle', {}, 'AJ_dead'),
        JSON.stringify({
          message: 'process exited with non-zero exit code 1',
          level: 'ERROR',
          name: 'livekit.agents',
          pid: 71,
          job_id: 'AJ_dead2',
          room: 'r2',
          timestamp: new Date().toISOString(),
        }),
        pino(
          50,
          'AgentSession is closing due to an unrecoverable error',
          {
            type: 'llm_error',
            label: 'openai.LLM',
            error: { message: '401 Incorrect API key provided', statusCode: 401 },
          },
          'AJ_key',
        ),
      ],
      2,
    );
    expect(got.map((n) => n.summary).sort()).toEqual(['Agent process died', 'LLM API key rejected']);
  });

  it('with --ui, a click on the notification opens the timeline at the finding ($BROWSER)', async () => {
    const work = mkdtempSync(join(dir, 'click-'));
    const quota = {
      message: '429 "LLM token credit quota exceeded, category: MaxGatewayCredits"',
      statusCode: 429,
    };
    const lineFile = join(work, 'lines.txt');
    writeFileSync(
      lineFile,
      pino(
        50,
        'AgentSession is closing due to an unrecoverable error',
        { type: 'llm_error', error: quota },
        'AJ_click',
      ) + '\n',
    );
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        'dbus-run-session',
        ['--', join(ROOT, 'test/support/dbus-click.sh'), BIN, join(work, 'agent.log'), lineFile, work],
        { timeout: 60_000 },
        (err, out) => (out ? resolve(out) : reject(err ?? new Error('no output'))),
      ),
    );
    const alert = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; link?: string })
      .find((l) => l.type === 'alert');
    expect(alert?.link, stdout).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/\?k=[0-9a-f]+#\/session\/AJ_click\/finding\/AJ_click%2Fcredits_exhausted$/,
    );
    expect(stdout).not.toMatch(/notification failed|cannot open/);
    // The opener received exactly the finding's deep link, once.
    expect(/^opened: (.*)$/m.exec(stdout)?.[1], stdout).toBe(alert?.link);
  });
});
