import { describe, expect, it } from 'vitest';
import { parseAll } from '../../../test/support/lines.js';
import type { AgentEvent } from '../../shared/events.js';
import { newSession, type Session } from '../session.js';
import type { Change } from './finding.js';
import { foldContext, foldEvent, foldMarker, foldMetrics, foldUserTurn } from './fold.js';

const py = (second: number, message: string, extra: string) =>
  `{"message": "${message}", "level": "DEBUG", "name": "livekit.agents"${extra}, "pid": 5, "job_id": "AJ_f", "timestamp": "2026-11-24T19:05:${String(second).padStart(2, '0')}.000000+00:00"}`;

/** A Python session's turn: a user item, LLM and TTS metrics, the assistant's item, a speech handle. */
const LINES = [
  py(1, 'conversation_item_added', ', "role": "user", "lk.pii.text": "hello"'),
  py(2, 'LLM metrics', ', "ttft": 0.31, "speech_id": "sp_1"'),
  py(3, 'TTS metrics', ', "ttfb": 0.12, "audio_duration": 1.5, "speech_id": "sp_1"'),
  py(4, 'conversation_item_added', ', "role": "assistant", "lk.pii.text": "hi"'),
  py(5, 'Creating speech handle', ''),
];

const counts = (s: Session) => ({
  agentTurns: s.agentTurns,
  userTurns: s.userTurns,
  spoken: s.spoken,
  unanswered: s.unanswered,
  started: s.started,
  pending: s.pending !== undefined,
  latency: s.latency,
});

describe('the fold', () => {
  it('folds the bulk reader’s steps exactly as it folds the events they stand for', () => {
    const events = parseAll(LINES.join('\n'), { file: '/l/f.log' }) as AgentEvent[];
    expect(events.map((e) => e.kind)).toEqual([
      'user_turn_end',
      'metrics',
      'metrics',
      'agent_speech',
      'agent_turn',
    ]);
    const change = (): Change => ({ session: 'AJ_f', created: [], escalated: [] });

    const byEvent = newSession('AJ_f', 'AJ_f');
    const ctxA = foldContext();
    for (const ev of events) foldEvent(ctxA, byEvent, ev, change());

    const byStep = newSession('AJ_f', 'AJ_f');
    const ctxB = foldContext();
    for (const ev of events) {
      if (ev.kind === 'user_turn_end') foldUserTurn(ctxB, byStep, ev.time, ev.evidence);
      else if (ev.kind === 'metrics') foldMetrics(ctxB, byStep, ev.time, ev.metrics, ev.evidence, change());
      else if (ev.kind === 'agent_speech' || ev.kind === 'agent_turn')
        foldMarker(byStep, ev.kind, ev.time, ev.kind === 'agent_speech' ? ev.via : 'marker', change());
    }
    expect(counts(byStep)).toEqual(counts(byEvent));
    // One reply seen as LLM metrics, a speech handle, TTS metrics and an assistant item is counted once.
    expect(counts(byEvent)).toMatchObject({
      agentTurns: 1,
      userTurns: 1,
      spoken: 1,
      unanswered: 0,
      pending: false,
    });
  });

  it('takes a TTS that synthesised no audio as no answer', () => {
    const [turn, tts] = parseAll(
      [
        py(1, 'conversation_item_added', ', "role": "user", "lk.pii.text": "hello"'),
        py(2, 'TTS metrics', ', "ttfb": 0.12, "audio_duration": 0.0'),
      ].join('\n'),
      { file: '/l/f.log' },
    ) as AgentEvent[];
    const s = newSession('AJ_f', 'AJ_f');
    const ctx = foldContext();
    for (const ev of [turn, tts])
      if (ev) foldEvent(ctx, s, ev, { session: 'AJ_f', created: [], escalated: [] });
    expect(s.spoken).toBe(0);
    expect(s.pending).toBeDefined();
  });
});
