// The `deadair` command line: `analyze` (post-mortem of log files, with a verdict and an exit
// code), `watch` (live findings and alerts as they happen) and `demo`. Thin: the work happens in
// src/core; each command is a file of its own.

import { analyze } from './analyze.js';
import { UsageError, VERSION, type Io } from './common.js';
import { demo } from './demo.js';
import { safeText } from './format.js';
import { ANALYZE_HELP, DEMO_HELP, HELP, WATCH_HELP } from './help.js';
import { watch } from './watch.js';

export { UsageError, VERSION, type Io };

export async function main(argv: string[], io: Io): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out.write(
          rest[0] === 'analyze'
            ? ANALYZE_HELP
            : rest[0] === 'watch'
              ? WATCH_HELP
              : rest[0] === 'demo'
                ? DEMO_HELP
                : HELP,
        );
        return 0;
      case '--version':
      case '-v':
      case 'version':
        io.out.write(`deadair ${VERSION}\n`);
        return 0;
      case 'analyze':
        return await analyze(rest, io);
      case 'watch':
        return await watch(rest, io);
      case 'demo':
        return await demo(rest, io);
      default:
        throw new UsageError(
          `unknown command '${safeText(cmd, 40)}' (expected analyze or watch; see 'deadair help')`,
        );
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err.write(`deadair: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
