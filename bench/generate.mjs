// Generates a realistic, mixed agent log for the benchmark: many jobs of one worker interleaved,
// mostly debug/info chatter, with retries, quota 429s (terminal and rate-limit), 500s and closes.
//   json: agents-js production (pino JSON, job bindings, the duplicate "pid" key, pino errors)
//   text: livekit-agents dev text (ANSI colours, trailing extras JSON, Python-literal quota dicts)
//   python-json: livekit-agents production JSON (job stamp, code.* fields, items and metrics)
//   pino-pretty: agents-js dev output (coloured headers, fields on indented lines, errors as objects)
// Deterministic (seeded). Usage: node bench/generate.mjs <json|text|python-json|pino-pretty> <file> [bytes]
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const CHATTER = [
  ['debug', 'Task.runTask: task AgentActivity_mainTask done'],
  ['debug', 'running EOU detection'],
  ['debug', 'end of user turn'],
  ['debug', 'User turn committed'],
  ['info', 'Creating speech handle'],
  ['info', 'playout completed without interruption'],
  ['debug', 'llm metrics'],
  ['debug', 'tts metrics'],
  ['debug', 'stt metrics'],
  ['debug', 'eou metrics'],
  ['debug', 'VAD task closed'],
  ['info', 'onInputSpeechStarted'],
  ['info', 'onInputSpeechStopped'],
];
const CATS = ['MaxGatewayCredits', 'MaxConcurrentGatewayLLMRpm', 'MaxConcurrentGatewayLLMTpm'];

export function* jsonLines(seed = 1) {
  const r = rng(seed);
  let t = Date.UTC(2026, 10, 24, 9, 0, 0);
  const job = (i) => ({
    id: `AJ_${(i * 7919).toString(36).padStart(10, 'q')}`,
    room: `RM_${(i * 104729).toString(36).padStart(10, 'z')}`,
    pid: 20000 + (i % 30000),
  });
  const jobs = Array.from({ length: 400 }, (_, i) => job(i));
  let next = jobs.length;
  for (;;) {
    t += Math.floor(r() * 20);
    const k = Math.floor(r() * jobs.length);
    const j = jobs[k];
    const head = (level) =>
      `{"level":${level},"time":${t},"pid":${j.pid},"hostname":"agent-worker-7","pid":${j.pid},"jobID":"${j.id}","room_id":"${j.room}"`;
    const x = r();
    if (x < 0.004) {
      const cat = CATS[Math.floor(r() * CATS.length)];
      const err = `{"type":"APIStatusError","message":"429 \\"LLM token credit quota exceeded, category: ${cat}\\"","stack":"APIStatusError: 429 \\"LLM token credit quota exceeded, category: ${cat}\\"\\n    at LLMStream.run (file:///app/node_modules/@livekit/agents/dist/inference/llm.js:322:15)\\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)","body":"LLM token credit quota exceeded, category: ${cat}","retryable":true,"name":"APIStatusError","statusCode":429,"requestId":"req_${t.toString(36)}"}`;
      yield `${head(40)},"llm":"inference.LLM","attempt":${1 + Math.floor(r() * 3)},"error":${err},"msg":"failed to generate LLM completion, retrying in 2000ms"}`;
    } else if (x < 0.005) {
      yield `${head(40)},"llm":"inference.LLM","attempt":1,"error":{"type":"APIStatusError","message":"500 upstream model failed","stack":"APIStatusError: 500 upstream model failed\\n    at LLMStream.run (file:///app/llm.js:1:1)","body":{"message":"upstream model failed"},"retryable":true,"name":"APIStatusError","statusCode":500},"msg":"failed to generate LLM completion, retrying in 100ms"}`;
    } else if (x < 0.0052) {
      yield `${head(50)},"type":"llm_error","timestamp":${t},"label":"inference.LLM","error":{"type":"APIStatusError","message":"429 \\"LLM token credit quota exceeded, category: MaxGatewayCredits\\"","body":"LLM token credit quota exceeded, category: MaxGatewayCredits","retryable":true,"name":"APIStatusError","statusCode":429},"recoverable":false,"msg":"AgentSession is closing due to an unrecoverable error"}`;
      yield `${head(30)},"reason":"error","error":null,"msg":"AgentSession closed"}`;
      // The job ends with its session; the next call is a new job, as a worker runs them.
      jobs[k] = job(next++);
    } else {
      const [lvl, msg] = CHATTER[Math.floor(r() * CHATTER.length)];
      const extra = msg.includes('metrics')
        ? `,"metrics":{"type":"${msg.split(' ')[0]}_metrics","timestamp":${t},"requestId":"req_${t.toString(36)}","ttftMs":${Math.floor(r() * 900)},"durationMs":${Math.floor(r() * 3000)},"tokensPerSecond":${(r() * 80).toFixed(2)}}`
        : msg.includes('speech') || msg.includes('playout')
          ? `,"speech_id":"speech_${t.toString(16)}","lk.pii.message":"Sure, I can help you with that."`
          : '';
      yield `${head(lvl === 'info' ? 30 : 20)}${extra},"msg":"${msg}"}`;
    }
  }
}

const C = { DEBUG: '\x1b[36m', INFO: '\x1b[32m', WARNING: '\x1b[33m', ERROR: '\x1b[31m' };
export function* textLines(seed = 2) {
  const r = rng(seed);
  let t = Date.UTC(2026, 10, 24, 9, 0, 0);
  const job = (i) => ({
    id: `AJ_${(i * 7919).toString(36).padStart(10, 'p')}`,
    room: `support-${i}`,
    pid: 30000 + (i % 30000),
  });
  const jobs = Array.from({ length: 400 }, (_, i) => job(i));
  let next = jobs.length;
  const p2 = (n) => String(n).padStart(2, '0');
  for (;;) {
    t += Math.floor(r() * 20);
    const d = new Date(t);
    const ts = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())},${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
    const k = Math.floor(r() * jobs.length);
    const j = jobs[k];
    const stamp = `"pid": ${j.pid}, "job_id": "${j.id}", "room": "${j.room}"`;
    const line = (lvl, msg, extra) =>
      `${ts} - ${C[lvl]}${lvl.padEnd(4)}\x1b[0m livekit.agents - ${msg} \x1b[90m{${extra ? extra + ', ' : ''}${stamp}}\x1b[0m`;
    const x = r();
    if (x < 0.004) {
      const cat = CATS[Math.floor(r() * CATS.length)];
      yield line(
        'WARNING',
        `failed to generate LLM completion: message="Error code: 429 - {'type': 'inference_quota_exceeded', 'error': 'LLM token credit quota exceeded, category: ${cat}', 'hint': 'Upgrade your plan', 'quota_type': 'llm', 'category': '${cat}', 'remaining_limit': '0'}", status_code=429, retryable=True, request_id=req_${t.toString(36)}, body=LLM token credit quota exceeded, category: ${cat}, retrying in 2.0s`,
        `"llm": "livekit.agents.inference.LLM", "attempt": ${1 + Math.floor(r() * 3)}`,
      );
    } else if (x < 0.0042) {
      yield line(
        'ERROR',
        `AgentSession is closing due to unrecoverable error: failed to generate LLM completion after 4 attempts (caused by APIStatusError: message='Internal Server Error', status_code=500, retryable=True)`,
      );
      // The job ends with its session; the next call is a new job, as a worker runs them.
      jobs[k] = job(next++);
    } else {
      const msgs = [
        'received user transcript',
        'user turn committed',
        'using preemptive generation',
        'resumed false interrupted speech',
        'generate async tool reply',
        'speech scheduling paused',
      ];
      const msg = msgs[Math.floor(r() * msgs.length)];
      yield line(
        x < 0.3 ? 'INFO' : 'DEBUG',
        msg,
        `"lk.pii.user_transcript": "I would like to check the status of my order please", "transcript_delay": ${(r() * 2).toFixed(3)}`,
      );
    }
  }
}

const PY_SITE = '/app/.venv/lib/python3.11/site-packages/livekit';
/** Python JSON chatter: [level, logger, message, extras (a function of the random source), code path, function, line]. */
const PY_CHATTER = [
  [
    'DEBUG',
    'livekit.agents',
    'received user transcript',
    (r) =>
      `"user_transcript": "I would like to check the status of my order please", "language": "en", "transcript_delay": ${(r() * 0.4).toFixed(4)}`,
    'agents/voice/audio_recognition.py',
    '_on_stt_event',
    412,
  ],
  [
    'DEBUG',
    'livekit.agents',
    'start reading stream',
    () => '"participant": "user-8f2c", "source": "SOURCE_MICROPHONE"',
    'agents/voice/room_io/_input.py',
    '_forward_task',
    201,
  ],
  [
    'DEBUG',
    'livekit.agents',
    'http_session(): creating a new httpclient ctx',
    () => '',
    'agents/utils/http_context.py',
    '_new_session',
    31,
  ],
  [
    'DEBUG',
    'livekit.agents',
    'using preemptive generation',
    () => '"preemptive_lead_time": 0.21',
    'agents/voice/agent_activity.py',
    '_on_preemptive_generation',
    1311,
  ],
  [
    'DEBUG',
    'livekit.plugins.silero',
    'inference is slower than realtime',
    (r) => `"delay": ${(r() * 0.3).toFixed(3)}`,
    'plugins/silero/vad.py',
    '_main_task',
    388,
  ],
  [
    'DEBUG',
    'livekit.agents',
    'speech scheduling paused',
    () => '',
    'agents/voice/agent_activity.py',
    '_pause_scheduling_task',
    702,
  ],
  [
    'INFO',
    'livekit.agents',
    'flush audio emitter due to slow audio generation',
    () => '',
    'agents/tts/tts.py',
    'flush',
    530,
  ],
  [
    'DEBUG',
    'livekit.agents',
    'received first token',
    (r) => `"ttft": ${(r() * 0.9).toFixed(3)}`,
    'agents/voice/generation.py',
    '_llm_inference_task',
    122,
  ],
];

/**
 * livekit-agents production JSON (the framework's JsonFormatter, 1.8.x): many jobs of one worker
 * interleaved, each a session of turns — chatter, `user turn committed`, conversation items, EOU,
 * LLM and TTS metrics in seconds — with 429 retries (the quota body as a Python literal), closes,
 * and jobs replaced as they end.
 */
export function* pyJsonLines(seed = 3) {
  const r = rng(seed);
  let t = Date.UTC(2026, 10, 24, 9, 0, 0) * 1000;
  let next = 0;
  const newJob = () => {
    const i = next++;
    return {
      id: `AJ_${(i * 7919).toString(36).padStart(12, 'k')}`,
      room: `support-${i}`,
      sid: `RM_${(i * 104729).toString(36).padStart(12, 'x')}`,
      pid: 40000 + (i % 30000),
      step: 0,
      turns: 20 + Math.floor(r() * 60),
      speech: 0,
    };
  };
  const jobs = Array.from({ length: 300 }, newJob);
  const iso = (us) => {
    const d = new Date(Math.floor(us / 1000));
    return `${d.toISOString().slice(0, 19)}.${String(us % 1000000).padStart(6, '0')}+00:00`;
  };
  for (;;) {
    t += Math.floor(r() * 2000);
    const k = Math.floor(r() * jobs.length);
    const j = jobs[k];
    const line = (level, name, msg, extras, path, fn, ln) =>
      `{"message": "${msg}", "level": "${level}", "name": "${name}", ${extras ? extras + ', ' : ''}"pid": ${j.pid}, "job_id": "${j.id}", "room": "${j.room}", "room_id": "${j.sid}", "code.file.path": "${PY_SITE}/${path}", "code.function.name": "${fn}", "code.line.number": ${ln}, "timestamp": "${iso(t)}"}`;
    const sid = `speech_${j.id.slice(3, 9)}${j.speech.toString(16)}`;
    const x = r();
    if (x < 0.72) {
      const [lvl, name, msg, extras, path, fn, ln] = PY_CHATTER[Math.floor(r() * PY_CHATTER.length)];
      yield line(lvl, name, msg, extras(r), path, fn, ln);
      continue;
    }
    if (x < 0.724) {
      const cat = CATS[Math.floor(r() * CATS.length)];
      yield line(
        'WARNING',
        'livekit.agents',
        `failed to generate LLM completion: message=\\"Error code: 429 - {'type': 'inference_quota_exceeded', 'error': 'LLM token credit quota exceeded, category: ${cat}', 'hint': 'Upgrade your plan', 'quota_type': 'llm', 'category': '${cat}', 'remaining_limit': '0'}\\", status_code=429, retryable=True, request_id=req_${t.toString(36)}, body=LLM token credit quota exceeded, category: ${cat}, retrying in 2.0s`,
        `"llm": "livekit.agents.inference.LLM", "attempt": ${1 + Math.floor(r() * 3)}`,
        'agents/llm/llm.py',
        '_main_task',
        341,
      );
      continue;
    }
    // The job's session, one record after another: a turn is eight records.
    const step = j.step++ % 8;
    if (step === 0)
      yield line(
        'DEBUG',
        'livekit.agents',
        'user turn committed',
        '"user_transcript": "I would like to check the status of my order please"',
        'agents/voice/agent_activity.py',
        '_user_turn_completed_task',
        1502,
      );
    else if (step === 1)
      yield line(
        'DEBUG',
        'livekit.agents',
        'conversation_item_added',
        '"role": "user", "lk.pii.text": "I would like to check the status of my order please"',
        'agents/voice/agent_session.py',
        '_conversation_item_added',
        2334,
      );
    else if (step === 2)
      yield line(
        'INFO',
        'livekit.agents',
        'EOU metrics',
        `"end_of_utterance_delay": ${(r() * 1.2).toFixed(2)}, "transcription_delay": ${(r() * 0.5).toFixed(2)}, "on_user_turn_completed_delay": 0.0, "speech_id": "${sid}"`,
        'agents/metrics/utils.py',
        'log_metrics',
        46,
      );
    else if (step === 3)
      yield line(
        'INFO',
        'livekit.agents',
        'LLM metrics',
        `"model_name": "openai/gpt-4.1-mini", "model_provider": "livekit", "ttft": ${(r() * 0.9).toFixed(2)}, "prompt_tokens": ${200 + Math.floor(r() * 900)}, "prompt_cached_tokens": 0, "cache_creation_tokens": 0, "completion_tokens": ${Math.floor(r() * 80)}, "reasoning_tokens": 0, "tokens_per_second": ${(r() * 80).toFixed(2)}, "speech_id": "${sid}"`,
        'agents/metrics/utils.py',
        'log_metrics',
        30,
      );
    else if (step === 4)
      yield line(
        'INFO',
        'livekit.agents',
        'TTS metrics',
        `"model_name": "cartesia/sonic-2", "model_provider": "livekit", "ttfb": ${(r() * 0.5).toFixed(3)}, "audio_duration": ${(r() * 6).toFixed(2)}, "characters_count": ${Math.floor(r() * 200)}, "speech_id": "${sid}"`,
        'agents/metrics/utils.py',
        'log_metrics',
        38,
      );
    else if (step === 5)
      yield line(
        'DEBUG',
        'livekit.agents',
        'conversation_item_added',
        '"role": "assistant", "lk.pii.text": "Sure, let me look that up for you. Your order shipped yesterday."',
        'agents/voice/agent_session.py',
        '_conversation_item_added',
        2334,
      );
    else if (step === 6)
      yield line(
        'DEBUG',
        'livekit.agents',
        'http_session(): closing the httpclient ctx',
        '',
        'agents/utils/http_context.py',
        '_close_http_ctx',
        44,
      );
    else {
      j.speech++;
      if (j.speech < j.turns)
        yield line(
          'DEBUG',
          'livekit.agents',
          'speech scheduling resumed',
          '',
          'agents/voice/agent_activity.py',
          '_resume_scheduling_task',
          711,
        );
      else {
        // The session ends (now and then on an error), and another job takes its place.
        if (r() < 0.1)
          yield line(
            'ERROR',
            'livekit.agents',
            `AgentSession is closing due to unrecoverable error: failed to generate LLM completion after 4 attempts (caused by APIStatusError: message='Internal Server Error', status_code=500, retryable=True)`,
            '',
            'agents/voice/agent_session.py',
            '_on_error',
            1010,
          );
        yield line(
          'INFO',
          'livekit.agents',
          'session closed',
          '"reason": "user_initiated"',
          'agents/voice/agent_session.py',
          '_aclose_impl',
          1127,
        );
        yield line(
          'INFO',
          'livekit.agents',
          'process exiting',
          '"reason": "room disconnected"',
          'agents/ipc/job_proc_lazy_main.py',
          '_read_ipc_task',
          506,
        );
        jobs[k] = newJob();
      }
    }
  }
}

const PRETTY_LEVEL = {
  20: '\x1b[34mDEBUG\x1b[39m',
  30: '\x1b[32mINFO\x1b[39m',
  40: '\x1b[33mWARN\x1b[39m',
  50: '\x1b[31mERROR\x1b[39m',
};

/**
 * agents-js `dev` output (pino-pretty, as @livekit/agents 1.9 prints it): `[HH:MM:ss.SSS] LEVEL
 * (pid): message` in colour, then the job's bindings and the record's fields on lines indented four
 * spaces, objects across several lines — the same mix of jobs, chatter, retries and closes as
 * `jsonLines`.
 */
export function* prettyLines(seed = 4) {
  const r = rng(seed);
  let t = Date.UTC(2026, 10, 24, 9, 0, 0);
  const job = (i) => ({
    id: `AJ_${(i * 7919).toString(36).padStart(10, 'w')}`,
    room: `RM_${(i * 104729).toString(36).padStart(10, 'v')}`,
    pid: 50000 + (i % 10000),
  });
  const jobs = Array.from({ length: 400 }, (_, i) => job(i));
  let next = jobs.length;
  const p2 = (n) => String(n).padStart(2, '0');
  for (;;) {
    t += Math.floor(r() * 20);
    const d = new Date(t);
    const ts = `[${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}]`;
    const k = Math.floor(r() * jobs.length);
    const j = jobs[k];
    const head = (level, msg, fields) =>
      `${ts} ${PRETTY_LEVEL[level]} (${j.pid}): \x1b[36m${msg}\x1b[39m\n    jobID: "${j.id}"\n    room_id: "${j.room}"${fields ? '\n' + fields : ''}`;
    const x = r();
    if (x < 0.004) {
      const cat = CATS[Math.floor(r() * CATS.length)];
      yield head(
        40,
        'failed to generate LLM completion, retrying in 2000ms',
        [
          '    llm: "inference.LLM"',
          `    attempt: ${1 + Math.floor(r() * 3)}`,
          '    error: {',
          '      "type": "APIStatusError",',
          `      "message": "429 \\"LLM token credit quota exceeded, category: ${cat}\\"",`,
          '      "stack":',
          `          APIStatusError: 429 "LLM token credit quota exceeded, category: ${cat}"`,
          '              at LLMStream.run (file:///app/node_modules/@livekit/agents/dist/inference/llm.js:322:15)',
          '              at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
          `      "body": "LLM token credit quota exceeded, category: ${cat}",`,
          '      "retryable": true,',
          '      "name": "APIStatusError",',
          '      "statusCode": 429,',
          `      "requestId": "req_${t.toString(36)}"`,
          '    }',
        ].join('\n'),
      );
    } else if (x < 0.0042) {
      yield head(
        50,
        'AgentSession is closing due to an unrecoverable error',
        [
          '    type: "llm_error"',
          `    timestamp: ${t}`,
          '    label: "inference.LLM"',
          '    error: {',
          '      "type": "APIStatusError",',
          '      "message": "429 \\"LLM token credit quota exceeded, category: MaxGatewayCredits\\"",',
          '      "body": "LLM token credit quota exceeded, category: MaxGatewayCredits",',
          '      "retryable": true,',
          '      "name": "APIStatusError",',
          '      "statusCode": 429',
          '    }',
          '    recoverable: false',
        ].join('\n'),
      );
      yield head(30, 'AgentSession closed', '    reason: "error"\n    error: null');
      // The job ends with its session; the next call is a new job, as a worker runs them.
      jobs[k] = job(next++);
    } else {
      const [lvl, msg] = CHATTER[Math.floor(r() * CHATTER.length)];
      const fields =
        msg.includes('speech') || msg.includes('playout') ? `    speech_id: "speech_${t.toString(16)}"` : '';
      yield head(lvl === 'info' ? 30 : 20, msg, fields);
    }
  }
}

export async function generate(kind, file, bytes) {
  const out = createWriteStream(file);
  const gen =
    kind === 'json'
      ? jsonLines()
      : kind === 'python-json'
        ? pyJsonLines()
        : kind === 'pino-pretty'
          ? prettyLines()
          : textLines();
  let written = 0;
  let lines = 0;
  while (written < bytes) {
    const block = [];
    let size = 0;
    while (size < 4 * 1024 * 1024) {
      const l = gen.next().value;
      block.push(l);
      size += l.length + 1;
    }
    const s = block.join('\n') + '\n';
    written += Buffer.byteLength(s);
    lines += block.length;
    if (!out.write(s)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  return { bytes: written, lines };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [kind = 'json', file = `.bench/${kind}.log`, size = '200000000'] = process.argv.slice(2);
  const r = await generate(kind, file, Number(size));
  console.log(`${file}: ${(r.bytes / 1e6).toFixed(0)} MB, ${r.lines} lines`);
}
