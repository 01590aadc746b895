// The demo (`deadair demo`, the tray's first run): a bundled, realistic scenario replayed into temporary log files in real time, so
// the whole pipeline — tailer, parsers, detectors, alerts — can be seen working with no agent and no
// LiveKit account. Four sessions on one worker: a healthy one, one out of credits, one rate-limited
// that recovers (agents-js production JSON), and one that goes silent after a user turn (a Python
// agent's dev log). The lines are exactly what the frameworks print (see test/fixtures).

import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DemoLine {
  /** Milliseconds after the start of the demo, at speed 1. */
  at: number;
  file: 'agents-js.log' | 'python-agent.log';
  /** The line, given the wall-clock time it is written at. */
  text: (now: number) => string;
}

const HOST = 'demo-worker';
const JOBS = {
  healthy: { job: 'AJ_dem0Hea1thy', sid: 'RM_support1', pid: 41001, room: 'support-1' },
  credits: { job: 'AJ_dem0Cred1ts', sid: 'RM_sales2', pid: 41002, room: 'sales-2' },
  ratelimit: { job: 'AJ_dem0RateL1m', sid: 'RM_onboard3', pid: 41003, room: 'onboarding-3' },
};

function pino(level: number, who: keyof typeof JOBS, msg: string, extra: Record<string, unknown> = {}) {
  const j = JOBS[who];
  return (now: number) =>
    JSON.stringify({
      level,
      time: now,
      pid: j.pid,
      hostname: HOST,
      jobID: j.job,
      room_id: j.sid,
      ...extra,
      msg,
    })
      // pino writes the job process's pid twice (its own base binding, then the job binding).
      .replace(`"hostname":"${HOST}",`, `"hostname":"${HOST}","pid":${j.pid},`);
}

function quotaError(category: string) {
  const text = `LLM token credit quota exceeded, category: ${category}`;
  return {
    type: 'APIStatusError',
    message: `429 "${text}"`,
    body: text,
    retryable: true,
    name: 'APIStatusError',
    statusCode: 429,
    requestId: 'req_demo',
  };
}

function asctime(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
}

const PY = { pid: 52001, job_id: 'AJ_dem0S1lent', room: 'billing-4' };
function py(level: 'DEBUG' | 'INFO' | 'WARNING', msg: string, extra: Record<string, unknown> = {}) {
  const colour = { DEBUG: '\x1b[36m', INFO: '\x1b[32m', WARNING: '\x1b[33m' }[level];
  const extras = JSON.stringify({ ...extra, ...PY })
    .replace(/","|",|,"/g, (m) => m.replace(',', ', '))
    .replace(/":/g, '": ');
  return (now: number) =>
    `${asctime(now)} - ${colour}${level.padEnd(4)}\x1b[0m livekit.agents - ${msg} \x1b[90m${extras}\x1b[0m`;
}

/** The scenario, in order. About 24 s at speed 1. */
export function demoScript(): DemoLine[] {
  const L: DemoLine[] = [];
  const js = (at: number, text: (now: number) => string) => L.push({ at, file: 'agents-js.log', text });
  const pyl = (at: number, text: (now: number) => string) => L.push({ at, file: 'python-agent.log', text });
  // Each job process names its room once, when the job context connects (agents-js JobContext).
  for (const [i, who] of (['healthy', 'credits', 'ratelimit'] as const).entries())
    js(100 + i * 50, pino(30, who, 'connecting to room', { 'lk.pii.room_name': JOBS[who].room }));
  // The healthy session answers every turn.
  for (let turn = 0; turn < 5; turn++) {
    const t = 500 + turn * 4500;
    js(t, pino(20, 'healthy', 'User turn committed'));
    js(t + 300, pino(30, 'healthy', 'Creating speech handle', { speech_id: `speech_h${turn}` }));
    js(
      t + 2600,
      pino(30, 'healthy', 'playout completed without interruption', { speech_id: `speech_h${turn}` }),
    );
  }
  // Out of credits: the LLM call is refused, retried, and the session closes.
  js(2000, pino(20, 'credits', 'User turn committed'));
  js(2300, pino(30, 'credits', 'Creating speech handle', { speech_id: 'speech_c0' }));
  [1, 2, 3].forEach((attempt, i) =>
    js(
      2500 + i * 1200,
      pino(40, 'credits', `failed to generate LLM completion, retrying in ${attempt === 1 ? 100 : 2000}ms`, {
        llm: 'inference.LLM',
        attempt,
        error: quotaError('MaxGatewayCredits'),
      }),
    ),
  );
  js(
    6200,
    pino(50, 'credits', 'AgentSession is closing due to an unrecoverable error', {
      type: 'llm_error',
      label: 'inference.LLM',
      error: quotaError('MaxGatewayCredits'),
      recoverable: false,
    }),
  );
  js(6300, pino(30, 'credits', 'AgentSession closed', { reason: 'error', error: null }));
  // Rate limited once, then the retry goes through and the agent speaks.
  js(7000, pino(20, 'ratelimit', 'User turn committed'));
  js(7200, pino(30, 'ratelimit', 'Creating speech handle', { speech_id: 'speech_r0' }));
  js(
    7400,
    pino(40, 'ratelimit', 'failed to generate LLM completion, retrying in 100ms', {
      llm: 'inference.LLM',
      attempt: 1,
      error: quotaError('MaxConcurrentGatewayLLMRpm'),
    }),
  );
  js(9800, pino(30, 'ratelimit', 'playout completed without interruption', { speech_id: 'speech_r0' }));
  // A Python agent hears the user and never answers (its LLM call hangs): dead air.
  pyl(
    1000,
    py('INFO', 'received job request', {
      job_id: PY.job_id,
      room: PY.room,
      room_id: 'RM_billing4',
      agent_name: '',
    }),
  );
  pyl(
    11000,
    py('DEBUG', 'received user transcript', {
      'lk.pii.user_transcript': 'Why was I charged twice this month?',
    }),
  );
  pyl(11200, py('DEBUG', 'user turn committed', { source: 'stt' }));
  // Ten seconds of dead air later the caller gives up, as livekit-agents logs a hang-up.
  pyl(21000, py('DEBUG', 'session closed', { reason: 'user_initiated', error: null }));
  pyl(21010, py('INFO', 'process exiting', { reason: 'user hung up' }));
  return L.sort((a, b) => a.at - b.at);
}

/** How long the scenario lasts at speed 1, with time for the silence to be noticed. */
export const DEMO_MS = 21_500;
/** The least time after the last line for the watcher to read it and tick (it ticks every 250 ms). */
const SETTLE_MS = 1500;

/** Creates the scenario's (empty) log files in `dir`; returns their paths. */
export function prepareDemo(dir: string, script: readonly DemoLine[] = demoScript()): string[] {
  const files = [...new Set(script.map((l) => join(dir, l.file)))];
  for (const f of files) writeFileSync(f, '');
  return files;
}

/**
 * Writes the scenario into `dir` as it happens, `speed` times faster than real time, and waits
 * until the last silence had time to be noticed. Resolves early (false) when `stopped()` says so.
 */
export async function playDemo(
  dir: string,
  speed: number,
  stopped: () => boolean,
  script: readonly DemoLine[] = demoScript(),
): Promise<boolean> {
  const start = Date.now();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  for (const l of script) {
    const due = start + l.at / speed;
    while (!stopped() && Date.now() < due) await sleep(Math.min(50, due - Date.now()));
    if (stopped()) return false;
    // Stamped with when the scenario says, not when the timer fired: at a high speed a timer fires
    // late by more than the gaps between lines, and the log must keep the scenario's timing.
    appendFileSync(join(dir, l.file), l.text(Math.round(due)) + '\n');
  }
  // At a high speed the scenario is over before the watcher has read its last lines and ticked
  // past the silence: it is given that long.
  const end = Math.max(start + DEMO_MS / speed, Date.now() + SETTLE_MS);
  while (!stopped() && Date.now() < end) await sleep(50);
  return !stopped();
}
