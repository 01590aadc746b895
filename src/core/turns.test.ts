// Turn evidence beyond the turn markers: conversation items, metrics records, sessions that follow
// one another in one job, and the turn whose reply failed. Lines are written the way livekit-agents'
// JSON formatter and agents-js' pino write them (see test/fixtures/python-real for real output).
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../test/support/lines.js';

const T0 = Date.UTC(2026, 11, 4, 17, 0, 0);
const JOB = { pid: 4242, job_id: 'AJ_turns', room: 'turns-room', room_id: 'RM_turns' };

/** A livekit-agents JSON record at `ms` after T0. */
function py(ms: number, level: string, message: string, extra: Record<string, unknown> = {}): string {
  const ts = new Date(T0 + ms).toISOString().replace('Z', '000+00:00');
  return JSON.stringify({ message, level, name: 'livekit.agents', ...extra, ...JOB, timestamp: ts })
    .replace(/","/g, '", "')
    .replace(/":/g, '": ');
}
const user = (ms: number, text = 'hello?') =>
  py(ms, 'DEBUG', 'conversation_item_added', { role: 'user', 'lk.pii.text': text });
const assistant = (ms: number, text = 'Hi, how can I help?') =>
  py(ms, 'DEBUG', 'conversation_item_added', { role: 'assistant', 'lk.pii.text': text });
const llmMetrics = (ms: number, ttft = 0.31) =>
  py(ms, 'INFO', 'LLM metrics', { ttft, prompt_tokens: 20, completion_tokens: 9, tokens_per_second: 40.1 });
const ttsMetrics = (ms: number, ttfb = 0.12, audio = 1.8) =>
  py(ms, 'INFO', 'TTS metrics', { ttfb, audio_duration: audio });
const eouMetrics = (ms: number, eou = 0.5, transcription = 0.2) =>
  py(ms, 'INFO', 'EOU metrics', { end_of_utterance_delay: eou, transcription_delay: transcription });
const closed = (ms: number, reason = 'user_initiated') =>
  py(ms, 'DEBUG', 'session closed', { reason, error: null });
const chatter = (ms: number) => py(ms, 'DEBUG', 'http_session(): closing the httpclient ctx');

const run = (lines: string[]) => analyzeText({ '/logs/agent.json.log': lines.join('\n') });

describe('turn evidence from conversation items and metrics', () => {
  it('calls a user turn followed by 45 s of nothing silent', () => {
    const [s] = run([user(0), chatter(45_000)]);
    expect(s).toMatchObject({ verdict: 'silent', turns: { user: 1, agent: 0, spoken: 0 } });
    expect(s?.causes.map((c) => c.cause)).toEqual(['agent_silent']);
  });

  it('calls turns answered only by metrics records healthy, counting each reply once', () => {
    const lines: string[] = [];
    for (let i = 0; i < 3; i++) {
      const at = i * 10_000;
      lines.push(
        py(at, 'DEBUG', 'user turn committed', { source: 'stt' }),
        eouMetrics(at + 5),
        user(at + 10),
        llmMetrics(at + 900),
        ttsMetrics(at + 1200),
        assistant(at + 4000),
      );
    }
    lines.push(chatter(60_000));
    const [s] = run(lines);
    expect(s).toMatchObject({ verdict: 'healthy', causes: [], turns: { user: 3, agent: 3, spoken: 3 } });
  });

  it('joins each turn’s latencies, in milliseconds, with the session’s p50 and p95', () => {
    const lines: string[] = [];
    const ttfts = [0.2, 0.4, 0.3, 1.5];
    ttfts.forEach((ttft, i) => {
      const at = i * 10_000;
      lines.push(
        user(at),
        eouMetrics(at + 5, 0.5 + i / 10, 0.1),
        llmMetrics(at + 600, ttft),
        ttsMetrics(at + 900, 0.1 * (i + 1)),
      );
    });
    const [s] = run(lines);
    expect(s?.latency?.turns).toHaveLength(4);
    expect(s?.latency?.turns[3]).toMatchObject({
      eouDelayMs: 800,
      transcriptionDelayMs: 100,
      ttftMs: 1500,
      ttfbMs: 400,
    });
    expect(s?.latency?.p50).toMatchObject({ ttftMs: 300, eouDelayMs: 600 });
    expect(s?.latency?.p95).toMatchObject({ ttftMs: 1500, ttfbMs: 400 });
  });

  it('reads agents-js metrics in milliseconds and joins them by speech id', () => {
    const pino = (ms: number, msg: string, extra: Record<string, unknown>) =>
      JSON.stringify({ level: 30, time: T0 + ms, pid: 7, hostname: 'h', jobID: 'AJ_js', ...extra, msg });
    const [s] = analyzeText({
      '/logs/js.log': [
        pino(0, 'EOU metrics', { endOfUtteranceDelayMs: 640, transcriptionDelayMs: 120, speechId: 'sp_1' }),
        pino(10, 'EOU metrics', { endOfUtteranceDelayMs: 700, transcriptionDelayMs: 90, speechId: 'sp_2' }),
        pino(900, 'LLM metrics', { ttftMs: 210.5, speechId: 'sp_1' }),
        pino(950, 'TTS metrics', { ttfbMs: 95, audioDurationMs: 1800, speechId: 'sp_1' }),
      ].join('\n'),
    });
    expect(s?.latency?.turns).toEqual([
      expect.objectContaining({ speechId: 'sp_1', eouDelayMs: 640, ttftMs: 210.5, ttfbMs: 95 }),
      expect.objectContaining({ speechId: 'sp_2', eouDelayMs: 700 }),
    ]);
  });

  it('counts one turn once when the log reports its end several ways', () => {
    const [s] = run([
      py(0, 'DEBUG', 'user turn committed'),
      eouMetrics(3),
      user(8),
      assistant(2000),
      chatter(30_000),
    ]);
    expect(s?.turns).toEqual({ user: 1, agent: 0, spoken: 1 });
    expect(s?.verdict).toBe('healthy');
  });

  it('ignores metrics written by other code in other words (lower case is not the framework’s)', () => {
    const [s] = run([user(0), py(100, 'INFO', 'llm metrics', { ttft: 0.2 }), chatter(30_000)]);
    expect(s?.verdict).toBe('silent');
    expect(s?.latency).toBeUndefined();
  });
});

describe('a reply that failed', () => {
  const timeout = (ms: number, attempt: number) =>
    py(
      ms,
      'WARNING',
      `failed to generate LLM completion: Request timed out., retrying in ${attempt === 1 ? '0.1' : '2.0'}s`,
      {
        llm: 'livekit.agents.inference.llm.LLM',
        attempt,
      },
    );

  it('fails the session when the only turn’s reply failed and no reply followed, closed or not', () => {
    const lines = [user(0), timeout(5000, 1), timeout(7100, 2), timeout(11_200, 3)];
    for (const tail of [[closed(12_000)], [] as string[]]) {
      const [s] = run([...lines, ...tail]);
      expect(s?.verdict).toBe('failed');
      expect(s?.deadTurns).toBe(1);
      expect(s?.causes[0]).toMatchObject({ cause: 'provider_error', severity: 'critical', component: 'llm' });
      expect(s?.causes[0]?.summary).toBe('The LLM failed: Request timed out.');
    }
  });

  it('stays degraded when a later reply came', () => {
    const [s] = run([
      user(0),
      timeout(300, 1),
      llmMetrics(2600),
      assistant(3000),
      user(8000),
      assistant(9000),
      closed(10_000),
    ]);
    expect(s?.verdict).toBe('degraded');
    expect(s?.deadTurns).toBe(0);
  });
});

describe('sessions one after another in one job', () => {
  it('keeps the turn a session commits while it closes as its own, and counts it as no turn', () => {
    // agents-js 1.9 as it logs a caller hanging up: the close announced, a user turn flushed, closed.
    const [s, ...rest] = run([
      user(0),
      assistant(900),
      py(5000, 'INFO', 'closing agent session due to participant disconnect'),
      py(5400, 'DEBUG', 'User turn committed'),
      closed(5420, 'participant_disconnected'),
      chatter(60_000),
    ]);
    expect(rest).toHaveLength(0);
    expect(s).toMatchObject({ id: 'AJ_turns', verdict: 'healthy', turns: { user: 1 } });
  });

  it('still starts the next session on a turn that comes long after an announced close', () => {
    const sessions = run([
      user(0),
      assistant(900),
      py(5000, 'INFO', 'closing agent session due to participant disconnect'),
      user(30_000),
      chatter(50_000),
    ]);
    expect(Object.fromEntries(sessions.map((x) => [x.id, x.verdict]))).toEqual({
      AJ_turns: 'healthy',
      'AJ_turns#2': 'silent',
    });
  });

  it('splits them at the close, and the second is its own session', () => {
    const [a, b, ...rest] = run([
      py(0, 'DEBUG', 'using audio io: (none) -> `AgentSession` -> (none)'),
      user(100),
      assistant(900),
      closed(2000),
      chatter(2100),
      py(3000, 'DEBUG', 'using audio io: (none) -> `AgentSession` -> (none)'),
      user(3100),
      chatter(60_000),
    ]);
    expect(rest).toHaveLength(0);
    expect(a).toMatchObject({
      id: 'AJ_turns',
      verdict: 'healthy',
      closeReason: 'user_initiated',
      turns: { user: 1 },
    });
    expect(b).toMatchObject({
      id: 'AJ_turns#2',
      job: 'AJ_turns',
      room: 'turns-room',
      verdict: 'silent',
    });
    // Still open where the log ends (read to its end: open, not live).
    expect(b?.closeReason).toBeUndefined();
    expect(b?.live).toBe(false);
    expect(b?.turns.user).toBe(1);
  });

  it('gives a line that names only the room to the job’s current session', () => {
    // A record naming the room alone (no job, no process): learnt from the job's own lines.
    const roomOnly = (ms: number, message: string) =>
      JSON.stringify({
        message,
        level: 'DEBUG',
        name: 'livekit.agents',
        room: JOB.room,
        timestamp: new Date(T0 + ms).toISOString(),
      });
    const sessions = run([
      user(0),
      assistant(500),
      closed(1000),
      user(2000),
      assistant(2500),
      roomOnly(3000, 'conversation_item_added'),
      roomOnly(3100, 'user turn committed'),
      chatter(40_000),
    ]);
    expect(sessions.map((s) => [s.id, s.turns.user])).toEqual([
      ['AJ_turns', 1],
      ['AJ_turns#2', 2],
    ]);
  });

  it('keeps lines that follow a close without starting anything in the closed session', () => {
    const sessions = run([
      user(0),
      assistant(500),
      closed(1000),
      chatter(1200),
      py(1300, 'INFO', 'process exiting', { reason: 'room disconnected' }),
    ]);
    expect(sessions).toHaveLength(1);
  });
});
