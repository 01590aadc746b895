import { describe, expect, it } from 'vitest';
import type { Finding, SessionSummary } from '../shared/types.js';
import { duration, PLAIN, sessionText } from './format.js';

// Local times, so the clock the text prints is the one written here.
const TURN = new Date(2026, 11, 4, 17, 19, 21).getTime();

function finding(f: Partial<Finding> & Pick<Finding, 'cause' | 'time'>): Finding {
  return {
    id: `AJ_1/${f.cause}`,
    session: 'AJ_1',
    job: 'AJ_1',
    severity: 'critical',
    component: 'session',
    lastTime: f.time,
    count: 1,
    title: 'Agent silent',
    summary: 'The user finished speaking at 17:19:21 and the agent never answered.',
    remedy: 'Look.',
    evidence: [{ file: 'agent.log', line: 14, text: 'user turn committed' }],
    ...f,
  };
}

function session(s: Partial<SessionSummary> = {}): SessionSummary {
  return {
    id: 'AJ_1',
    job: 'AJ_1',
    pids: [1],
    files: ['agent.log'],
    start: TURN - 1000,
    end: TURN + 4000,
    turns: { agent: 0, user: 1, spoken: 0 },
    errors: 0,
    deadTurns: 0,
    verdict: 'healthy',
    causes: [],
    live: false,
    ...s,
  };
}

const lineOf = (text: string, label: string) => text.split('\n').find((l) => l.startsWith(`  ${label} `));
const head = (s: SessionSummary) => sessionText(s, PLAIN).split('\n')[0];

describe('the first line of a silent session', () => {
  it('is dated by the turn it cites, and says how long the agent was silent before it was declared', () => {
    const silent = session({
      verdict: 'silent',
      causes: [finding({ cause: 'agent_silent', time: TURN + 8000, since: TURN })],
    });
    expect(lineOf(sessionText(silent, PLAIN), 'first')).toBe(
      '  first   17:19:21  agent.log:14 · no answer for 8s',
    );
  });

  it('is dated by the turn for a worker that hung, which the turn outlasted by a minute', () => {
    const hung = session({
      verdict: 'failed',
      causes: [finding({ cause: 'process_died', component: 'process', time: TURN + 60_000, since: TURN })],
    });
    expect(lineOf(sessionText(hung, PLAIN), 'first')).toBe(
      '  first   17:19:21  agent.log:14 · no answer for 1m00s',
    );
  });

  it('is dated by its own line for a failure raised when its line was written', () => {
    const died = session({
      verdict: 'failed',
      causes: [finding({ cause: 'process_died', component: 'process', time: TURN })],
    });
    expect(lineOf(sessionText(died, PLAIN), 'first')).toBe('  first   17:19:21  agent.log:14');
  });
});

describe('the turns of a session', () => {
  it('counts a reply heard as a reply given, when the log wrote only its playout', () => {
    expect(head(session({ turns: { agent: 0, user: 3, spoken: 3 }, playoutLogged: true }))).toMatch(
      / · turns 3 agent \/ 3 user$/,
    );
  });

  it('says how many replies were heard when fewer were heard than begun, where the log shows playout', () => {
    expect(head(session({ turns: { agent: 1, user: 1, spoken: 0 }, playoutLogged: true }))).toMatch(
      / · turns 1 agent \(0 spoken\) \/ 1 user$/,
    );
    expect(head(session({ turns: { agent: 4, user: 4, spoken: 3 }, playoutLogged: true }))).toMatch(
      / · turns 4 agent \(3 spoken\) \/ 4 user$/,
    );
  });

  it('says nothing of replies heard where the log never shows playout, unless every reply died', () => {
    expect(head(session({ turns: { agent: 3, user: 3, spoken: 0 } }))).toMatch(/ · turns 3 agent \/ 3 user$/);
    expect(head(session({ turns: { agent: 4, user: 4, spoken: 0 }, deadTurns: 4 }))).toMatch(
      / · turns 4 agent \(0 spoken\) \/ 4 user$/,
    );
  });
});

describe('duration', () => {
  it('says less than a second as less than a second, and none as none', () => {
    expect(duration(0)).toBe('0s');
    expect(duration(1)).toBe('<1s');
    expect(duration(400)).toBe('<1s');
    expect(duration(500)).toBe('<1s');
    expect(duration(999)).toBe('<1s');
    expect(duration(999.6)).toBe('<1s');
  });

  it('rounds a second and more to the unit shown, once, before it is split', () => {
    expect(duration(1000)).toBe('1s');
    expect(duration(1499)).toBe('1s');
    expect(duration(1500)).toBe('2s');
    expect(duration(8000)).toBe('8s');
    expect(duration(59_499)).toBe('59s');
    expect(duration(59_600)).toBe('1m00s');
    expect(duration(60_000)).toBe('1m00s');
    expect(duration(65_000)).toBe('1m05s');
    expect(duration(89_400)).toBe('1m29s');
    expect(duration(3_599_499)).toBe('59m59s');
    expect(duration(3_599_500)).toBe('1h00m');
    // Past the hour, to the nearest minute like the rest (not cut down to it).
    expect(duration(3_629_999)).toBe('1h00m');
    expect(duration(3_630_000)).toBe('1h01m');
    expect(duration(3_600_000 + 29 * 60_000 + 40_000)).toBe('1h30m');
    expect(duration(2 * 3_600_000 + 5 * 60_000)).toBe('2h05m');
    expect(duration(2 * 3_600_000 - 20_000)).toBe('2h00m');
  });

  it('says nothing of a span it cannot know', () => {
    expect(duration(NaN)).toBe('');
    expect(duration(Infinity)).toBe('');
    expect(duration(-1)).toBe('');
  });
});

describe('the span of a session', () => {
  it('is not a second long when its first and last lines fall in the same second', () => {
    expect(head(session({ start: TURN + 200, end: TURN + 900 }))).toMatch(/ · 17:19:21–17:19:21 \(<1s\) · /);
    expect(head(session({ start: TURN, end: TURN }))).toMatch(/ · 17:19:21–17:19:21 \(0s\) · /);
    expect(head(session({ start: TURN - 1000, end: TURN + 4000 }))).toMatch(/ · 17:19:20–17:19:25 \(5s\) · /);
  });

  it('gives a silence declared within a second (a --speed replay) as under a second', () => {
    const silent = session({
      verdict: 'silent',
      causes: [finding({ cause: 'agent_silent', time: TURN + 400, since: TURN })],
    });
    expect(lineOf(sessionText(silent, PLAIN), 'first')).toBe(
      '  first   17:19:21  agent.log:14 · no answer for <1s',
    );
  });
});
