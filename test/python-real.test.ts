// `deadair analyze` on what the REAL livekit-agents framework printed (test/fixtures/python-real,
// recorded by test/real-agents/python/generate.mjs from livekit-agents 1.8.9, 1.7.1 and 1.6.10):
// turn evidence from conversation items and metrics, no silence raised from a log that cannot show
// it, a hang and a timeout on the only turn, sessions one after another in one process, credits, an
// LLM key rejected (401), LLM 500s, an STT refused at the handshake (429), a TTS refused (500).
import { execFile } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/core/config.js';
import { createWatcher } from '../src/core/watcher.js';
import { until } from './support/agent-lines.js';
import { BIN, ROOT } from './support/cli.js';

interface Session {
  id: string;
  verdict: string;
  turns: { user: number; agent: number; spoken: number };
  deadTurns: number;
  causes: { cause: string; severity: string; component: string }[];
  quota: { category: string | null; terminal: boolean } | null;
  latency: {
    p50: Record<string, number>;
    p95: Record<string, number>;
    turns: { ttftMs?: number }[];
  } | null;
}
interface Output {
  sessions: Session[];
  summary: { noTurnEvidence: string[] };
}

function analyze(file: string): Promise<{ code: number; out: Output; stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, 'analyze', '--json', file], (err, stdout, stderr) => {
      try {
        resolve({ code: err ? Number(err.code) : 0, out: JSON.parse(stdout) as Output, stdout });
      } catch {
        reject(new Error(`analyze printed no JSON (exit ${String(err?.code)}): ${stderr}`));
      }
    });
  });
}

/** `deadair watch --json -` fed the whole file on standard input (its end ends the watch): what it printed. */
// A recording replayed on standard input is history: these alert as they did when it was written.
const REPLAY_CONFIG = join(mkdtempSync(join(tmpdir(), 'deadair-pyreal-')), 'config.json');
writeFileSync(REPLAY_CONFIG, JSON.stringify({ alerts: { historyMinutes: 5_256_000 } }));

function watchAll(file: string): Promise<{ type?: string; cause?: string }[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, 'watch', '--json', '--no-journal', '--no-notify', '--no-sound', '--config', REPLAY_CONFIG, '-'],
      (err, stdout) => {
        if (err) return reject(err);
        resolve(
          stdout
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as { type?: string; cause?: string }),
        );
      },
    );
    createReadStream(file).pipe(child.stdin!);
  });
}

/**
 * Where the recorded releases differ in what they print (the README's table says more):
 * - `itemText`: the extra a `conversation_item_added` record carries its words in: `lk.pii.text`
 *   in 1.7.1 and 1.8.9, plain `text` in 1.6.10 (`voice/agent_session.py`);
 * - `ttsErrorLines`: how many `Error in _tts_inference_task` lines `tts-error` holds. Four turns
 *   fail in every release and the 4th closes the session; 1.7.1 and 1.8.9 still log that turn's
 *   error after the close line. 1.6.10's `inference.TTS` starts its audio emitter before it
 *   connects, so the retry loop's `finally: await output_emitter.aclose()` yields once more after
 *   the final error is reported; the close that report starts cancels the reply meanwhile, and the
 *   4th turn leaves no error line (its retries and the close line are all there is of it).
 */
const RELEASES: Record<string, { itemText: string; ttsErrorLines: number }> = {
  '1.8.9': { itemText: 'lk.pii.text', ttsErrorLines: 4 },
  '1.7.1': { itemText: 'lk.pii.text', ttsErrorLines: 4 },
  '1.6.10': { itemText: 'text', ttsErrorLines: 3 },
};

const DIR = join(ROOT, 'test/fixtures/python-real');
const versions = readdirSync(DIR).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
const cases = versions.flatMap((version) =>
  ['json', 'dev'].map((mode) => ({
    version,
    mode,
    release: RELEASES[version] as (typeof RELEASES)[string],
    at: (name: string) => join(DIR, version, `${name}.${mode}.log`),
  })),
);
const count = (file: string, text: string) => readFileSync(file, 'utf8').split(text).length - 1;
const ids = (s: Session | undefined) => s?.causes.map((c) => c.cause);

/**
 * The healthy recording's three turns, read by `watch` from its chat items: the user's words and the
 * agent's reply each time (the release's items carry the words in `itemText`).
 */
async function expectHealthyWords(file: string, itemText: string): Promise<void> {
  expect(count(file, `"${itemText}": "hi there"`)).toBe(1);
  const w = createWatcher({ paths: [file], fromStart: true, settings: DEFAULT_CONFIG });
  w.subscribe(() => undefined);
  try {
    await w.ready;
    const said = () => {
      const [s] = w.store.sessions();
      return (s ? w.store.events(s.id).events : [])
        .filter((e) => e.kind === 'user_turn_end' || e.kind === 'agent_speech')
        .map((e) => `${e.kind} ${e.detail?.text ?? '-'}`);
    };
    await until(() => said().length >= 6);
    const reply = 'agent_speech Hello, how can I help?';
    expect(said()).toEqual([
      'user_turn_end hi there',
      reply,
      'user_turn_end what can you do?',
      reply,
      'user_turn_end thanks, bye',
      reply,
    ]);
  } finally {
    await w.stop();
  }
}

describe('real livekit-agents output', () => {
  it('covers the current release and the two minors before it, each with what it does differently', () => {
    expect([...versions].sort()).toEqual(Object.keys(RELEASES).sort());
  });

  describe.each(cases)('$version, $mode', ({ at, release }) => {
    it('calls a hang after the user’s turn silent (DEBUG: conversation items)', async () => {
      const { code, out } = await analyze(at('hang'));
      expect(code).toBe(1);
      expect(out.sessions).toHaveLength(1);
      expect(out.sessions[0]).toMatchObject({ verdict: 'silent', turns: { user: 1, agent: 0 } });
      expect(ids(out.sessions[0])).toEqual(['agent_silent']);
    });

    it('calls an LLM timeout on the only turn failed, with the timeout as its cause', async () => {
      const { code, out } = await analyze(at('llm-timeout'));
      expect(code).toBe(1);
      const [s] = out.sessions;
      expect(s?.verdict).toBe('failed');
      expect(s?.causes[0]).toMatchObject({ cause: 'provider_error', severity: 'critical', component: 'llm' });
      expect(s?.deadTurns).toBe(1);
    });

    it('calls turns answered and evidenced by items and metrics healthy, with their latencies', async () => {
      const { code, out } = await analyze(at('healthy-metrics'));
      expect(code).toBe(0);
      expect(out.sessions).toHaveLength(1);
      const [s] = out.sessions;
      expect(s).toMatchObject({ verdict: 'healthy', causes: [], turns: { user: 3, agent: 3, spoken: 3 } });
      expect(s?.latency?.turns).toHaveLength(3);
      expect(s?.latency?.p50.ttftMs).toBeGreaterThan(0);
      expect(s?.latency?.p95.ttftMs).toBeGreaterThanOrEqual(s?.latency?.p50.ttftMs ?? 0);
      expect(out.summary.noTurnEvidence).toEqual([]);
    });

    it('keeps the user’s and the agent’s words from the chat items, whichever extra holds them', async () => {
      await expectHealthyWords(at('healthy-metrics'), release.itemText);
    });

    it('raises no silence from an INFO log, and says once that it cannot', async () => {
      for (const name of ['info-only', 'healthy-metrics-info']) {
        if (!existsSync(at(name))) continue;
        const { code, out } = await analyze(at(name));
        expect(code).toBe(0);
        expect(out.sessions.every((s) => s.verdict === 'healthy')).toBe(true);
        expect(out.summary.noTurnEvidence).toEqual([at(name)]);
      }
    });

    it('keeps two sessions in a row from one process apart', async () => {
      const { out } = await analyze(at('two-sessions'));
      expect(out.sessions).toHaveLength(2);
      const [a, b] = out.sessions;
      expect(b?.id).toBe(`${a?.id}#2`);
      expect(a).toMatchObject({ verdict: 'healthy', turns: { user: 2 } });
      expect(b).toMatchObject({ verdict: 'healthy', turns: { user: 1 } });
    });

    it('names credits exhausted first, though the gateway’s 429 line comes before its reason', async () => {
      if (!existsSync(at('credits'))) return;
      const { code, out } = await analyze(at('credits'));
      expect(code).toBe(1);
      const [s] = out.sessions;
      expect(s?.verdict).toBe('failed');
      expect(s?.causes[0]).toMatchObject({ cause: 'credits_exhausted', severity: 'critical' });
      expect(s?.quota).toMatchObject({ category: 'MaxGatewayCredits', terminal: true });
    });

    it('names a rejected LLM key (401, never retried) and counts each of the 4 turns it killed', async () => {
      const { code, out } = await analyze(at('llm-401'));
      expect(code).toBe(1);
      expect(out.sessions).toHaveLength(1);
      const [s] = out.sessions;
      expect(s).toMatchObject({ verdict: 'failed', turns: { user: 4, agent: 0 }, deadTurns: 4 });
      expect(s?.causes[0]).toMatchObject({ cause: 'key_rejected', severity: 'critical', component: 'llm' });
      expect(s?.causes.find((c) => c.cause === 'closed_with_error')).toMatchObject({ component: 'llm' });
      expect(s?.quota).toBeNull();
    });

    it('calls LLM 500s on every attempt a provider error with 4 dead turns and an error close', async () => {
      const { code, out } = await analyze(at('llm-500'));
      expect(code).toBe(1);
      expect(out.sessions).toHaveLength(1);
      const [s] = out.sessions;
      expect(s).toMatchObject({ verdict: 'failed', turns: { user: 4, agent: 0 }, deadTurns: 4 });
      expect(s?.causes[0]).toMatchObject({ cause: 'provider_error', severity: 'critical', component: 'llm' });
      expect(ids(s)).toEqual(['provider_error', 'dead_turns', 'closed_with_error']);
    });

    it('calls an STT refused at the handshake with a bare 429 untyped_429, its close the STT’s', async () => {
      const { code, out } = await analyze(at('stt-429'));
      expect(code).toBe(1);
      expect(out.sessions).toHaveLength(1);
      const [s] = out.sessions;
      expect(s?.verdict).toBe('failed');
      expect(s?.causes[0]).toMatchObject({ cause: 'untyped_429', severity: 'critical', component: 'stt' });
      expect(s?.causes.find((c) => c.cause === 'closed_with_error')).toMatchObject({
        severity: 'critical',
        component: 'stt',
      });
      // No body, so no quota category: the 429 stays untyped.
      expect(s?.quota).toBeNull();
      expect(ids(s)).not.toContain('credits_exhausted');
    });

    it('calls a TTS refused with a 500 a TTS provider error: 4 replies written, none spoken', async () => {
      // The 4th turn's failure counts whether or not its error line was written (not in 1.6).
      expect(count(at('tts-error'), 'Error in _tts_inference_task')).toBe(release.ttsErrorLines);
      const { code, out } = await analyze(at('tts-error'));
      expect(code).toBe(1);
      expect(out.sessions).toHaveLength(1);
      const [s] = out.sessions;
      expect(s).toMatchObject({ verdict: 'failed', turns: { user: 4, spoken: 0 }, deadTurns: 4 });
      expect(s?.causes[0]).toMatchObject({ cause: 'provider_error', severity: 'critical', component: 'tts' });
      expect(s?.causes.find((c) => c.cause === 'dead_turns')).toMatchObject({ component: 'tts' });
      expect(s?.causes.find((c) => c.cause === 'closed_with_error')).toMatchObject({ component: 'tts' });
    });

    it.each([
      ['llm-401-info', 'key_rejected', 'llm', 4],
      ['llm-500-info', 'provider_error', 'llm', 4],
      ['stt-429-info', 'untyped_429', 'stt', 0],
      ['tts-error-info', 'provider_error', 'tts', 4],
    ] as const)(
      'names the same failure in %s (INFO: no user turns shown), with its dead turns',
      async (name, cause, component, dead) => {
        const { code, out } = await analyze(at(name));
        expect(code).toBe(1);
        expect(out.sessions).toHaveLength(1);
        const [s] = out.sessions;
        expect(s).toMatchObject({ verdict: 'failed', turns: { user: 0, spoken: 0 }, deadTurns: dead });
        expect(s?.causes[0]).toMatchObject({ cause, severity: 'critical', component });
        expect(s?.causes.find((c) => c.cause === 'closed_with_error')).toMatchObject({ component });
        expect(out.summary.noTurnEvidence).toEqual([at(name)]);
      },
    );

    it.each([
      ['credits', 'credits_exhausted'],
      ['llm-401', 'key_rejected'],
      ['llm-500', 'provider_error'],
      ['stt-429', 'untyped_429'],
      ['tts-error', 'provider_error'],
      ['llm-500-info', 'provider_error'],
      ['tts-error-info', 'provider_error'],
    ] as const)(
      'watch raises one alert for %s, naming %s (the close it led to stays quiet)',
      async (name, cause) => {
        const alerts = (await watchAll(at(name))).filter((l) => l.type === 'alert');
        expect(alerts.map((a) => a.cause)).toEqual([cause]);
      },
    );

    it.each(['hang', 'llm-timeout'])(
      'watch raises one alert for %s: the silence, heard first (an LLM error found after it stays quiet)',
      async (name) => {
        const lines = await watchAll(at(name));
        expect(lines.filter((l) => l.type === 'alert').map((a) => a.cause)).toEqual(['agent_silent']);
        if (name === 'llm-timeout')
          // The error is still reported, and made critical: it is the session's cause.
          expect(
            lines.some(
              (l) =>
                l.type === 'finding' &&
                l.cause === 'provider_error' &&
                (l as { severity?: string }).severity === 'critical',
            ),
          ).toBe(true);
      },
    );
  });

  it('gives each session the verdict it gets alone when a version’s recordings are read together', async () => {
    // Files of other times read one after another: each session's deadlines pass by its own time.
    for (const version of versions) {
      const together = (await analyze(join(DIR, version))).out.sessions;
      const alone: Session[] = [];
      for (const f of readdirSync(join(DIR, version)).filter((n) => n.endsWith('.log')))
        alone.push(...(await analyze(join(DIR, version, f))).out.sessions);
      const verdicts = (ss: Session[]) => ss.map((x) => `${x.id} ${x.verdict} ${ids(x)?.join(',')}`).sort();
      expect(verdicts(together)).toEqual(verdicts(alone));
    }
  }, 60_000);

  it('prints the note and the latencies in the text report', async () => {
    const text = await new Promise<string>((resolve) =>
      execFile(
        process.execPath,
        [
          BIN,
          'analyze',
          join(DIR, versions[0] as string, 'info-only.json.log'),
          join(DIR, versions[0] as string, 'healthy-metrics.json.log'),
          join(DIR, versions[0] as string, 'tts-error.json.log'),
        ],
        { env: { ...process.env, NO_COLOR: '1' } },
        (_e, stdout) => resolve(stdout),
      ),
    );
    expect(text).toMatch(
      /note: \S*info-only\.json\.log has no user turn records, so silence cannot be judged from it/,
    );
    expect(text).toMatch(/latency LLM first token \d+ ms \/ \d+ ms \(p50 \/ p95, 3 turns\)/);
    // A session read only from a log without user turn records: its user turns are unknown, not 0.
    const heads = text.split('\n').filter((l) => l.startsWith('✓ HEALTHY'));
    expect(heads.find((l) => l.includes('deadair-info-only'))).toMatch(
      / · turns 0 agent \/ user turns not logged$/,
    );
    expect(heads.find((l) => l.includes('deadair-healthy-metrics'))).toMatch(/ · turns 3 agent \/ 3 user$/);
    // Every reply began and died unheard (the TTS refused each): not four answers.
    expect(text.split('\n').find((l) => l.includes('deadair-tts-error'))).toMatch(
      / · turns 4 agent \(0 spoken\) \/ 4 user$/,
    );
  });

  it('dates a silence in the text report by the user turn it cites, and says when it was declared', async () => {
    for (const version of versions) {
      const file = join(DIR, version, 'hang.json.log');
      const text = await new Promise<string>((resolve) =>
        execFile(
          process.execPath,
          [BIN, 'analyze', file],
          { env: { ...process.env, NO_COLOR: '1' } },
          (_e, out) => resolve(out),
        ),
      );
      const spoke = /finished speaking at (\d\d:\d\d:\d\d)/.exec(text)?.[1];
      expect(spoke, version).toBeDefined();
      expect(text, version).toMatch(
        new RegExp(`\\n  first   ${spoke}  \\S*hang\\.json\\.log:\\d+ · no answer for 8s\\n`),
      );
      // --json keeps `time` when it was declared, and says since when in `since`.
      const silence = (await analyze(file)).out.sessions[0]?.causes[0] as unknown as {
        time: string;
        since: string;
      };
      expect(Date.parse(silence.time) - Date.parse(silence.since), version).toBe(8000);
    }
  });

  it('prints in watch’s text a finding that turns critical, one line, after its full text', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [BIN, 'watch', '--no-journal', '--no-notify', '--no-sound', '--no-color', '-'],
        { env: { ...process.env, NO_COLOR: '1' } },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      );
      createReadStream(join(DIR, versions[0] as string, 'llm-timeout.json.log')).pipe(child.stdin!);
    });
    const heads = text.split('\n').filter((l) => /^\d\d:\d\d:\d\d /.test(l));
    const first = heads.findIndex((l) => / WARNING {2}LLM provider error — /.test(l));
    const now = heads.findIndex((l) =>
      / CRITICAL LLM provider error is now critical — room \S+ · job AJ_/.test(l),
    );
    expect(first).toBeGreaterThanOrEqual(0);
    expect(now).toBeGreaterThan(first);
  });

  it('names the second of two sessions in a row of one job in the text report', async () => {
    const text = await new Promise<string>((resolve) =>
      execFile(
        process.execPath,
        [BIN, 'analyze', join(DIR, versions[0] as string, 'two-sessions.dev.log')],
        { env: { ...process.env, NO_COLOR: '1' } },
        (_e, stdout) => resolve(stdout),
      ),
    );
    const heads = text.split('\n').filter((l) => l.startsWith('✓ HEALTHY'));
    expect(heads).toHaveLength(2);
    expect(heads[0]).toMatch(/ job AJ_\w+ · /);
    expect(heads[1]).toMatch(/ job AJ_\w+ \(session 2\) · .* turns 1 agent \/ 1 user/);
  });
});

// `python agent.py console --text`, redirected: the framework's rich layout (a tag column, the time
// left blank when it repeats, long messages wrapped to their column, extras that do not fit on a
// line of their own and hard-wrapped from column 0), at a terminal of 160 columns in every release
// that has console recordings, and of 80 columns in 1.8.9 (`*.console-80.log`). In 1.7.1 and 1.6.10
// the credits run ends with Python's own uncaught traceback (`…_legacy._ExitCli`): the README says why.
const consoleFiles = versions.flatMap((version) =>
  readdirSync(join(DIR, version))
    .filter((f) => /\.console(?:-\d+)?\.log$/.test(f))
    .sort()
    .map((f) => ({ version, name: f.replace(/\.log$/, ''), file: join(DIR, version, f) })),
);
const consoleOf = (recording: string) =>
  consoleFiles.filter((c) => c.name === `${recording}.console` || c.name.startsWith(`${recording}.console-`));

describe('real livekit-agents console output', () => {
  it('has the three console recordings at 160 columns in every version folder that has any', () => {
    const recorded = [...new Set(consoleFiles.map((c) => c.version))];
    expect(recorded).toContain('1.8.9');
    for (const version of recorded)
      for (const recording of ['healthy-metrics', 'hang', 'credits'])
        expect(existsSync(join(DIR, version, `${recording}.console.log`)), `${version}/${recording}`).toBe(
          true,
        );
  });

  it.each(consoleOf('healthy-metrics'))(
    'reads $version/$name: three answered turns, their latency, the room',
    async ({ file }) => {
      const { code, out } = await analyze(file);
      expect(code).toBe(0);
      expect(out.sessions).toHaveLength(1);
      const [s] = out.sessions;
      expect(s).toMatchObject({ verdict: 'healthy', turns: { user: 3, agent: 3, spoken: 3 } });
      expect((s as unknown as { room: string }).room).toBe('console-room');
      expect(s?.latency?.turns).toHaveLength(3);
      expect(s?.latency?.p50.ttftMs).toBeGreaterThan(0);
      expect(out.summary.noTurnEvidence).toEqual([]);
    },
  );

  // At 160 columns, where each item fits on its line (at 80 the words are wrapped into the extras).
  it.each(consoleFiles.filter((c) => c.name === 'healthy-metrics.console'))(
    'keeps the words of $version/$name’s chat items, whichever extra holds them',
    async ({ version, file }) => {
      await expectHealthyWords(file, (RELEASES[version] as (typeof RELEASES)[string]).itemText);
    },
  );

  it.each(consoleOf('hang'))('calls a hang after the only turn silent ($version/$name)', async ({ file }) => {
    const { code, out } = await analyze(file);
    expect(code).toBe(1);
    expect(out.sessions).toHaveLength(1);
    expect(out.sessions[0]).toMatchObject({ verdict: 'silent', turns: { user: 1, agent: 0 } });
    expect(ids(out.sessions[0])).toEqual(['agent_silent']);
  });

  it.each(consoleOf('credits'))(
    'names credits exhausted from $version/$name, its message and extras wrapped',
    async ({ file }) => {
      const { code, out } = await analyze(file);
      expect(code).toBe(1);
      const [s] = out.sessions;
      // The console ends its text loop on the first failed turn: one dead turn, closed by the user.
      expect(s).toMatchObject({ verdict: 'failed', deadTurns: 1 });
      expect(s?.causes[0]).toMatchObject({
        cause: 'credits_exhausted',
        severity: 'critical',
        component: 'llm',
      });
      expect(s?.quota).toMatchObject({ category: 'MaxGatewayCredits', terminal: true });
      // Its 4 attempts; 1.7.1's and 1.6.10's trailing uncaught traceback is not one more.
      expect((s as unknown as { errors: number }).errors).toBe(4);
    },
  );

  it('keeps only the console’s banner as lines of no known format', async () => {
    for (const { file } of [...consoleOf('healthy-metrics'), ...consoleOf('credits')]) {
      const { stdout } = await analyze(file);
      const summary = (JSON.parse(stdout) as { summary: { rawLines: number; files: { format: string }[] } })
        .summary;
      expect(summary.files[0]?.format, file).toBe('python-console');
      // "Agents Starting console mode", the deprecation notice (two lines, three at 80 columns).
      expect(summary.rawLines, file).toBeLessThanOrEqual(6);
    }
  });
});
