// Log lines as agents-js (pino JSON) writes them, for tests that feed a watcher: a line of a job,
// and a session running out of inference credits (a 429 retry with the gateway's narrowed body).

export const pinoLine = (time: number, job: string, msg: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    level: msg.startsWith('User') ? 20 : 30,
    time,
    pid: 7,
    hostname: 'h',
    jobID: job,
    room_id: 'RM_s',
    ...extra,
    msg,
  });

export const creditsLine = (time: number, job: string) =>
  pinoLine(time, job, 'failed to generate LLM completion, retrying in 100ms', {
    level: 40,
    llm: 'inference.LLM',
    attempt: 1,
    error: { message: '429 "LLM token credit quota exceeded, category: MaxGatewayCredits"', statusCode: 429 },
  });

/** Waits until `cond` holds (polling every 25 ms), failing after `ms`. */
export async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
