import { describe, expect, it } from 'vitest';
import type { Finding, SessionSummary } from '../shared/types.js';
import { PLAIN, sessionText } from './format.js';

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
