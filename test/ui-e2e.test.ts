// The timeline end to end, as a user meets it: `deadair demo --ui` and `deadair watch --ui` served
// for real, the built page driven in real Chromium (playwright-core + the system's Chromium). Saves
// screenshots of the list and of a failed and a silent session in test-results/screenshots/.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../src/observer/browser.js';
import { creditsLine, pinoLine, until } from './support/agent-lines.js';
import { BIN, ROOT } from './support/cli.js';

const chromium = findChromium(process.env);
const built = existsSync(join(ROOT, 'out/renderer/index.html'));
const reason = !chromium
  ? 'no Chromium (install chromium, or set DEADAIR_CHROMIUM)'
  : !built
    ? 'the timeline is not built (npm run build)'
    : '';
if (reason) console.log(`[ui-e2e] skipped: ${reason}`);

const SHOTS = join(ROOT, 'test-results/screenshots');
const dir = mkdtempSync(join(tmpdir(), 'deadair-e2e-'));
const children: ChildProcess[] = [];
let browser: Browser | undefined;

/** Starts a deadair command serving the timeline; resolves with its URL and what it printed. */
async function serve(args: string[]): Promise<{ url: string; out: () => string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', DEADAIR_ALSA_DEVICE: 'null' },
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await until(() => /timeline at (\S+)/.test(err), 30_000);
  return { url: /timeline at (\S+)/.exec(err)?.[1] as string, out: () => out, child };
}

async function page(url: string): Promise<Page> {
  const context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 800 } });
  const p = await context.newPage();
  // Anything a payload could run would set this or open a dialog.
  p.on('dialog', (d) => {
    (globalThis as { dialogs?: string[] }).dialogs?.push(d.message());
    void d.dismiss();
  });
  await p.goto(url);
  return p;
}

beforeAll(async () => {
  if (reason) return;
  const { chromium: pw } = await import('playwright-core');
  browser = await pw.launch({
    executablePath: chromium,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  mkdirSync(SHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const c of children) if (c.exitCode === null) c.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(reason !== '')('the timeline, in Chromium', () => {
  describe('deadair demo --ui', () => {
    let demo: Awaited<ReturnType<typeof serve>>;
    beforeAll(async () => {
      demo = await serve(['demo', '--ui', '--speed', '8', '--no-notify', '--no-sound']);
      // The scenario has played (the demo prints its summary) and the timeline stays up.
      await until(() => demo.out().includes('What happened, per session'), 30_000);
    }, 60_000);

    it('lists the failed and silent sessions first', async () => {
      const p = await page(demo.url);
      await p.waitForSelector('[data-testid="session-row"]');
      await expect.poll(() => p.locator('[data-testid="session-row"]').count()).toBeGreaterThanOrEqual(4);
      const verdicts = await p
        .locator('[data-testid="session-row"]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-verdict')));
      expect(verdicts).toEqual(['failed', 'silent', 'degraded', 'healthy']);
      await p.screenshot({ path: join(SHOTS, 'sessions.png') });
      await p.context().close();
    });

    it('shows the raw quota line and the remedy when the credits finding is clicked', async () => {
      const p = await page(demo.url);
      await p.locator('[data-testid="session-row"]', { hasText: 'sales-2' }).click();
      await p.waitForSelector('[data-testid="session-view"]');
      await p.locator('[data-testid="cause-item"][data-finding$="/credits_exhausted"]').click();
      const finding = p.locator('[data-testid="inspector-finding"]');
      await expect.poll(() => finding.getAttribute('data-finding')).toBe('AJ_dem0Cred1ts/credits_exhausted');
      expect(await p.locator('[data-testid="inspector-remedy"]').textContent()).toMatch(
        /Top up LiveKit Inference credits/,
      );
      const raw = await p.locator('[data-testid="inspector-evidence"]').first().textContent();
      expect(raw).toMatch(/MaxGatewayCredits/);
      expect(raw).toMatch(/"jobID":"AJ_dem0Cred1ts"/);
      await p.waitForSelector('[data-testid="event"]');
      await p.screenshot({ path: join(SHOTS, 'failed-session.png') });
      await p.context().close();
    });

    it('opens a deep link at its finding, and at its event', async () => {
      // The link the demo printed beside the silence finding.
      const link = /open (\S+#\/session\/AJ_dem0S1lent\/finding\/\S+)/.exec(demo.out())?.[1];
      expect(link).toBeDefined();
      const p = await page(link as string);
      await p.waitForSelector('[data-testid="session-view"]');
      await expect
        .poll(() => p.locator('[data-testid="inspector-finding"]').getAttribute('data-finding'))
        .toBe('AJ_dem0S1lent/agent_silent');
      expect(await p.locator('[data-testid="session-verdict"]').textContent()).toMatch(/silent/);
      await p.waitForSelector('[data-testid="event"]');
      await p.screenshot({ path: join(SHOTS, 'silent-session.png') });

      // An event's link: the event selected in the inspector, its raw line shown.
      const base = demo.url.split('#')[0] as string;
      const events = await call(base, 'session.events', { session: 'AJ_dem0S1lent' });
      const ev = (events.result as { events: { id: string; message: string }[] }).events.at(-1);
      expect(ev).toBeDefined();
      await p.goto(`${base}#/session/AJ_dem0S1lent/event/${encodeURIComponent(ev!.id)}`);
      await p.reload();
      await expect
        .poll(async () => (await p.locator('[data-testid="inspector-evidence"]').first().textContent()) ?? '')
        .toContain(ev!.message.slice(0, 20));
      await p.context().close();
    });

    it('refuses requests without the key, or naming another host', async () => {
      const u = new URL(demo.url);
      const noKey = await raw(u, '/api/call', { channel: 'sessions.list', params: {} });
      expect(noKey.status).toBe(403);
      const foreign = await raw(
        u,
        `/api/call?k=${u.searchParams.get('k')}`,
        { channel: 'sessions.list', params: {} },
        {
          host: 'evil.example:80',
        },
      );
      expect(foreign.status).toBe(403);
      const ok = await raw(u, `/api/call?k=${u.searchParams.get('k')}`, {
        channel: 'sessions.list',
        params: {},
      });
      expect(ok.status).toBe(200);
    });
  });

  describe('deadair analyze --ui', () => {
    it('prints each session with its link, and the link opens at its finding', async () => {
      const a = await serve([
        'analyze',
        '--ui',
        join(ROOT, 'test/fixtures/python-real/1.8.9/hang.dev.log'),
        join(ROOT, 'test/fixtures/real/llm-credits.json.log'),
      ]);
      await until(() => /open\s+\S+finding\/AJ_llmcreditsJ%2Fcredits_exhausted/.test(a.out()), 30_000);
      const link = /open\s+(\S+#\/session\/AJ_6ae2eb05dd93\/finding\/\S+)/.exec(a.out())?.[1];
      expect(link).toBeDefined();
      const p = await page(link as string);
      await expect
        .poll(() => p.locator('[data-testid="inspector-finding"]').getAttribute('data-finding'))
        .toBe('AJ_6ae2eb05dd93/agent_silent');
      // Every event of the session is there (the full path indexed them): the user's turn too.
      const events = await call(link as string, 'session.events', { session: 'AJ_6ae2eb05dd93' });
      const kinds = (events.result as { events: { kind: string }[] }).events.map((e) => e.kind);
      expect(kinds).toContain('user_turn_end');
      await p.click('[data-testid="zoom-fit"]');
      await expect.poll(() => p.locator('[data-testid="event-row"]').count()).toBeGreaterThan(3);
      await p.context().close();
    });
  });

  describe('deadair watch --ui', () => {
    const log = join(dir, 'live.log');
    let w: Awaited<ReturnType<typeof serve>>;
    beforeAll(async () => {
      writeFileSync(log, '');
      w = await serve(['watch', '--ui', '--no-journal', '--no-notify', '--no-sound', log]);
    }, 60_000);

    it('shows a new finding live, without a reload', async () => {
      const p = await page(w.url);
      await p.waitForSelector('[data-testid="sessions-empty"], [data-testid="session-row"]');
      appendFileSync(log, creditsLine(Date.now(), 'AJ_live1') + '\n');
      const row = p.locator('[data-testid="session-row"][data-session="AJ_live1"]');
      await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
      expect(await row.getAttribute('data-verdict')).toBe('failed');
      await p.context().close();
    });

    it('renders markup in a hint, a transcript and a room name as text, and runs none of it', async () => {
      const payload = `<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>`;
      const job = 'AJ_xss1';
      const now = Date.now();
      const quota = {
        message: '429 "LLM token credit quota exceeded, category: MaxGatewayCredits"',
        statusCode: 429,
        body: {
          error: 'inference_quota_exceeded',
          quota_type: 'llm',
          category: 'MaxGatewayCredits',
          hint: payload,
        },
      };
      appendFileSync(
        log,
        [
          pinoLine(now, job, 'conversation_item_added', {
            item: { type: 'message', role: 'user', content: [payload] },
            'lk.pii.room_name': payload,
          }),
          pinoLine(now + 10, job, 'AgentSession is closing due to an unrecoverable error', {
            type: 'llm_error',
            error: quota,
            'lk.pii.room_name': payload,
          }),
        ].join('\n') + '\n',
      );
      const dialogs: string[] = [];
      (globalThis as { dialogs?: string[] }).dialogs = dialogs;
      const p = await page(w.url);
      const row = p.locator(`[data-testid="session-row"][data-session="${job}"]`);
      await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
      await row.click();
      await p.waitForSelector('[data-testid="session-view"]');
      await p.locator('[data-testid="cause-item"]').first().click();
      await p.waitForSelector('[data-testid="inspector-finding"]');
      const text = (await p.textContent('body')) ?? '';
      expect(text).toContain('<img src=x onerror=');
      expect(await p.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await p.locator('img[src="x"]').count()).toBe(0);
      expect(await p.locator('main script, #root script').count()).toBe(0);
      expect(dialogs).toEqual([]);
      await p.context().close();
    });
  });
});

function raw(
  u: URL,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: u.port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let b = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (b += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function call(base: string, channel: string, params: unknown): Promise<{ result?: unknown }> {
  const u = new URL(base);
  const r = await raw(u, `/api/call?k=${u.searchParams.get('k')}`, { channel, params });
  return JSON.parse(r.body) as { result?: unknown };
}
