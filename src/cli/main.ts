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

/** `deadair help <command>`. */
const TOPICS = { analyze: ANALYZE_HELP, watch: WATCH_HELP, demo: DEMO_HELP } as const;

export async function main(argv: string[], io: Io): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case undefined:
      case 'help':
      case '--help':
      case '-h': {
        // `deadair help help` is the general help, as `git help help` is git's own.
        const topic = rest[0] === 'help' ? undefined : rest[0];
        if (topic !== undefined && !Object.hasOwn(TOPICS, topic))
          throw new UsageError(
            `no help on '${safeText(topic, 40)}' (commands: analyze, watch, demo; see 'deadair help')`,
          );
        io.out.write(topic === undefined ? HELP : TOPICS[topic as keyof typeof TOPICS]);
        return 0;
      }
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
          `unknown command '${safeText(cmd, 40)}' (expected analyze, watch or demo; see 'deadair help')`,
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
