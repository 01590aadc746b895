// The observer's runtime from the CLI: one headless Chromium (the machine's own, driven by
// playwright-core) with one page that holds a livekit-client Room per watched room. Node's WebRTC
// SDK ignores loopback and cannot share livekit-client's behaviour; a browser runs the real client.

import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PAGE_GLOBAL, parseObservation, REPORT_BINDING, type Observation } from '../shared/observation.js';
import { pageBundlePath, servePage } from './page-server.js';

export { pageBundlePath } from './page-server.js';

/** Chromium flags that work headless, as root, with loopback WebRTC, and without phoning home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--autoplay-policy=no-user-gesture-required',
];

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
];

/** The browser to run the observer in: DEADAIR_CHROMIUM, else the usual install places. */
export function findChromium(
  env: NodeJS.ProcessEnv,
  exists: (p: string) => boolean = existsSync,
): string | undefined {
  const forced = env.DEADAIR_CHROMIUM?.trim();
  if (forced) return forced;
  return CANDIDATES.find(exists);
}

export interface ObserverBrowserOptions {
  chromium: string;
  /** Every observation from every room, in the order the page saw them. */
  onObservation: (o: Observation) => void;
  /** The browser went away (crashed, killed): every room is lost. */
  onExit: (why: string) => void;
}

export class ObserverBrowser {
  private closing = false;

  private constructor(
    private readonly browser: Browser,
    private readonly context: BrowserContext,
    private readonly page: Page,
    private readonly server: Server,
  ) {}

  static async launch(opts: ObserverBrowserOptions): Promise<ObserverBrowser> {
    const bundle = pageBundlePath();
    if (!bundle)
      throw new Error('the room observer page is not built: run `npm run build` in the deadair checkout');
    const script = readFileSync(bundle, 'utf8');
    const { chromium } = await import('playwright-core');
    const { server, origin } = await servePage(script);
    let browser: Browser;
    try {
      // playwright gives every launch a new empty profile of its own.
      browser = await chromium.launch({
        executablePath: opts.chromium,
        headless: true,
        args: CHROMIUM_ARGS,
        timeout: 30_000,
        // deadair handles its own signals (and exits 0 after a clean stop); playwright's would
        // kill the browser and exit 130 under it.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (e) {
      server.close();
      const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      throw new Error(`cannot start the browser at ${opts.chromium}: ${first}`);
    }
    const context = await browser.newContext();
    const page = await context.newPage();
    const host = new ObserverBrowser(browser, context, page, server);
    const lost = (why: string) => {
      if (!host.closing) opts.onExit(why);
    };
    browser.on('disconnected', () => lost('the observer browser exited'));
    page.on('crash', () => lost('the observer page crashed'));
    if (process.env.DEADAIR_DEBUG)
      page.on('console', (m) => process.stderr.write(`[observer page] ${m.type()}: ${m.text()}\n`));
    await page.exposeFunction(REPORT_BINDING, (json: unknown) => {
      const o = parseObservation(json);
      if (o) opts.onObservation(o);
    });
    await page.goto(origin);
    await page.waitForFunction(`typeof globalThis.${PAGE_GLOBAL}?.join === 'function'`);
    return host;
  }

  /** Joins (or rejoins) one room; the outcome arrives as a `connected` or `join_failed` observation. */
  async join(room: string, url: string, token: string): Promise<void> {
    await this.page.evaluate(
      ([g, r, u, t]) =>
        (globalThis as unknown as Record<string, { join(r: string, u: string, t: string): Promise<void> }>)[
          g
        ]!.join(r, u, t),
      [PAGE_GLOBAL, room, url, token] as const,
    );
  }

  async leave(room: string): Promise<void> {
    await this.page.evaluate(
      ([g, r]) => (globalThis as unknown as Record<string, { leave(r: string): Promise<void> }>)[g]!.leave(r),
      [PAGE_GLOBAL, room] as const,
    );
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.context.close().catch(() => undefined);
    await this.browser.close().catch(() => undefined);
    this.server.closeAllConnections();
    this.server.close();
  }
}
