// Launches the built Electron app for real when an Electron binary is installed (a developer's
// desktop). Where none can be downloaded (CI here), it is skipped and says why.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';

// @ts-expect-error: a plain .mjs script without types
const { installedElectron } = (await import('../scripts/electron-binary.mjs')) as {
  installedElectron: () => string | undefined;
};
// Found without a download (the electron package downloads its binary on first require).
const bin = installedElectron();
const built = existsSync(`${ROOT}/out/main/index.js`);
const reason = !bin
  ? 'no Electron binary installed (npm start downloads it where the network allows; not here)'
  : !built
    ? 'the app is not built (run npm run build)'
    : !process.env.DISPLAY && process.platform === 'linux'
      ? 'no display (set DISPLAY, e.g. under xvfb-run)'
      : '';
if (reason) console.log(`[electron] skipped: ${reason}`);

describe.skipIf(reason !== '')('Electron app', () => {
  it('opens the timeline window with the sandboxed bridge', async () => {
    const { _electron } = await import('playwright-core');
    const app = await _electron.launch({ executablePath: bin, args: [ROOT] });
    try {
      const page = await app.firstWindow();
      await page.waitForSelector('h1');
      expect(await page.textContent('h1')).toBe('deadair');
      expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe(
        'undefined',
      );
      expect(await page.evaluate(() => window.deadair?.version())).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      await app.close();
    }
  });

  it('opens the settings on a first run, and the demo from there fills the timeline', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const home = mkdtempSync(join(tmpdir(), 'deadair-electron-'));
    const { _electron } = await import('playwright-core');
    const app = await _electron.launch({
      executablePath: bin,
      args: [ROOT, `--user-data-dir=${join(home, 'data')}`],
      env: { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), DEADAIR_WATCH: '', DEADAIR_ROOMS: '' },
    });
    try {
      const page = await app.firstWindow();
      await page.waitForSelector('[data-testid="first-run"]');
      await page.click('[data-testid="demo"]');
      await page.waitForSelector('[data-testid="session-row"]', { timeout: 30_000 });
    } finally {
      await app.close();
    }
  }, 60_000);

  it('turns the tray red and notifies on a failure, and the notification opens the timeline at it', async () => {
    const { appendFileSync, mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { creditsLine } = await import('./support/agent-lines.js');
    const home = mkdtempSync(join(tmpdir(), 'deadair-electron-'));
    const log = join(home, 'agent.log');
    writeFileSync(log, '');
    const { _electron } = await import('playwright-core');
    const app = await _electron.launch({
      executablePath: bin,
      args: [ROOT, `--user-data-dir=${join(home, 'data')}`],
      env: { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), DEADAIR_WATCH: log, DEADAIR_E2E: '1' },
    });
    type Probe = {
      tray(): { state: string; tooltip: string };
      notifications(): { title: string; body: string }[];
      click(i: number): void;
    };
    const probe = <T>(fn: (p: Probe) => T) =>
      app.evaluate(
        (_electron, f) => (0, eval)(f)((globalThis as Record<string, unknown>).__deadairE2E),
        `(${fn.toString()})`,
      ) as Promise<T>;
    try {
      await expect.poll(() => probe((p) => p.tray().state), { timeout: 15_000 }).toBe('idle');
      appendFileSync(log, creditsLine(Date.now(), 'AJ_tray') + '\n');
      await expect.poll(() => probe((p) => p.tray().state), { timeout: 15_000 }).toBe('failed');
      expect(await probe((p) => p.tray().tooltip)).toContain('1 needs attention');
      expect(await probe((p) => p.notifications().map((n) => n.title))).toEqual(['Out of inference credits']);
      await probe((p) => p.click(0));
      const win = await app.firstWindow();
      await win.waitForSelector(
        '[data-testid="inspector-finding"][data-finding="AJ_tray/credits_exhausted"]',
        {
          timeout: 15_000,
        },
      );
    } finally {
      await app.close();
    }
  }, 60_000);
});
