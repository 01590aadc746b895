// The timeline at scale, in real Chromium: `deadair watch --ui` over one session of 100 000
// events; time to first paint of that session (bar ≤ 2 s), frame times while scrolling its events
// and panning its lanes (p95), and while 100 events a second are appended live (p95).
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

const EVENTS = 100_000;
const JOB = 'AJ_bench100k';

function line(t, msg, extra = {}) {
  return JSON.stringify({
    level: 30,
    time: t,
    pid: 4242,
    hostname: 'bench',
    jobID: JOB,
    room_id: 'RM_b',
    ...extra,
    msg,
  });
}

/** One long session: turns every few seconds (user turn, reply, playout, metrics), some errors. */
function generate(file, start) {
  const out = [];
  let t = start;
  for (let n = 0; out.length < EVENTS; n++) {
    out.push(line(t, 'User turn committed', { level: 20 }));
    out.push(line(t + 300, 'Creating speech handle', { speech_id: `s${n}` }));
    out.push(
      line(t + 700, 'LLM metrics', {
        metrics: { type: 'llm_metrics', speechId: `s${n}`, ttftMs: 300 + (n % 200), durationMs: 900 },
      }),
    );
    if (n % 50 === 7)
      out.push(
        line(t + 800, 'failed to generate LLM completion, retrying in 100ms', {
          level: 40,
          error: { message: '500 internal error', statusCode: 500 },
        }),
      );
    out.push(line(t + 1800, 'playout completed without interruption', { speech_id: `s${n}` }));
    t += 4000;
  }
  writeFileSync(file, out.slice(0, EVENTS).join('\n') + '\n');
  return t;
}

function call(url, channel, params) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: u.port,
        path: `/api/call?k=${u.searchParams.get('k')}`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let b = '';
        res.on('data', (d) => (b += d));
        res.on('end', () => resolve(JSON.parse(b).result));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ channel, params }));
  });
}

/** Frame intervals (ms) while `step(k)` runs once per animation frame, `frames` times. */
const FRAMES = `async (frames, kind) => {
  const list = document.querySelector('[data-testid="event-list"]');
  const lanes = document.querySelector('[data-testid="lanes"]') ?? document.body;
  const out = [];
  let last = performance.now();
  for (let k = 0; k < frames; k++) {
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    out.push(now - last);
    last = now;
    if (kind === 'scroll' && list) list.scrollTop += 400;
    if (kind === 'pan') lanes.dispatchEvent(new WheelEvent('wheel', { deltaX: 120, bubbles: true, cancelable: true }));
  }
  return out;
}`;

export async function benchUi({ root, bin, out, row, pct }) {
  console.log('\ntimeline: one session of 100 000 events, in Chromium');
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(
    existsSync,
  );
  if (!chromium || !existsSync(join(root, 'out/renderer/index.html'))) {
    console.log(`  skipped: ${chromium ? 'the timeline is not built (npm run build)' : 'no Chromium'}`);
    return;
  }
  mkdirSync(out, { recursive: true });
  const file = join(out, 'ui-100k.log');
  rmSync(file, { force: true });
  const end = generate(file, Date.now() - EVENTS * 1000);
  const child = spawn(
    process.execPath,
    [bin, 'watch', '--ui', '--from-start', '--no-journal', '--no-notify', '--no-sound', file],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const t0 = Date.now();
    while (!/watching/.test(err) || !/timeline at (\S+)/.test(err)) {
      if (Date.now() - t0 > 120_000) throw new Error(`watch --ui did not start: ${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = /timeline at (\S+)/.exec(err)[1];
    // Every event read into the store before the page opens.
    for (;;) {
      const last = await call(url, 'session.events', { session: JOB, from: end - 8000 });
      if (last?.events?.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const start = Date.now();
    await page.goto(`${url}#/session/${JOB}`);
    await page.waitForSelector('[data-testid="event-row"]', { timeout: 60_000 });
    const firstPaint = Date.now() - start;
    row('timeline: 100 000-event session, first paint', `${firstPaint} ms`, '≤ 2000 ms', firstPaint <= 2000);

    const scroll = await page.evaluate(`(${FRAMES})(180, 'scroll')`);
    row(
      'timeline: frame time scrolling events, p95',
      `${pct(scroll, 95).toFixed(1)} ms`,
      '≤ 33 ms (30 fps)',
      pct(scroll, 95) <= 33.4,
    );
    const pan = await page.evaluate(`(${FRAMES})(180, 'pan')`);
    row(
      'timeline: frame time panning lanes, p95',
      `${pct(pan, 95).toFixed(1)} ms`,
      '≤ 33 ms (30 fps)',
      pct(pan, 95) <= 33.4,
    );

    // Live: 100 events a second for 5 s, following live, while frames are measured.
    await page
      .locator('text=follow live')
      .click()
      .catch(() => undefined);
    const frames = page.evaluate(`(${FRAMES})(300, 'none')`);
    let t = Date.now();
    for (let k = 0; k < 50; k++) {
      const batch = [];
      for (let j = 0; j < 10; j++)
        batch.push(line(t + j, 'Creating speech handle', { speech_id: `live${k}_${j}` }));
      appendFileSync(file, batch.join('\n') + '\n');
      t = Date.now();
      await new Promise((r) => setTimeout(r, 100));
    }
    const live = await frames;
    row(
      'timeline: frame time at 100 appends/s, p95',
      `${pct(live, 95).toFixed(1)} ms`,
      '≤ 33 ms (30 fps)',
      pct(live, 95) <= 33.4,
    );
  } finally {
    await browser.close();
    child.kill('SIGINT');
    rmSync(file, { force: true });
  }
}
