// The one place where deadair's output meets a terminal. Log lines, file names, room and
// participant names, error strings and settings all come from outside, and a terminal obeys what
// it is sent: an escape sequence can retitle the window, move the cursor, hide text or (in some
// terminals) write files. Every write goes through `guard`, which lets through only the sequences
// deadair itself uses (its colours, the progress line's erase) and shows every other control
// character as a visible `\uXXXX` escape — which inside a JSON string is the same character, so
// `--json` output stays exact.

/** Controls that must never reach a terminal raw: C0 but tab and newline, DEL, C1, bidi overrides. */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
/** What deadair writes itself: its colours (format.ts), and the progress line's erase. */
const OWN = /\x1b\[(?:0|1|2|22|31|32|33|36|39|90)m|\x1b\[2K|\n/y;

function visible(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}

/** Text as it may reach a terminal: deadair's own sequences kept, every other control visible. */
export function terminalSafe(s: string): string {
  // A carriage return that starts a write redraws the progress line.
  const lead = s.startsWith('\r') ? '\r' : '';
  const body = lead ? s.slice(1) : s;
  return (
    lead +
    body.replace(CONTROL, (c, at: number) => {
      OWN.lastIndex = at;
      return OWN.test(body) ? c : visible(c);
    })
  );
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** A stream whose every write of text passes through `terminalSafe`. */
export function guard<S extends Stream>(stream: S): S {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  return new Proxy(stream, {
    get(target, prop, receiver) {
      if (prop === 'write')
        return (chunk: unknown, ...rest: unknown[]) =>
          write(typeof chunk === 'string' ? terminalSafe(chunk) : chunk, ...rest);
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
