// `deadair demo`: a bundled scenario (demo-script.ts) replayed into temporary log files in real
// time — or faster — watched by the same watcher `deadair watch` starts, with its sinks, and ended
// with the analyze summary.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { createWatcher, trackerOptions } from '../core/watcher.js';
import { analyze } from './analyze.js';
import { COMMON, parse, settings, uiPortOption, UsageError, type Io } from './common.js';
import { playDemo, prepareDemo } from '../core/demo.js';
import { pickStyle, safeText } from './format.js';
import { DEMO_HELP } from './help.js';
import { present, presentation, serveUi } from './watch.js';

const DEMO_OPTIONS = {
  ...COMMON,
  speed: { type: 'string' },
  keep: { type: 'boolean' },
  'no-notify': { type: 'boolean' },
  'no-sound': { type: 'boolean' },
  ui: { type: 'boolean' },
  'ui-port': { type: 'string' },
  open: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export async function demo(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, DEMO_OPTIONS);
  if (values.help) {
    io.out.write(DEMO_HELP);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(
      `demo takes no files (it writes its own logs): '${safeText(positionals[0] as string, 40)}' — to read yours: deadair analyze or deadair watch`,
    );
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 1000)
    throw new UsageError(
      `--speed must be a number between 0 and 1000, not '${safeText(String(values.speed), 20)}'`,
    );
  uiPortOption(values);
  const style = pickStyle(io.out, io.env, values['no-color'] ? false : values.color);
  const cfg = settings(values, io.env);
  const thresholds = trackerOptions(cfg, speed);
  const dir = mkdtempSync(join(tmpdir(), 'deadair-demo-'));
  prepareDemo(dir);
  io.err.write(
    style.bold('deadair demo') +
      style.dim(
        ` — four agent sessions replayed${speed === 1 ? ' in real time' : ` ${speed}× faster`} into ${dir}\n`,
      ) +
      style.dim(
        '  support-1 healthy · sales-2 runs out of credits · onboarding-3 rate limited, recovers · billing-4 goes silent\n\n',
      ),
  );
  // The settings' thresholds, as `watch` uses them, scaled by --speed.
  const w = createWatcher({ paths: [dir], fromStart: true, settings: cfg, speed });
  // With --ui the timeline is served from the start, and stays up after the scenario ends.
  let ui: Awaited<ReturnType<typeof serveUi>> | undefined;
  try {
    ui = values.ui ? await serveUi(w, io, values, style) : undefined;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const idle = present(w, io, presentation(cfg, values, style, ui));
  let stopped = false;
  void io.stopSignal?.then(() => (stopped = true));
  await playDemo(dir, speed, () => stopped);
  if (!ui) {
    await w.stop();
    await idle();
  }
  if (!values.json) io.out.write(style.bold('\nWhat happened, per session (deadair analyze):\n\n'));
  const code = await analyze(
    ['--no-progress', ...(values['no-color'] ? ['--no-color'] : []), ...(values.json ? ['--json'] : []), dir],
    io,
    thresholds,
  );
  if (ui) {
    // The sessions stay browsable (their evidence is read from the logs) until Ctrl-C.
    if (!stopped) {
      io.err.write(style.dim(`\ndeadair: the timeline stays at ${ui.url} — Ctrl-C to stop\n`));
      await (io.stopSignal ?? new Promise<void>(() => undefined));
    }
    await ui.close();
    await w.stop();
    await idle();
  }
  if (values.keep) io.err.write(style.dim(`\nthe logs are in ${dir}\n`));
  else rmSync(dir, { recursive: true, force: true });
  return code === 2 ? 2 : 0;
}
