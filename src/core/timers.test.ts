// The time-based detectors, driven by recorded event streams and a fake clock (tick(now)).
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../shared/events.js';
import { SessionTracker } from './tracker.js';

const T0 = Date.UTC(2026, 10, 24, 12, 3, 14);
let line = 0;
function ev(kind: AgentEvent['kind'], at: number, extra: Partial<AgentEvent> = {}): AgentEvent {
  line++;
  return {
    kind,
    time: T0 + at,
    ctx: { jobId: 'AJ_t', roomName: 'demo' },
    format: 'python-text',
    message: kind,
    evidence: { file: '/l/agent.log', line, text: `${kind} line ${line}` },
    ...extra,
  } as AgentEvent;
}
const quota = {
  component: 'llm',
  detail: 'LLM token credit quota exceeded',
  stage: 'retry',
  status: 429,
  quota: { category: 'MaxGatewayCredits', terminal: true, retryable: false },
} as const;
const rpm = {
  component: 'llm',
  detail: 'rate limited',
  stage: 'retry',
  status: 429,
  quota: { category: 'MaxConcurrentGatewayLLMRpm', terminal: false, retryable: true },
} as const;

function run(events: AgentEvent[], ticks: number[]) {
  const t = new SessionTracker();
  const created: string[] = [];
  const escalated: string[] = [];
  const recovered: string[] = [];
  const collect = (
    c: { created: { cause: string }[]; escalated: { cause: string }[]; recovered?: { cause: string }[] },
    at: number,
  ) => {
    for (const f of c.created) created.push(`${at}:${f.cause}`);
    for (const f of c.escalated) escalated.push(`${at}:${f.cause}`);
    for (const f of c.recovered ?? []) recovered.push(`${at}:${f.cause}`);
  };
  const all = [
    ...events.map((e) => ({ at: e.time - T0, e })),
    ...ticks.map((at) => ({ at, e: undefined })),
  ].sort((a, b) => a.at - b.at);
  for (const { at, e } of all) {
    if (e) collect(t.ingest(e), at);
    else for (const c of t.tick(T0 + at)) collect(c, at);
  }
  return { created, escalated, recovered, session: t.summaries()[0] };
}

describe('agent_silent', () => {
  it('fires when a user turn gets no answer within 8 s, not before, and tells what the user lived', () => {
    const r = run([ev('user_turn_end', 0)], [7_999, 8_000, 20_000]);
    expect(r.created).toEqual(['8000:agent_silent']);
    expect(r.session?.verdict).toBe('silent');
    const f = r.session?.causes[0];
    expect(f?.summary).toMatch(
      /^The user finished speaking at \d\d:\d\d:\d\d and the agent never answered\.$/,
    );
    expect(f?.evidence[0]?.text).toBe('user_turn_end line ' + (line - 0));
  });

  it('stays quiet when the agent answers in time', () => {
    const r = run(
      [ev('user_turn_end', 0), ev('agent_turn', 900), ev('agent_speech', 4_000)],
      [8_000, 30_000],
    );
    expect(r.created).toEqual([]);
    expect(r.session?.verdict).toBe('healthy');
  });

  it('stays quiet while a begun reply plays (a long answer), but not when the reply failed', () => {
    expect(run([ev('user_turn_end', 0), ev('agent_turn', 500)], [9_000]).created).toEqual([]);
    const failed = run(
      [
        ev('user_turn_end', 0),
        ev('agent_turn', 500),
        ev('error', 700, { error: quota } as Partial<AgentEvent>),
      ],
      [9_000],
    );
    expect(failed.created).toEqual(['700:credits_exhausted', '9000:agent_silent']);
    const silent = failed.session?.causes.find((c) => c.cause === 'agent_silent');
    expect(silent?.consequenceOf).toBe('credits_exhausted');
    expect(silent?.summary).toMatch(/most likely because of out of inference credits/);
    expect(failed.session?.verdict).toBe('failed');
  });

  it('fires when the begun reply never got past thinking (an LLM hang), not when it was spoken', () => {
    const thinking = ev('agent_state', 300, { state: 'thinking' } as Partial<AgentEvent>);
    const hung = run([ev('user_turn_end', 0), thinking, ev('agent_turn', 500)], [7_999, 8_000]);
    expect(hung.created).toEqual(['8000:agent_silent']);
    const spoken = run(
      [
        ev('user_turn_end', 0),
        ev('agent_state', 300, { state: 'thinking' } as Partial<AgentEvent>),
        ev('agent_turn', 500),
        ev('agent_state', 2_000, { state: 'speaking' } as Partial<AgentEvent>),
      ],
      [9_000],
    );
    expect(spoken.created).toEqual([]);
  });

  it('reports the recovery when the agent speaks again', () => {
    const r = run([ev('user_turn_end', 0), ev('agent_speech', 12_000)], [8_000]);
    expect(r.created).toEqual(['8000:agent_silent']);
    expect(r.recovered).toEqual(['12000:agent_silent']);
  });

  it('does not fire after the session closed', () => {
    expect(
      run(
        [
          ev('user_turn_end', 0),
          ev('session_close', 1_000, { reason: 'user_initiated' } as Partial<AgentEvent>),
        ],
        [20_000],
      ).created,
    ).toEqual([]);
  });
});

describe('stuck_thinking', () => {
  it('warns after 15 s of thinking, is critical at 30 s, and recovers when the agent speaks', () => {
    const r = run(
      [
        ev('agent_state', 0, { state: 'thinking' } as Partial<AgentEvent>),
        ev('agent_state', 40_000, { state: 'speaking' } as Partial<AgentEvent>),
      ],
      [14_000, 15_000, 29_000, 30_000],
    );
    expect(r.created).toEqual(['15000:stuck_thinking']);
    expect(r.escalated).toEqual(['30000:stuck_thinking']);
    expect(r.recovered).toEqual(['40000:stuck_thinking']);
  });

  it('resets when the agent goes back to listening', () => {
    const r = run(
      [
        ev('agent_state', 0, { state: 'thinking' } as Partial<AgentEvent>),
        ev('agent_state', 10_000, { state: 'listening' } as Partial<AgentEvent>),
      ],
      [20_000],
    );
    expect(r.created).toEqual([]);
  });
});

describe('a hung worker and a lasting rate limit', () => {
  it('names the worker hung when nothing is written for 60 s while a user turn waits', () => {
    const r = run([ev('user_turn_end', 0)], [8_000, 59_000, 60_000]);
    expect(r.created).toEqual(['8000:agent_silent', '60000:process_died']);
    expect(r.session?.causes.find((c) => c.cause === 'process_died')?.summary).toMatch(
      /wrote nothing for 60 s/,
    );
  });

  it('makes a rate limit critical when it lasts 2 minutes without the agent speaking', () => {
    const r = run(
      [
        ev('error', 0, { error: rpm } as Partial<AgentEvent>),
        ev('error', 60_000, { error: rpm } as Partial<AgentEvent>),
      ],
      [119_000, 120_000],
    );
    expect(r.created).toEqual(['0:rate_limited']);
    expect(r.escalated).toEqual(['120000:rate_limited']);
    expect(r.session?.verdict).toBe('failed');
  });

  it('keeps a rate limit a warning when the agent speaks in between', () => {
    const r = run(
      [ev('error', 0, { error: rpm } as Partial<AgentEvent>), ev('agent_speech', 30_000)],
      [200_000],
    );
    expect(r.escalated).toEqual([]);
    // …and says the rate limit is over; a new one later is live again, not recovered.
    expect(r.recovered).toEqual(['30000:rate_limited']);
    const again = run(
      [
        ev('error', 0, { error: rpm } as Partial<AgentEvent>),
        ev('agent_speech', 30_000),
        ev('error', 40_000, { error: rpm } as Partial<AgentEvent>),
      ],
      [],
    );
    expect(again.session?.causes.find((c) => c.cause === 'rate_limited')?.recovered).toBeUndefined();
  });
});
