// `npm run bench`: deadair's performance targets, measured against the obvious alternatives
// (grep, jq) on the same file in the same run. Prints figures and ratios; never fails the build.
//   node bench/run.mjs [--size 1GB] [--appends 1000] [--only analyze|scale|soak|watch|alerts|rooms|ui] [--runs 3]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';
import { benchRooms } from './rooms.mjs';
import { benchUi } from './ui.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/deadair.js');
const OUT = join(ROOT, '.bench');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)\s*(gb|mb|kb|b)?$/i.exec(String(s));
  if (!m) throw new Error(`bad --size ${s}`);
  return Math.round(Number(m[1]) * { gb: 1e9, mb: 1e6, kb: 1e3, b: 1 }[(m[2] ?? 'b').toLowerCase()]);
}
const SIZE = parseSize(arg('size', '1GB'));
const APPENDS = Number(arg('appends', '1000'));
const RUNS = Number(arg('runs', '3'));
const ONLY = arg('only', '');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const rows = [];
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
function row(what, value, bar, ok) {
  rows.push({ what, value, bar, result: ok === undefined ? '' : verdict(ok) });
  console.log(
    `  ${what.padEnd(44)} ${String(value).padStart(16)}   ${bar.padEnd(18)} ${ok === undefined ? '' : verdict(ok)}`,
  );
}
function time(cmd, args, opts = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 28, ...opts });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  return { ms, stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? '', status: r.status };
}
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

async function ensureFile(kind) {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `bench-${kind}-${SIZE}.log`);
  if (!existsSync(file)) {
    const t0 = performance.now();
    process.stdout.write(`  generating ${file} … `);
    const r = await generate(kind, file, SIZE);
    const s = (performance.now() - t0) / 1000;
    console.log(`${(r.bytes / 1e6).toFixed(0)} MB in ${s.toFixed(1)} s`);
  }
  // Warm the page cache so every tool reads from memory.
  execFileSync('sh', ['-c', `cat '${file}' > /dev/null`]);
  return file;
}

const TITLES = {
  json: 'agents-js pino JSON',
  text: 'livekit-agents dev text',
  'python-json': 'livekit-agents production JSON',
  'pino-pretty': 'agents-js pino-pretty dev output',
};
/** A jq filter that selects the quota errors, for the JSON formats. */
const JQ_FILTERS = {
  json: 'select((.error.message? // "" | tostring | test("quota exceeded")) or (.msg | tostring | test("quota exceeded")))',
  'python-json': 'select(.message | tostring | test("quota exceeded"))',
};

async function benchAnalyze(kind) {
  const file = await ensureFile(kind);
  const bytes = statSync(file).size;
  const mb = bytes / 1e6;
  console.log(`\n${TITLES[kind]}: ${mb.toFixed(0)} MB`);
  const runs = [];
  const greps = [];
  const ratios = [];
  let rss = 0;
  let lines = 0;
  // Each analyze run is paired with grep runs right after it, and the ratio is the median of the
  // pairs' ratios: on a shared machine a busy moment then slows both sides of a pair, not one.
  for (let i = 0; i < RUNS; i++) {
    const r = time(process.execPath, [BIN, 'analyze', '--json', '--no-progress', file], {
      env: { ...process.env, DEADAIR_BENCH: '1' },
    });
    if (r.status === 2) throw new Error(`analyze failed: ${r.stderr}`);
    runs.push(r.ms);
    const m = /maxrss_kb=(\d+)/.exec(r.stderr);
    if (m) rss = Math.max(rss, Number(m[1]));
    lines = JSON.parse(r.stdout).summary.lines;
    const g = median(
      Array.from({ length: 3 }, () => time('grep', ['-c', 'inference_quota_exceeded', file]).ms),
    );
    greps.push(g);
    ratios.push(r.ms / g);
  }
  const analyzeMs = median(runs);
  const grep = median(greps);
  const ratio = median(ratios);
  row(
    'analyze throughput',
    `${(mb / (analyzeMs / 1000)).toFixed(0)} MB/s`,
    '≥ 100 MB/s',
    mb / (analyzeMs / 1000) >= 100,
  );
  row('analyze lines/s', `${(((lines / analyzeMs) * 1000) / 1e6).toFixed(2)} M/s`, '', undefined);
  row('analyze peak RSS', `${(rss / 1024).toFixed(0)} MB`, '≤ 256 MB', rss / 1024 <= 256);
  row('grep -c inference_quota_exceeded', `${(grep / 1000).toFixed(2)} s`, '', undefined);
  row('analyze / grep time (median of pairs)', `${ratio.toFixed(1)}×`, '≤ 10×', ratio <= 10);
  const filter = JQ_FILTERS[kind];
  if (filter && have('jq')) {
    const jq = time('jq', ['-c', filter, file], { stdio: ['ignore', 'ignore', 'pipe'] }).ms;
    row(`jq '${filter.slice(0, 22)}…'`, `${(jq / 1000).toFixed(2)} s`, '', undefined);
    row('jq / analyze time', `${(jq / analyzeMs).toFixed(1)}×`, '≥ 3×', jq / analyzeMs >= 3);
  }
  row('analyze time (median of runs)', `${(analyzeMs / 1000).toFixed(2)} s`, '', undefined);
}

function pinoClose(job, t) {
  return JSON.stringify({
    level: 50,
    time: t,
    pid: 4242,
    hostname: 'bench',
    jobID: job,
    room_id: 'RM_bench',
    type: 'llm_error',
    label: 'inference.LLM',
    error: {
      type: 'APIStatusError',
      message: '429 "LLM token credit quota exceeded, category: MaxGatewayCredits"',
      body: 'LLM token credit quota exceeded, category: MaxGatewayCredits',
      statusCode: 429,
      retryable: true,
    },
    recoverable: false,
    msg: 'AgentSession is closing due to an unrecoverable error',
  });
}

async function benchWatch() {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, 'watch.log');
  writeFileSync(file, '');
  console.log(`\nwatch latency: ${APPENDS} appended lines, each a new session out of credits`);
  const child = spawn(
    process.execPath,
    [
      BIN,
      'watch',
      '--json',
      '--no-notify',
      '--no-sound',
      '--journal',
      join(OUT, 'watch-journal.jsonl'),
      file,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let buf = '';
  const waiters = new Map();
  child.stdout.on('data', (d) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const f = JSON.parse(line);
      const w = waiters.get(f.session);
      if (w && f.type === 'finding' && f.cause === 'credits_exhausted') {
        waiters.delete(f.session);
        w(performance.now());
      }
    }
  });
  await new Promise((resolve) =>
    child.stderr.on('data', (d) => d.toString().includes('watching') && resolve()),
  );
  const lat = [];
  for (let i = -5; i < APPENDS; i++) {
    const job = `AJ_watch${i + 5}`;
    const seen = new Promise((r) => waiters.set(job, r));
    const timeout = new Promise((r) => setTimeout(() => r(-1), 5000));
    appendFileSync(file, pinoClose(job, Date.now()) + '\n');
    const t0 = performance.now();
    const at = await Promise.race([seen, timeout]);
    if (at < 0) throw new Error(`no finding for ${job} within 5 s`);
    if (i >= 0) lat.push(at - t0);
  }
  child.kill('SIGINT');
  rmSync(file, { force: true });
  rmSync(join(OUT, 'watch-journal.jsonl'), { force: true });
  row('watch: append → finding p50', `${pct(lat, 50).toFixed(1)} ms`, '', undefined);
  row('watch: append → finding p95', `${pct(lat, 95).toFixed(1)} ms`, '', undefined);
  row('watch: append → finding p99', `${pct(lat, 99).toFixed(1)} ms`, '≤ 100 ms', pct(lat, 99) <= 100);
  row('watch: append → finding max', `${Math.max(...lat).toFixed(1)} ms`, '', undefined);
}

/** Alert latency: a terminal-quota line appended → notification issued, and → spoken clip started. */
async function benchAlerts() {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, 'alerts.log');
  const config = join(OUT, 'bench-config.json');
  writeFileSync(file, '');
  // Each appended line is its own incident: no burst collapse, no per-minute cap; silence after 1 s.
  writeFileSync(
    config,
    JSON.stringify({ alerts: { burstSeconds: 0, maxPerMinute: 600 }, detectors: { silenceSeconds: 1 } }),
  );
  const n = Math.min(APPENDS, 200);
  console.log(`\nalert latency: ${n} terminal-quota lines, each a new session (clips to ALSA's null device)`);
  const child = spawn(process.execPath, [BIN, 'watch', '--json', '--no-journal', '--config', config, file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEADAIR_BENCH: '1', DEADAIR_ALSA_DEVICE: 'null' },
  });
  const marks = new Map(); // `${kind} ${id}` → ms (epoch)
  const silent = new Map(); // session → epoch ms the finding arrived
  let err = '';
  let out = '';
  let ready = false;
  child.stderr.on('data', (d) => {
    err += d.toString();
    let nl;
    while ((nl = err.indexOf('\n')) >= 0) {
      if (err.slice(0, nl).includes('watching')) ready = true;
      const m = /^deadair-bench (notify|sound) (\S+) (\d+)/.exec(err.slice(0, nl));
      if (m) marks.set(`${m[1]} ${m[2]}`, Number(m[3]));
      err = err.slice(nl + 1);
    }
  });
  child.stdout.on('data', (d) => {
    out += d.toString();
    let nl;
    while ((nl = out.indexOf('\n')) >= 0) {
      const f = JSON.parse(out.slice(0, nl));
      out = out.slice(nl + 1);
      if (f.type === 'finding' && f.cause === 'agent_silent') silent.set(f.session, Date.now());
    }
  });
  for (let i = 0; i < 500 && !ready; i++) await new Promise((r) => setTimeout(r, 10));
  const waitFor = async (key) => {
    for (let i = 0; i < 500 && !marks.has(key); i++) await new Promise((r) => setTimeout(r, 2));
    return marks.get(key);
  };
  const notifyLat = [];
  const soundLat = [];
  for (let i = 0; i < n; i++) {
    const job = `AJ_alert${i}`;
    const t0 = Date.now();
    appendFileSync(file, pinoClose(job, t0) + '\n');
    const id = `${job}/credits_exhausted`;
    const tn = await waitFor(`notify ${id}`);
    const ts = await waitFor(`sound ${id}`);
    if (tn === undefined || ts === undefined) throw new Error(`no alert for ${job}`);
    notifyLat.push(tn - t0);
    soundLat.push(ts - t0);
  }
  row('line → notification issued p50', `${pct(notifyLat, 50).toFixed(0)} ms`, '', undefined);
  row(
    'line → notification issued p99',
    `${pct(notifyLat, 99).toFixed(0)} ms`,
    '≤ 2000 ms (goal 1000)',
    pct(notifyLat, 99) <= 2000,
  );
  row('line → spoken alert started p50', `${pct(soundLat, 50).toFixed(0)} ms`, '', undefined);
  row(
    'line → spoken alert started p99',
    `${pct(soundLat, 99).toFixed(0)} ms`,
    '≤ 2000 ms (goal 1000)',
    pct(soundLat, 99) <= 2000,
  );

  // Silence: 30 user turns end at once and are never answered; each must be named within T + 1 s.
  const turns = 30;
  const at = new Map();
  for (let i = 0; i < turns; i++) {
    const job = `AJ_quiet${i}`;
    const t = Date.now();
    at.set(job, t);
    appendFileSync(
      file,
      JSON.stringify({
        level: 20,
        time: t,
        pid: 7,
        hostname: 'bench',
        jobID: job,
        room_id: 'RM_q',
        msg: 'User turn committed',
      }) + '\n',
    );
  }
  for (let i = 0; i < 300 && silent.size < turns; i++) await new Promise((r) => setTimeout(r, 10));
  const late = [...at].map(([job, t]) => (silent.get(job) ?? Infinity) - (t + 1000));
  row('agent_silent after its deadline, p50', `${pct(late, 50).toFixed(0)} ms`, '', undefined);
  row(
    'agent_silent after its deadline, max',
    `${Math.max(...late).toFixed(0)} ms`,
    '≤ 1000 ms',
    Math.max(...late) <= 1000,
  );
  child.kill('SIGINT');
  rmSync(file, { force: true });
}

/** `analyze` on what a real machine eventually feeds it: a week of per-job files, a million jobs. */
async function benchScale() {
  mkdirSync(OUT, { recursive: true });
  const many = join(OUT, 'many-files');
  if (!existsSync(join(many, 'job-9999.log'))) {
    mkdirSync(many, { recursive: true });
    for (let i = 0; i < 10_000; i++) {
      const t = Date.UTC(2026, 10, 1) + i * 60_000;
      const job = `AJ_file${i}`;
      writeFileSync(
        join(many, `job-${i}.log`),
        JSON.stringify({
          level: 30,
          time: t,
          pid: 100 + (i % 500),
          hostname: 'h',
          jobID: job,
          room_id: `RM_${i}`,
          msg: 'Creating speech handle',
        }) + '\n',
      );
    }
  }
  const jobs = join(OUT, 'million-jobs.log');
  if (!existsSync(jobs)) {
    const block = [];
    let out = '';
    for (let i = 0; i < 1_000_000; i++) {
      const t = Date.UTC(2026, 10, 1) + i * 3;
      block.push(
        JSON.stringify({
          level: 30,
          time: t,
          pid: 1000 + (i % 5000),
          hostname: 'h',
          jobID: `AJ_${i.toString(36).padStart(8, 'x')}`,
          room_id: `RM_${i}`,
          msg: 'Creating speech handle',
        }),
      );
      if (block.length === 50_000) {
        out += block.join('\n') + '\n';
        block.length = 0;
      }
    }
    writeFileSync(jobs, out);
  }
  for (const [what, path] of [
    ['10 000 one-line files', many],
    ['1 000 000 jobs, one line each', jobs],
  ]) {
    console.log(`\nanalyze, ${what}`);
    const runs = [];
    let rss = 0;
    for (let i = 0; i < Math.min(RUNS, 2); i++) {
      const r = time(process.execPath, [BIN, 'analyze', '--json', '--no-progress', path], {
        env: { ...process.env, DEADAIR_BENCH: '1' },
        // The report of a million sessions is hundreds of MB: written, not kept.
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      runs.push(r.ms);
      const m = /maxrss_kb=(\d+)/.exec(r.stderr);
      if (m) rss = Math.max(rss, Number(m[1]));
    }
    row(`analyze time, ${what}`, `${(median(runs) / 1000).toFixed(2)} s`, '', undefined);
    row(`analyze peak RSS, ${what}`, `${(rss / 1024).toFixed(0)} MB`, '≤ 1024 MB', rss / 1024 <= 1024);
  }
}

/**
 * Soak: a watcher with its journal fed 10 000 short sessions (a user turn, a reply, a close), in
 * rounds; its RSS and journal size at the start and the end. Sessions that ended leave memory for
 * the store's archive, and the journal is compacted at start: neither grows with closed sessions.
 */
async function benchSoak() {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, 'soak.log');
  const journal = join(OUT, 'soak-journal.jsonl');
  for (const f of [file, journal, `${journal}.lock`, join(OUT, 'soak-journal.sessions.jsonl')])
    rmSync(f, { force: true });
  writeFileSync(file, '');
  console.log('\nsoak: a watcher fed 10 000 short sessions');
  // Time scaled down (a session retires 2 s after it ends, a worker is hung after 5 s of nothing)
  // and the journal bounded at 1 MB: what weeks at 10 000 sessions a day do, in half a minute.
  const config = join(OUT, 'soak-config.json');
  writeFileSync(config, JSON.stringify({ detectors: { hangSeconds: 5 } }));
  const env = { ...process.env, DEADAIR_RETIRE_MS: '2000', DEADAIR_JOURNAL_MAX_BYTES: String(1024 * 1024) };
  const args = [
    'watch',
    '--json',
    '--no-notify',
    '--no-sound',
    '--config',
    config,
    '--journal',
    journal,
    file,
  ];
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  await new Promise((resolve) =>
    child.stderr.on('data', (d) => d.toString().includes('watching') && resolve()),
  );
  const rssOf = () => {
    try {
      return (
        Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
      );
    } catch {
      return Number.NaN;
    }
  };
  const journalMb = () => (existsSync(journal) ? statSync(journal).size / 1024 / 1024 : 0);
  const samples = [];
  let n = 0;
  for (let round = 0; round < 20; round++) {
    const lines = [];
    const t = Date.now();
    for (let k = 0; k < 500; k++, n++) {
      const job = `AJ_soak${n}`;
      const l = (dt, msg, extra = {}) =>
        JSON.stringify({
          level: 30,
          time: t + dt,
          pid: 9000 + (n % 50),
          hostname: 'h',
          jobID: job,
          ...extra,
          msg,
        });
      lines.push(
        l(0, 'User turn committed'),
        l(200, 'Creating speech handle'),
        l(600, 'playout completed without interruption'),
        l(900, 'AgentSession closed', { reason: 'user_initiated' }),
      );
    }
    appendFileSync(file, lines.join('\n') + '\n');
    await new Promise((r) => setTimeout(r, 1500));
    samples.push({ rss: rssOf(), journal: journalMb() });
  }
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  console.log('  RSS (MB) every 500 sessions: ' + samples.map((x) => x.rss.toFixed(0)).join(' '));
  console.log('  journal (MB): ' + samples.map((x) => x.journal.toFixed(1)).join(' '));
  // Once sessions retire as fast as they come (after the first few thousand here), memory must
  // stay where it is: halfway and at the end.
  const mid = samples[9] ?? samples[0];
  const last = samples[samples.length - 1];
  row(
    'soak: RSS after 5 000 / 10 000 sessions',
    `${mid.rss.toFixed(0)} / ${last.rss.toFixed(0)} MB`,
    'flat (≤ +15 %)',
    last.rss <= mid.rss * 1.15,
  );
  row(
    'soak: journal after 5 000 / 10 000 sessions',
    `${mid.journal.toFixed(1)} / ${last.journal.toFixed(1)} MB`,
    '',
    undefined,
  );
  // Restarted, the journal is compacted (past its bound) and the watcher comes back as small.
  const again = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  await new Promise((resolve) =>
    again.stderr.on('data', (d) => d.toString().includes('watching') && resolve()),
  );
  row('soak: journal after a restart (compacted past 1 MB)', `${journalMb().toFixed(1)} MB`, '', undefined);
  again.kill('SIGINT');
  await new Promise((r) => again.once('exit', r));
}

console.log(`deadair bench — ${new Date().toISOString()}, node ${process.version}`);
if (!ONLY || ONLY === 'analyze') {
  await benchAnalyze('json');
  await benchAnalyze('text');
  await benchAnalyze('python-json');
  await benchAnalyze('pino-pretty');
}
if (!ONLY || ONLY === 'scale') await benchScale();
if (!ONLY || ONLY === 'soak') await benchSoak();
if (!ONLY || ONLY === 'watch') await benchWatch();
if (!ONLY || ONLY === 'alerts') await benchAlerts();
if (!ONLY || ONLY === 'rooms')
  await benchRooms({ root: ROOT, bin: BIN, out: OUT, row, pct, runs: Math.min(40, APPENDS) });
if (!ONLY || ONLY === 'ui') await benchUi({ root: ROOT, bin: BIN, out: OUT, row, pct });
const failed = rows.filter((r) => r.result === 'FAIL').length;
console.log(`\n${rows.filter((r) => r.result === 'PASS').length} targets met, ${failed} missed`);
writeFileSync(
  join(OUT, 'results.json'),
  JSON.stringify({ date: new Date().toISOString(), size: SIZE, rows }, null, 2),
);
