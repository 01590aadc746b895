// Entry point of the `deadair` binary: wires process streams and signals to `main`.

import { main } from './main.js';
import { guard } from './terminal.js';

const stopSignal = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

// A closed stdout (`deadair analyze x | head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});

// Everything written goes through the terminal guard (terminal.ts).
main(process.argv.slice(2), {
  out: guard(process.stdout),
  err: guard(process.stderr),
  env: process.env,
  stopSignal,
})
  .then((code) => {
    if (process.env.DEADAIR_BENCH === '1') {
      process.stderr.write(`deadair-bench maxrss_kb=${process.resourceUsage().maxRSS}\n`);
    }
    process.exitCode = code;
    // Let stdout drain, then leave even if a watcher handle lingers.
    process.stdout.write('', () => process.exit(code));
  })
  .catch((e: unknown) => {
    guard(process.stderr).write(
      `deadair: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exit(2);
  });
