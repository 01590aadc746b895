// Room observer figures for `npm run bench`: how long from an event the (fake) LiveKit server sends
// to the finding deadair prints, and what observing idle rooms costs (CPU and memory of deadair
// and its browser). Runs the built CLI against test/fake-livekit, bundled here with esbuild.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const KEY = 'benchkey';
const SECRET = 'bench-secret-long-enough-for-hs256-signing';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function loadFake(root, out) {
  const file = join(out, 'fake-livekit.mjs');
  await build({
    entryPoints: [join(root, 'test/fake-livekit/server.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  // Resolve its packages from the checkout.
  const { FakeLiveKit } = await import(file);
  return FakeLiveKit;
}

function errorMessage() {
  return (
    "type='llm_error' timestamp=1764000000.5 label='livekit.agents.inference.LLM' error=APIStatusError(" +
    "message=\"Error code: 429 - {'type': 'inference_quota_exceeded', 'error': 'LLM token credit quota exceeded, " +
    "category: MaxGatewayCredits', 'quota_type': 'llm', 'category': 'MaxGatewayCredits'}\", status_code=429, " +
    'retryable=False) recoverable=False'
  );
}

function watcher(bin, server, config, args) {
  const child = spawn(
    process.execPath,
    [bin, 'watch', '--json', '--no-notify', '--no-sound', '--no-journal', '--config', config, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        LIVEKIT_URL: server.url,
        LIVEKIT_API_KEY: KEY,
        LIVEKIT_API_SECRET: SECRET,
        DEADAIR_ROOM_POLL_MS: '250',
      },
    },
  );
  const w = { child, findings: [], err: [] };
  let out = '';
  child.stdout.on('data', (d) => {
    out += d.toString();
    let nl;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      const j = JSON.parse(line);
      if (j.type === 'finding') w.findings.push({ at: performance.now() + performance.timeOrigin, ...j });
    }
  });
  let err = '';
  child.stderr.on('data', (d) => {
    err += d.toString();
    const parts = err.split('\n');
    err = parts.pop();
    w.err.push(...parts);
  });
  return w;
}

async function until(cond, what, ms = 60_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function stop(w) {
  if (w.child.exitCode !== null) return;
  w.child.kill('SIGINT');
  await new Promise((r) => w.child.once('exit', r));
}

/** Every process under pid (deadair, its Chromium and Chromium's helpers). */
function tree(pid) {
  const kids = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch {
      // gone
    }
  }
  const out = [];
  const walk = (p) => {
    out.push(p);
    for (const k of kids.get(p) ?? []) walk(k);
  };
  walk(pid);
  return out;
}

/** CPU seconds so far and proportional memory (PSS, no double counting of shared pages) of a tree. */
function usage(pid) {
  const hz = 100;
  let cpu = 0;
  let pss = 0;
  for (const p of tree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu += (Number(f[11]) + Number(f[12])) / hz;
      const roll = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      pss += Number(/Pss:\s+(\d+)/.exec(roll)?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return { cpu, pssMb: pss / 1024 };
}

export async function benchRooms({ root, bin, out, row, pct, runs = 40 }) {
  if (!existsSync('/usr/bin/chromium') && !process.env.DEADAIR_CHROMIUM) {
    console.log('\nroom observer: skipped (no Chromium; apt-get install chromium or set DEADAIR_CHROMIUM)');
    return;
  }
  mkdirSync(out, { recursive: true });
  const FakeLiveKit = await loadFake(root, out);
  const { AgentSession } = await import('@livekit/protocol');
  const config = join(out, 'rooms-config.json');
  writeFileSync(config, JSON.stringify({ alerts: { burstSeconds: 0, maxPerMinute: 600 } }));

  // 1. Latency: server event → finding printed.
  console.log(`\nroom observer: ${runs} events sent by the fake server → the finding deadair prints`);
  const server = await FakeLiveKit.start({ apiKey: KEY, apiSecret: SECRET });
  const w = watcher(bin, server, config, ['--rooms', 'bench-*']);
  const room = server.createRoom('bench-latency');
  room.addParticipant({ identity: 'caller-bench', kind: 'standard' });
  await until(() => w.err.some((l) => l.includes('observing room bench-latency')), 'the observer');
  const bytes = new AgentSession.AgentSessionMessage({
    message: {
      case: 'event',
      value: new AgentSession.AgentSessionEvent({
        event: {
          case: 'error',
          value: new AgentSession.AgentSessionEvent_Error({ message: errorMessage() }),
        },
      }),
    },
  }).toBinary();
  const viaData = [];
  const viaSignal = [];
  for (let i = 0; i < runs; i++) {
    const agent = `agent-AJ_bench${i}`;
    room.addParticipant({ identity: agent, kind: 'agent', attributes: { 'lk.agent.state': 'listening' } });
    await sleep(150);
    let t0 = Date.now();
    await room.sendBytes(agent, 'lk.agent.session', bytes);
    await until(
      () => w.findings.some((f) => f.job === `AJ_bench${i}` && f.cause === 'credits_exhausted'),
      'the credits finding',
    );
    viaData.push(w.findings.find((f) => f.job === `AJ_bench${i}` && f.cause === 'credits_exhausted').at - t0);
    t0 = Date.now();
    room.removeParticipant(agent);
    await until(
      () => w.findings.some((f) => f.job === `AJ_bench${i}` && f.cause === 'agent_left'),
      'the agent_left finding',
    );
    viaSignal.push(w.findings.find((f) => f.job === `AJ_bench${i}` && f.cause === 'agent_left').at - t0);
  }
  await stop(w);
  await server.stop();
  const fmt = (xs) => `${pct(xs, 50).toFixed(0)} / ${pct(xs, 99).toFixed(0)} ms`;
  row(
    'typed error (lk.agent.session) → finding p50/p99',
    fmt(viaData),
    'p99 ≤ 500 ms',
    pct(viaData, 99) <= 500,
  );
  row(
    'agent leaves (signalling) → finding p50/p99',
    fmt(viaSignal),
    'p99 ≤ 500 ms',
    pct(viaSignal, 99) <= 500,
  );

  // 2. Idle cost: N rooms, each with an agent and a user, nothing happening.
  for (const n of [10, 50]) {
    const s = await FakeLiveKit.start({ apiKey: KEY, apiSecret: SECRET });
    for (let i = 0; i < n; i++) {
      const r = s.createRoom(`idle-${i}`);
      r.addParticipant({
        identity: `agent-AJ_idle${i}`,
        kind: 'agent',
        attributes: { 'lk.agent.state': 'listening' },
      });
      r.addParticipant({ identity: `caller-${i}`, kind: 'standard' });
    }
    const iw = watcher(bin, s, config, ['--rooms', 'idle-*', '--max-rooms', String(n)]);
    const t0 = Date.now();
    await until(
      () => iw.err.filter((l) => l.includes('observing room idle-')).length >= n,
      `${n} rooms`,
      120_000,
    );
    const joinS = (Date.now() - t0) / 1000;
    await sleep(3000); // let joining settle
    const a = usage(iw.child.pid);
    const span = 10_000;
    await sleep(span);
    const b = usage(iw.child.pid);
    await stop(iw);
    await s.stop();
    const cpuPct = ((b.cpu - a.cpu) / (span / 1000)) * 100;
    console.log(`  (${n} rooms joined in ${joinS.toFixed(1)} s from a cold start, browser launch included)`);
    row(`${n} idle rooms: CPU (deadair + browser)`, `${cpuPct.toFixed(1)} % of a core`, '', undefined);
    row(`${n} idle rooms: memory (PSS)`, `${b.pssMb.toFixed(0)} MB`, '', undefined);
  }
}
