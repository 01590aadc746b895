// What a log collector puts in front of each line an agent wrote: a container runtime's time stamp,
// Docker Compose's service name, journald's time, host and process, kubectl's pod. An agent run in
// a container or as a service is read through one of them (`docker compose logs agent > a.log`,
// `journalctl -u agent`, `kubectl logs --timestamps`, the node's files under /var/log/pods), and
// every line of it would otherwise be of no known format. Each is taken from its definition:
//
//   docker logs -t, kubectl logs --timestamps   <RFC 3339 time, nanoseconds> <line>
//   CRI (containerd, CRI-O: /var/log/pods)      <RFC 3339 time> <stdout|stderr> <F|P> <line>
//                                               (P: the line goes on in the next entry)
//   docker compose logs / up                    <service>-<n> <padding>| <line>   (-t: then a time)
//   journalctl (short, short-precise, short-iso) <Mmm dd hh:mm:ss[.us]|ISO time> <host> <ident>[<pid>]: <line>
//   kubectl logs --prefix                       [pod/<pod>/<container>] <line>    (--timestamps: then a time)
//   docker's json-file driver (its files)       {"log":"<line>\n","stream":…,"time":…}
//                                               (no \n at the end: the line goes on in the next entry)
//   journalctl -o json                          {"__CURSOR":…,…,"MESSAGE":"<line>",…} (MESSAGE may be
//                                               its bytes, as an array of numbers)
//
// A file's envelope is the first that one of its lines is in *and* whose inside is a record of a
// known format (so a plain log whose message happens to look like one is left alone); from then
// on the envelope is taken off every line that is in it, and lines that are not (journald's
// `-- Boot … --`) are read as they are.

/** The collectors whose envelopes deadair takes off. */
export type EnvelopeId =
  'docker' | 'cri' | 'compose' | 'journald' | 'kubectl' | 'docker-json' | 'journald-json';

/** What they are called where a file's format is named. */
export const ENVELOPE_NAMES: Record<EnvelopeId, string> = {
  docker: 'docker logs -t',
  cri: 'container runtime (CRI)',
  compose: 'docker compose',
  journald: 'journald',
  kubectl: 'kubectl --prefix',
  'docker-json': 'docker json-file',
  'journald-json': 'journalctl -o json',
};

const ANSI = '(?:\\x1b\\[[0-9;]*m)*';
const RFC3339 = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)';

/** How the JSON envelopes' objects start: their first key (docker's json-file, journalctl -o json). */
const DOCKER_JSON = '{"log":';
const JOURNALD_JSON = '{"__CURSOR":';

/** A line out of an envelope given by the pattern of its prefix (the line's own text follows it). */
function prefix(re: RegExp): (text: string) => Unwrapped | undefined {
  return (text) => {
    const m = re.exec(text);
    if (!m) return undefined;
    const g = m.groups;
    return { text: text.slice(m[0].length), key: g?.key ?? '', partial: g?.part === 'P' };
  };
}

/** A line out of a JSON envelope, when it starts as that envelope's objects do. */
function json(head: string, unwrap: (o: Record<string, unknown>) => Unwrapped | undefined) {
  return (text: string): Unwrapped | undefined => {
    if (!text.startsWith(head)) return undefined;
    const o = parsed(text);
    return o ? unwrap(o) : undefined;
  };
}

/**
 * Each envelope: `first`, whether a line's first character may start it, and `unwrap`, the line
 * out of it. `key` names the stream a line is of (a compose service, a journald process, a pod's
 * container, stdout or stderr): a record's continuation lines are of its stream, whatever other
 * streams wrote in between.
 */
const ENVELOPES: readonly {
  id: EnvelopeId;
  first: (c: number) => boolean;
  unwrap: (text: string) => Unwrapped | undefined;
}[] = [
  {
    id: 'cri',
    first: isDigit,
    unwrap: prefix(new RegExp(`^${RFC3339} (?<key>stdout|stderr) (?<part>[FP])(?: |$)`)),
  },
  {
    id: 'journald',
    first: (c) => isDigit(c) || (c >= 65 && c <= 90),
    unwrap: prefix(
      new RegExp(
        `^(?:[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?|${RFC3339}) (?<key>\\S+ [^\\s\\[\\]:]+(?:\\[\\d+\\])?):(?: |$)`,
      ),
    ),
  },
  {
    id: 'compose',
    first: (c) => c === 27 || isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
    // The service name padded to the longest one, coloured when compose wrote to a terminal.
    unwrap: prefix(
      new RegExp(`^${ANSI}(?<key>[A-Za-z0-9][\\w.-]*)${ANSI} *${ANSI}\\|${ANSI}(?: |$)(?:${RFC3339} )?`),
    ),
  },
  {
    id: 'kubectl',
    first: (c) => c === 91,
    unwrap: prefix(new RegExp(`^\\[pod/(?<key>[^\\]\\s/]+/[^\\]\\s]+)\\](?: |$)(?:${RFC3339} )?`)),
  },
  { id: 'docker', first: isDigit, unwrap: prefix(new RegExp(`^${RFC3339}(?: |$)`)) },
  { id: 'docker-json', first: (c) => c === 123, unwrap: json(DOCKER_JSON, dockerJson) },
  { id: 'journald-json', first: (c) => c === 123, unwrap: json(JOURNALD_JSON, journaldJson) },
];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A line taken out of its envelope: its own text, its stream, and whether it goes on. */
export interface Unwrapped {
  text: string;
  /** The stream it is of (see ENVELOPES); '' when the envelope names none. */
  key: string;
  /** CRI's `P`: this entry is part of a line the next entry goes on with. */
  partial: boolean;
}

/** The envelope `text` is in, with what is inside it; undefined when it is in none. */
export function findEnvelope(text: string): { id: EnvelopeId; inner: Unwrapped } | undefined {
  const c = text.charCodeAt(0);
  for (const e of ENVELOPES) {
    if (!e.first(c)) continue;
    const inner = e.unwrap(text);
    if (inner) return { id: e.id, inner };
  }
  return undefined;
}

const BY_ID = new Map(ENVELOPES.map((e) => [e.id, e]));

/** `text` out of envelope `id`; undefined when it is not in it. */
export function unwrapWith(id: EnvelopeId, text: string): Unwrapped | undefined {
  const e = BY_ID.get(id);
  return e && e.first(text.charCodeAt(0)) ? e.unwrap(text) : undefined;
}

/** Is this line, starting with `{`, one of the JSON envelopes (checked before a JSON record)? */
export function jsonEnvelope(text: string): boolean {
  return text.startsWith(DOCKER_JSON) || text.startsWith(JOURNALD_JSON);
}

function parsed(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function dockerJson(o: Record<string, unknown>): Unwrapped | undefined {
  if (typeof o.log !== 'string') return undefined;
  const log = o.log;
  const ends = log.endsWith('\n');
  const line = ends ? log.slice(0, log.endsWith('\r\n') ? -2 : -1) : log;
  return { text: line, key: typeof o.stream === 'string' ? o.stream : '', partial: !ends };
}

function journaldJson(o: Record<string, unknown>): Unwrapped | undefined {
  const m = o.MESSAGE;
  // Not UTF-8 (or with control characters): its bytes; too large to keep: null.
  const message =
    typeof m === 'string'
      ? m
      : Array.isArray(m) && m.every((b) => typeof b === 'number')
        ? Buffer.from(m as number[]).toString('utf8')
        : undefined;
  if (message === undefined) return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    // (A message of several lines is split into them by the parser.)
    text: message.replace(/\r?\n$/, ''),
    key: `${str(o._HOSTNAME)} ${str(o.SYSLOG_IDENTIFIER) || str(o._COMM)}[${str(o._PID)}]`,
    partial: false,
  };
}
