// Logs read through a collector (docker logs -t, the CRI files of Kubernetes, docker compose,
// journald, kubectl --prefix) say what the same logs say read straight from the agent: every real
// fixture, wrapped line by line the way each collector writes it, gives the same sessions, findings
// and turns as the fixture itself.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileParser } from '../src/core/formats/parser.js';
import { Pipeline } from '../src/core/pipeline.js';
import { rawLines } from './support/lines.js';
import { ROOT, runCli } from './support/cli.js';
// @ts-expect-error: the benchmark's generator is plain JavaScript
import { generate } from '../bench/generate.mjs';

const BASE = Date.UTC(2026, 11, 5, 12);

/** Every real log the suite keeps: agents-js and livekit-agents, each format and version. */
function fixtures(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(log|jsonl)$/.test(name)) out.push(p);
    }
  };
  for (const d of ['real', 'real-livekit', 'python-real', 'python']) walk(join(ROOT, 'test/fixtures', d));
  return out;
}

const iso = (i: number) => new Date(BASE + i * 7).toISOString().replace('Z', '123456Z');

/** Each collector's way of writing the agent's line `i` (a wrapper may split it or add lines). */
const WRAPPERS: Record<string, (line: string, i: number) => string[]> = {
  'docker logs -t': (l, i) => [`${iso(i)} ${l}`],
  // containerd writes a long line in parts of 16 KiB, each but the last marked P: parts of 23 here.
  cri: (l, i) => {
    const parts: string[] = [];
    for (let at = 0; at + 23 < l.length; at += 23) parts.push(`${iso(i)} stderr P ${l.slice(at, at + 23)}`);
    parts.push(`${iso(i)} stderr F ${l.slice(Math.floor(Math.max(0, l.length - 1) / 23) * 23)}`);
    return parts;
  },
  'docker compose': (l) => [l === '' ? 'agent-1  |' : `agent-1  | ${l}`],
  'docker compose -t': (l, i) => [`agent-1  | ${iso(i)} ${l}`],
  // Another service writes between every two lines of the agent's: between a record's header and
  // its fields, inside a traceback. Each service's lines are read as a stream of their own.
  'docker compose, two services': (l, i) => [`agent-1    | ${l}`, `${OTHER} ${i} {"room": "r"}`],
  'journald, two processes': (l, i) => [
    `Dec 05 13:00:00 devbox python3[4242]: ${l}`,
    `Dec 05 13:00:00 devbox python3[4243]: ${i}    at Object.<anonymous> (/app/other.js:1:1)`,
  ],
  journald: (l) => [`Dec 05 13:00:00 devbox python3[4242]:${l === '' ? '' : ' ' + l}`],
  'journald short-iso': (l) => [`2026-12-05T13:00:00+0000 devbox node[4242]: ${l}`],
  'kubectl --prefix --timestamps': (l, i) => [`[pod/agent-7d9f5/agent] ${iso(i)} ${l}`],
  // The json-file driver writes a long line in parts of 16 KiB, each but the last without its
  // newline: parts of 31 here.
  'docker json-file': (l, i) => {
    const parts: string[] = [];
    for (let at = 0; at + 31 < l.length; at += 31)
      parts.push(JSON.stringify({ log: l.slice(at, at + 31), stream: 'stderr', time: iso(i) }));
    const last = l.slice(Math.floor(Math.max(0, l.length - 1) / 31) * 31);
    parts.push(JSON.stringify({ log: last + '\n', stream: 'stderr', time: iso(i) }));
    return parts;
  },
  // journald keeps a message with control characters (colours) as its bytes.
  'journalctl -o json': (l, i) => [
    JSON.stringify({
      __CURSOR: `s=7a1b;i=${i}`,
      __REALTIME_TIMESTAMP: String((BASE + i) * 1000),
      __MONOTONIC_TIMESTAMP: String(i * 1000),
      _BOOT_ID: 'b00t',
      PRIORITY: '6',
      _HOSTNAME: 'devbox',
      SYSLOG_IDENTIFIER: 'python3',
      _PID: '4242',
      MESSAGE: /[\x00-\x08\x0b-\x1f\x7f]/.test(l) ? [...Buffer.from(l)] : l,
    }),
  ],
};

const OTHER = 'livekit-1  | 2026-12-05T13:00:00.000Z\tINFO\tlivekit\tservice/roommanager.go:413\troom event';

/** What each collector writes before the agent's first line (other services, its own notes). */
const LEAD: Record<string, string[]> = {
  'docker compose': ['livekit-1  | 2026/12/05 13:00:00 INFO starting LiveKit server {"version": "1.9"}'],
  journald: [
    '-- Journal begins at Sat 2026-12-05 12:00:00 UTC, ends at Sat 2026-12-05 14:00:00 UTC. --',
    'Dec 05 12:59:59 devbox systemd[1]: Started agent.service - LiveKit voice agent.',
  ],
};

function analyze(file: string, text: string) {
  const p = new Pipeline({ baseTime: () => BASE });
  p.push(rawLines(text, file));
  p.drained(file);
  p.end();
  p.conclude();
  const sessions = p.sessions().map((s) => ({
    ...s,
    files: undefined,
    causes: s.causes.map((c) => ({ ...c, evidence: c.evidence.map((e) => e.line) })),
    waiting: s.waiting && { ...s.waiting, file: undefined },
  }));
  const stats = p.files()[0];
  return { sessions, formats: stats?.formats ?? {} };
}

describe('logs read through a collector', () => {
  const files = fixtures();

  it('has real fixtures of every format to wrap', () => {
    const formats = new Set(
      files
        .flatMap((f) => Object.keys(analyze(f, readFileSync(f, 'utf8')).formats))
        .filter((f) => f !== 'raw'),
    );
    expect([...formats].sort()).toEqual([
      'pino-json',
      'pino-pretty',
      'python-console',
      'python-json',
      'python-text',
    ]);
  });

  for (const [name, wrap] of Object.entries(WRAPPERS)) {
    it(`${name}: the same sessions, findings and turns as the logs themselves`, () => {
      let compared = 0;
      for (const f of files) {
        const text = readFileSync(f, 'utf8');
        const lines = text.split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        const wrapped = [...(LEAD[name] ?? []), ...lines.flatMap((l, i) => wrap(l, i))].join('\n') + '\n';
        // Line numbers name the collector's lines: compare findings by what they say, not where.
        const strip = (r: ReturnType<typeof analyze>) =>
          JSON.parse(
            JSON.stringify(r.sessions, (k, v: unknown) => (k === 'evidence' || k === 'line' ? undefined : v)),
          );
        const plain = analyze(f, text);
        const read = analyze(f, wrapped);
        expect(strip(read), `${relative(ROOT, f)} through ${name}`).toEqual(strip(plain));
        const { raw: rawPlain = 0, ...known } = plain.formats;
        const { raw: rawRead = 0, ...knownRead } = read.formats;
        expect(knownRead, relative(ROOT, f)).toEqual(known);
        // The collector's and the other streams' lines are kept as raw lines; none of the agent's
        // becomes one.
        const others = (LEAD[name] ?? []).length + (/two/.test(name) ? lines.length : 0);
        expect(rawRead - rawPlain, relative(ROOT, f)).toBe(others);
        compared += plain.sessions.length;
      }
      expect(compared).toBeGreaterThan(40);
    });
  }

  it("gives another service's lines the file's last time, as a log read bare gives its raw lines", () => {
    const p = new FileParser('/l/c.log');
    const lines = rawLines(
      [
        `agent-1    | {"level":30,"time":1796479181956,"pid":7,"hostname":"h","msg":"Creating speech handle"}`,
        `${OTHER} 1`,
        `agent-1    | {"level":30,"time":1796479182956,"pid":7,"hostname":"h","msg":"playout completed without interruption"}`,
        `${OTHER} 2`,
      ].join('\n'),
      '/l/c.log',
    );
    const times: string[] = [];
    const emit = (e: { format: string; time: number }) => times.push(`${e.format} ${e.time}`);
    for (const l of lines) p.push(l, emit);
    p.flush(emit);
    expect(p.envelope).toBe('compose');
    expect(times.sort()).toEqual(
      ['pino-json 1796479181956', 'pino-json 1796479182956', 'raw 1796479181956', 'raw 1796479182956'].sort(),
    );
  });

  it('keeps a checkpoint before a record still held while lines in an envelope wait to be known', () => {
    const p = new FileParser('/l/w.log');
    const lines = rawLines(
      ['[13:00:00.000] INFO (7): a record whose fields may follow', `${OTHER} 1`, `${OTHER} 2`].join('\n'),
      '/l/w.log',
    );
    for (const l of lines) p.push(l, () => undefined);
    expect(p.envelope).toBeUndefined();
    expect(p.heldStart()).toEqual({ offset: 0, line: 0 });
  });

  it('leaves alone a log whose lines only look like an envelope', () => {
    // A plain Python dev log that quotes a compose line and a journald line in its messages.
    const p = new FileParser('/l/a.log');
    const lines = rawLines(
      [
        'agent-1  | hello there',
        'Dec 05 13:00:00 devbox python3[1]: not a record inside',
        '2026-12-05 13:00:00,100 - INFO livekit.agents - starting worker {"version": "1.8.9"}',
      ].join('\n'),
      '/l/a.log',
    );
    const events: string[] = [];
    for (const l of lines) p.push(l, (e) => events.push(`${e.format} ${e.message}`));
    p.flush((e) => events.push(`${e.format} ${e.message}`));
    expect(p.envelope).toBeUndefined();
    expect(events).toEqual([
      'raw agent-1  | hello there',
      'raw Dec 05 13:00:00 devbox python3[1]: not a record inside',
      'python-text starting worker',
    ]);
  });
});

describe('deadair analyze of a log read through a collector', () => {
  it("says which collector, and reads a file past the bulk reader's size as it reads it bare", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deadair-envelope-'));
    try {
      // 10 MB of agents-js production JSON: read ahead and in bulk when bare, line by line wrapped.
      const bare = join(dir, 'agent.log');
      await generate('json', bare, 10_000_000);
      const lines = readFileSync(bare, 'utf8').split('\n');
      lines.pop();
      const wrapped = join(dir, 'compose.log');
      writeFileSync(
        wrapped,
        [
          'livekit-1  | 2026-12-05T13:00:00.000000000Z 2026/12/05 13:00:00 INFO starting LiveKit server',
          ...lines.map((l, i) => `agent-1    | ${iso(i)} ${l}`),
        ].join('\n') + '\n',
      );
      type Out = {
        sessions: { id: string; verdict: string; causes: { cause: string; count: number; time: string }[] }[];
        summary: { files: { format: string; envelope: string | null }[]; rawLines: number };
      };
      const read = async (file: string) => {
        const r = await runCli(['analyze', '--json', file], { cwd: dir });
        return JSON.parse(r.stdout) as Out;
      };
      const [a, b] = [await read(bare), await read(wrapped)];
      const brief = (o: Out) =>
        o.sessions.map((s) => [s.id, s.verdict, s.causes.map((c) => [c.cause, c.count, c.time])]);
      expect(a.sessions.length).toBeGreaterThan(100);
      expect(brief(b)).toEqual(brief(a));
      expect(a.summary.files).toEqual([expect.objectContaining({ format: 'pino-json', envelope: null })]);
      expect(b.summary.files).toEqual([
        expect.objectContaining({ format: 'pino-json', envelope: 'compose' }),
      ]);
      expect(b.summary.rawLines).toBe(1);
      const text = await runCli(['analyze', wrapped], { cwd: dir, env: { NO_COLOR: '1' } });
      expect(text.stdout.split('\n')[0]).toBe(
        'deadair analyze — 1 file: compose.log (pino-json in docker compose)',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
