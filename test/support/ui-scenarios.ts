// Agent sessions as livekit-agents (Python, production JSON) logs them, for the timeline's tests
// and screenshots: a healthy call with metrics, a call where the agent went silent, one out of
// credits, one rate limited that recovered. Times are given; room names and texts may be anything
// (the XSS tests put markup in them).

export const pyLine = (t: number, level: string, message: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    message,
    level,
    name: 'livekit.agents',
    ...extra,
    timestamp: new Date(t).toISOString().replace('Z', '+00:00'),
  });

const ctx = (job: string, room: string) => ({ pid: 4000 + job.length, job_id: job, room });

export function start(t: number, job: string, room: string): string[] {
  return [
    pyLine(t, 'INFO', 'received job request', { job_id: job, room, room_id: `RM_${job}` }),
    pyLine(
      t + 200,
      'DEBUG',
      'using audio io: `RoomAudioInput` -> `AgentSession` -> `RoomAudioOutput`',
      ctx(job, room),
    ),
  ];
}

export const state = (t: number, job: string, room: string, s: string) =>
  pyLine(t, 'DEBUG', 'agent state changed', { ...ctx(job, room), new_state: s });

export const userSaid = (t: number, job: string, room: string, text: string) =>
  pyLine(t, 'DEBUG', 'conversation_item_added', { ...ctx(job, room), role: 'user', 'lk.pii.text': text });

export const agentSaid = (t: number, job: string, room: string, text: string) =>
  pyLine(t, 'DEBUG', 'conversation_item_added', {
    ...ctx(job, room),
    role: 'assistant',
    'lk.pii.text': text,
  });

/** One answered turn at t: the user's words, EOU / LLM / TTS metrics (seconds), the reply. */
export function answeredTurn(
  t: number,
  job: string,
  room: string,
  n: number,
  m = { eou: 0.4, transcription: 0.3, ttft: 0.5, ttfb: 0.25 },
): string[] {
  const c = ctx(job, room);
  const speech = `speech_${n}`;
  return [
    userSaid(t, job, room, `question ${n}`),
    pyLine(t + 10, 'INFO', 'EOU metrics', {
      ...c,
      end_of_utterance_delay: m.eou,
      transcription_delay: m.transcription,
      speech_id: speech,
    }),
    state(t + 20, job, room, 'thinking'),
    pyLine(t + 600, 'INFO', 'LLM metrics', { ...c, ttft: m.ttft, duration: 1.1, speech_id: speech }),
    pyLine(t + 900, 'INFO', 'TTS metrics', { ...c, ttfb: m.ttfb, audio_duration: 2, speech_id: speech }),
    state(t + 950, job, room, 'speaking'),
    agentSaid(t + 960, job, room, `answer ${n}`),
    state(t + 3000, job, room, 'listening'),
  ];
}

export function healthy(t: number, job: string, room: string, turns = 3): string[] {
  const out = start(t, job, room);
  for (let i = 0; i < turns; i++)
    out.push(
      ...answeredTurn(t + 1000 + i * 5000, job, room, i + 1, {
        eou: 0.3 + i * 0.1,
        transcription: 0.2,
        ttft: 0.4 + i * 0.2,
        ttfb: 0.2,
      }),
    );
  return out;
}

/** The user speaks at t + 1000; the agent starts thinking and never answers. */
export function silent(t: number, job: string, room: string, transcript = 'hello, anyone there?'): string[] {
  return [
    ...start(t, job, room),
    userSaid(t + 1000, job, room, transcript),
    state(t + 1020, job, room, 'thinking'),
  ];
}

/** The gateway's quota 429 as Python prints it in a retry warning (the body as a Python dict). */
export function quotaRetry(
  t: number,
  job: string,
  room: string,
  attempt: number,
  hint: string,
  category = 'MaxGatewayCredits',
): string {
  const body = `{'type': 'inference_quota_exceeded', 'error': 'LLM token credit quota exceeded, category: ${category}', 'hint': '${hint}', 'quota_type': 'llm', 'category': '${category}', 'remaining_limit': '0'}`;
  return pyLine(
    t,
    'WARNING',
    `failed to generate LLM completion: message="Error code: 429 - ${body}", status_code=429, retryable=True, request_id=req_${attempt}, body=LLM token credit quota exceeded, category: ${category}, retrying in 0.1s`,
    { ...ctx(job, room), llm: 'livekit.agents.inference.LLM', attempt },
  );
}

/** Out of credits: a user turn, four quota errors on the LLM, the session closes with an error. */
export function credits(t: number, job: string, room: string, hint = 'Top up your credits.'): string[] {
  return [
    ...start(t, job, room),
    userSaid(t + 1000, job, room, 'I want to cancel'),
    state(t + 1010, job, room, 'thinking'),
    quotaRetry(t + 1100, job, room, 1, hint),
    quotaRetry(t + 1300, job, room, 2, hint),
    quotaRetry(t + 3300, job, room, 3, hint),
    pyLine(
      t + 5400,
      'ERROR',
      `AgentSession is closing due to unrecoverable error: failed to generate LLM completion after 4 attempts (caused by APIStatusError: message="Error code: 429 - {'type': 'inference_quota_exceeded', 'category': 'MaxGatewayCredits'}", status_code=429, retryable=True, request_id=req_4, body=LLM token credit quota exceeded, category: MaxGatewayCredits)`,
      ctx(job, room),
    ),
  ];
}
