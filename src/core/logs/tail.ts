// Log sources: read files, directories and globs to the end (`analyze`), or follow them like
// `tail -F` (`watch`): appends, a partial last line held until its newline, rotation by rename +
// create (the old file is drained first), copytruncate / truncation, deletion and re-creation, new
// files appearing. Event-driven (fs.watch on the directories) with a bounded polling fallback,
// because fs.watch misses events on some filesystems. One file's problem never stops the others.

import { constants, fstatSync, openSync, readSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { Socket } from 'node:net';
import { dirname } from 'node:path';
import { createGunzip } from 'node:zlib';
import { sniff, Utf16ToUtf8, type Encoding } from './encoding.js';
import { absolute, globBase, globToRegExp, isGlob, LOG_FILE_RULE, sortLogFiles, walk } from './glob.js';
import { LineSplitter, type ChunkScanner, type ChunkSource } from './lines.js';
import type { RawLine, SourcePosition, SourceProblem } from './types.js';

export interface TailOptions {
  paths: string[];
  /** Read what the files already hold first; otherwise start at their end. */
  fromStart: boolean;
  /** Keep following (watch) or finish at the end of every file (analyze). */
  follow: boolean;
  maxLineBytes?: number;
  /** Bytes read at a time (default 64 KiB: a buffer that stays in the CPU's cache reads faster). */
  chunkBytes?: number;
  pollIntervalMs?: number;
  /** Resume exactly here: a file whose device and inode match continues at its offset. */
  positions?: SourcePosition[];
  /**
   * Reading to the end only: lines may be LazyLines, decoded when their text is read — which must
   * happen inside onLines (the read buffer is reused for the next chunk).
   */
  lazyLines?: boolean;
  /**
   * Reading to the end with lazy lines: a scanner per file that takes runs of lines straight from
   * the bytes (see ChunkScanner); only the lines it stops at reach onLines, in order.
   */
  scanner?(file: string): ChunkScanner | undefined;
  onLines(lines: RawLine[]): void;
  /** Bytes of `file` read so far (analyze's progress: most lines never reach onLines). */
  onRead?(file: string, pos: number): void;
  /**
   * The file has no more bytes for now: a parser may complete a held multi-line record. Following,
   * once the file has stayed quiet for `quietMs` after its last bytes (a record's continuation lines
   * may come in the writer's next write), and at once before it is rotated, truncated or deleted.
   */
  onDrained?(file: string): void;
  /**
   * Following, the file was read to its current end (onDrained comes after the quiet period): a
   * parser completes at once a held record that cannot take more lines (a JSON line), so that its
   * finding does not wait for the quiet period.
   */
  onCaughtUp?(file: string): void;
  /** Following, how long a file (or stream) must stay quiet before it counts as drained (QUIET_MS). */
  quietMs?: number;
  /** `ended`: standard input ended (following it, nothing more can come from it). */
  onFileEvent?(
    file: string,
    event: 'opened' | 'rotated' | 'truncated' | 'deleted' | 'created' | 'ended',
  ): void;
  onProblem(p: SourceProblem): void;
  /** What `-` reads (default: the process's standard input). */
  stdin?: NodeJS.ReadableStream;
}

/** The name lines read from standard input (`-`) carry. */
export const STDIN_NAME = '<stdin>';

export interface Tail {
  /** Resolves when every file was read to its end (follow = false), or after stop(). */
  done: Promise<void>;
  /** Resolves once the initial files are open and watched: lines appended after it are seen. */
  ready: Promise<void>;
  stop(): Promise<void>;
  positions(): SourcePosition[];
}

const CHUNK = 64 * 1024;
/**
 * Following, how long a file or stream must stay quiet after its last bytes before it counts as
 * drained: a writer may print a record's header and its continuation lines (pino-pretty's fields, a
 * traceback) in separate writes, and the reader may read between them. Short beside any detector's
 * threshold; long beside the moment between two writes of one record.
 */
export const QUIET_MS = 300;
/**
 * Reading ahead on another thread (analyze), chunks of 256 KiB: fewer hand-overs between the
 * threads, and fewer lines split across two chunks (the bulk reader leaves those to the full path).
 */
const AHEAD_CHUNK = 256 * 1024;
/**
 * Reading ahead, the start of the file is read here while the worker starts (it takes tens of
 * milliseconds) and the worker begins after it: a sixteenth of the file, at most 4 MiB.
 */
const AHEAD_HEAD_MAX = 4 * 1024 * 1024;

type Spec =
  | { kind: 'file'; path: string }
  | { kind: 'dir'; path: string }
  | { kind: 'glob'; base: string; re: RegExp; deep: boolean }
  /** Standard input (`-`), or a named pipe: read as a stream, never opened blocking. */
  | { kind: 'stream'; path: string };

interface Source {
  path: string;
  fh: FileHandle | undefined;
  dev: number;
  ino: number;
  /** Birth (or change) time: with dev and ino, tells a recycled inode from the one we read. */
  born: number;
  pos: number;
  splitter: LineSplitter;
  scanner: ChunkScanner | undefined;
  /** Reading to the end: chunks the scanner reads ahead (asked for once), from `aheadFrom` on. */
  ahead?: ChunkSource | null;
  aheadFrom: number;
  queue: Promise<void>;
  /** Following: when it has stayed quiet long enough to count as drained (see QUIET_MS). */
  quiet?: NodeJS.Timeout;
  gone: boolean;
  /** Not plain UTF-8: decoded while read (reading to the end only). */
  encoding: Encoding;
}

export function describeError(e: unknown, path: string): SourceProblem {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code;
  const what: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'is a directory',
    ELOOP: 'too many levels of symbolic links',
    ENOTDIR: 'a part of the path is not a directory',
    EMFILE: 'too many open files',
    EIO: 'input/output error',
    EFORMAT: 'not a text log',
  };
  const detail = (e as { detail?: string } | undefined)?.detail;
  const reason = detail ?? (code && what[code]) ?? err?.message ?? String(e);
  const p: SourceProblem = { path, message: `cannot read ${path}: ${reason}` };
  if (code === 'ENOENT') p.message = `no such file or directory: ${path}`;
  if (code) p.code = code;
  return p;
}

function specsOf(paths: string[]): Spec[] {
  return paths.map((p): Spec => {
    if (p === '-') return { kind: 'stream', path: '-' };
    if (isGlob(p)) {
      const abs = absolute(p);
      return { kind: 'glob', base: globBase(abs), re: globToRegExp(abs), deep: abs.includes('**') };
    }
    return { kind: 'file', path: absolute(p) };
  });
}

/** Resolve file specs that are directories. */
async function classify(specs: Spec[]): Promise<Spec[]> {
  const out: Spec[] = [];
  for (const s of specs) {
    if (s.kind === 'file') {
      try {
        const st = await stat(s.path);
        if (st.isDirectory()) {
          out.push({ kind: 'dir', path: s.path });
          continue;
        }
        if (st.isFIFO() || st.isSocket()) {
          out.push({ kind: 'stream', path: s.path });
          continue;
        }
      } catch {
        // missing or unreadable: reported when opened
      }
    }
    out.push(s);
  }
  return out;
}

async function filesOf(spec: Spec): Promise<string[]> {
  switch (spec.kind) {
    case 'file':
    case 'stream':
      return [spec.path];
    case 'dir':
      return walk(spec.path, undefined, false);
    case 'glob':
      return walk(spec.base, spec.re, spec.deep || spec.re.source.includes('/'));
  }
}

/** The files the given paths name now, and one problem per path that names none. */
export async function expandPaths(paths: string[]): Promise<{ files: string[]; problems: SourceProblem[] }> {
  const files: string[] = [];
  const problems: SourceProblem[] = [];
  const specs = await classify(specsOf(paths));
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i] as Spec;
    const given = paths[i] as string;
    if (spec.kind === 'stream') {
      files.push(spec.path);
      continue;
    }
    if (spec.kind === 'dir') {
      // An unreadable directory says so (not "no log files in it").
      try {
        await readdir(spec.path);
      } catch (e) {
        problems.push(describeError(e, given));
        continue;
      }
    }
    if (spec.kind === 'file') {
      try {
        const st = await stat(spec.path);
        if (!st.isFile()) problems.push({ path: given, message: `cannot read ${given}: not a regular file` });
        else files.push(spec.path);
      } catch (e) {
        problems.push(describeError(e, given));
      }
      continue;
    }
    const found = await filesOf(spec);
    if (found.length === 0) {
      problems.push({
        path: given,
        message:
          spec.kind === 'dir'
            ? `no log files in ${given} (looked for ${LOG_FILE_RULE})`
            : `no files match ${given}`,
        code: 'ENOENT',
      });
    }
    files.push(...found);
  }
  return { files: sortLogFiles(files), problems };
}

export function tail(opts: TailOptions): Tail {
  const sources = new Map<string, Source>();
  /** Inodes we already read under another name (rotated away): never re-read as new files. */
  const retired = new Set<string>();
  const reported = new Set<string>();
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  /** Following, past the first reading of the files: drained only after a quiet period. */
  let settling = false;
  const quietMs = Math.max(0, opts.quietMs ?? QUIET_MS);
  let specs: Spec[] = [];
  const chunk = Math.max(1, opts.chunkBytes ?? CHUNK);
  const buf = Buffer.allocUnsafe(chunk);
  const resume = new Map((opts.positions ?? []).map((p) => [p.file, p]));

  const problem = (e: unknown, path: string) => {
    const p = describeError(e, path);
    const key = `${path}\0${p.code ?? p.message}`;
    if (reported.has(key)) return;
    reported.add(key);
    opts.onProblem(p);
  };

  const key = (dev: number, ino: number, born: number) => `${dev}:${ino}:${born}`;

  async function openSource(
    path: string,
    fromStart: boolean,
    event: 'opened' | 'created',
  ): Promise<Source | undefined> {
    let fh: FileHandle | undefined;
    try {
      fh = await open(path, 'r');
      const st = await fh.stat();
      if (!st.isFile()) {
        await fh.close();
        problem(
          Object.assign(new Error('not a regular file'), { code: 'EISDIR', detail: 'not a regular file' }),
          path,
        );
        return undefined;
      }
      const born = st.birthtimeMs || st.ctimeMs;
      if (retired.has(key(st.dev, st.ino, born))) {
        await fh.close();
        return undefined;
      }
      // What the file is: a plain log, UTF-16, gzip, or something deadair must not read as text.
      const head = Buffer.alloc(Math.min(512, st.size));
      if (head.length > 0) await fh.read(head, 0, head.length, 0);
      const kind = sniff(head);
      if ('refuse' in kind || (kind.encoding !== 'utf8' && opts.follow)) {
        await fh.close();
        const what =
          'refuse' in kind
            ? `it is ${kind.refuse}`
            : kind.encoding === 'gzip'
              ? 'it is gzip-compressed: watch follows plain logs (read it with deadair analyze)'
              : `it is ${kind.encoding === 'utf16le' ? 'UTF-16LE' : 'UTF-16BE'}: watch follows UTF-8 logs (iconv -f UTF-16 -t UTF-8, or read it with deadair analyze)`;
        problem(Object.assign(new Error(what), { code: 'EFORMAT', detail: what }), path);
        return undefined;
      }
      const encoding = kind.encoding;
      let pos = fromStart ? 0 : st.size;
      // A UTF-8 byte-order mark is not part of the first line.
      if (pos === 0 && encoding === 'utf8') pos = kind.bom;
      let line = 0;
      const saved = resume.get(path);
      if (saved && saved.dev === st.dev && saved.ino === st.ino && saved.offset <= st.size) {
        pos = saved.offset;
        line = saved.line;
      } else if (saved) {
        // Rotated or truncated while we were away: everything in it is new to us.
        pos = 0;
      } else if (pos > 0) {
        line = await countLines(fh, pos);
      }
      reported.forEach((k) => k.startsWith(path + '\0') && reported.delete(k));
      const src: Source = {
        path,
        fh,
        dev: st.dev,
        ino: st.ino,
        born,
        pos,
        splitter: new LineSplitter(path, {
          maxLineBytes: opts.maxLineBytes,
          offset: pos,
          line,
          lazy: opts.lazyLines === true && !opts.follow,
        }),
        scanner: opts.lazyLines === true && !opts.follow ? opts.scanner?.(path) : undefined,
        aheadFrom: 0,
        queue: Promise.resolve(),
        gone: false,
        encoding,
      };
      if (encoding !== 'utf8') src.scanner = undefined; // decoded bytes: the plain path
      sources.set(path, src);
      opts.onFileEvent?.(path, event);
      return src;
    } catch (e) {
      await fh?.close().catch(() => undefined);
      if (!(opts.follow && (e as NodeJS.ErrnoException).code === 'ENOENT' && event === 'created'))
        problem(e, path);
      return undefined;
    }
  }

  async function countLines(fh: FileHandle, end: number): Promise<number> {
    let n = 0;
    for (let pos = 0; pos < end;) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(chunk, end - pos), pos);
      if (bytesRead === 0) break;
      for (let i = buf.indexOf(10, 0); i >= 0 && i < bytesRead; i = buf.indexOf(10, i + 1)) n++;
      pos += bytesRead;
    }
    return n;
  }

  /** Hand a chunk of a source's (decoded) bytes to its splitter, and its lines on. */
  function feed(src: Source, bytes: Buffer): void {
    let batch: RawLine[] = [];
    const scanner = src.scanner;
    src.splitter.push(
      bytes,
      (l) => batch.push(l),
      scanner && {
        scanner,
        before() {
          // The scanner's lines come after the ones split before it: hand those over first.
          if (batch.length > 0) {
            opts.onLines(batch);
            batch = [];
          }
        },
      },
    );
    if (batch.length > 0) opts.onLines(batch);
  }

  /** Reading to the end, a gzip or UTF-16 file: decoded as it is read (offsets are decoded bytes). */
  async function drainDecoded(src: Source, fh: FileHandle): Promise<void> {
    const raw = fh.createReadStream({ start: src.pos, autoClose: false, highWaterMark: chunk });
    try {
      if (src.encoding === 'gzip') {
        for await (const bytes of raw.pipe(createGunzip())) feed(src, bytes as Buffer);
      } else {
        const conv = new Utf16ToUtf8(src.encoding === 'utf16be');
        let first = true;
        for await (const b of raw) {
          let bytes = b as Buffer;
          // The byte-order mark is not text.
          if (
            first &&
            bytes.length >= 2 &&
            (bytes[0] === 0xff || bytes[0] === 0xfe) &&
            (bytes[1] === 0xfe || bytes[1] === 0xff)
          )
            bytes = bytes.subarray(2);
          first = false;
          feed(src, conv.push(bytes));
        }
        feed(src, conv.push(new Uint8Array(0), true));
      }
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code?.startsWith('Z_')
        ? 'the gzip data is damaged'
        : undefined;
      problem(
        why ? Object.assign(new Error(why), { code: 'EFORMAT', detail: `${why} (read up to there)` }) : e,
        src.path,
      );
    }
    src.pos = Number.MAX_SAFE_INTEGER; // read once, to the end
    opts.onRead?.(src.path, raw.bytesRead);
    opts.onDrained?.(src.path);
  }

  /** Read from the source's position to the current end of its file. */
  async function drain(src: Source): Promise<void> {
    const fh = src.fh;
    if (!fh) return;
    if (src.encoding !== 'utf8') {
      if (src.pos !== Number.MAX_SAFE_INTEGER) await drainDecoded(src, fh);
      return;
    }
    if (src.ahead === undefined && src.scanner?.readAhead && !opts.follow) {
      let size = 0;
      try {
        size = fstatSync(fh.fd).size;
      } catch {
        // read it here; reading will say what is wrong
      }
      // Chunks read ahead are larger: each is handed from thread to thread. The first ones are
      // read here, in chunks of the usual size, while the worker starts.
      const ahead = opts.chunkBytes ?? AHEAD_CHUNK;
      const head = Math.min(AHEAD_HEAD_MAX, Math.floor(Math.max(0, size - src.pos) / 16 / chunk) * chunk);
      src.aheadFrom = src.pos + head;
      src.ahead = src.scanner.readAhead(fh.fd, src.aheadFrom, ahead, src.splitter.maxLine, size) ?? null;
    }
    for (;;) {
      if (stopped && opts.follow) return;
      let bytes: Buffer;
      try {
        if (src.ahead && src.pos >= src.aheadFrom) {
          const b = src.ahead.next();
          if (b === null) {
            // It stopped: read the rest here, from where its last chunk ended.
            src.ahead = null;
            continue;
          }
          if (b.length === 0) src.ahead = null;
          bytes = b;
        } else {
          // Reading to the end (analyze), a synchronous read skips a promise per chunk; up to
          // where the worker reads from, when it does.
          const want = src.ahead ? Math.min(chunk, src.aheadFrom - src.pos) : chunk;
          const n = opts.follow
            ? (await fh.read(buf, 0, want, src.pos)).bytesRead
            : readSync(fh.fd, buf, 0, want, src.pos);
          bytes = buf.subarray(0, n);
        }
      } catch (e) {
        src.ahead = null;
        problem(e, src.path);
        return;
      }
      const bytesRead = bytes.length;
      if (bytesRead === 0) break;
      src.pos += bytesRead;
      feed(src, bytes);
      opts.onRead?.(src.path, src.pos);
    }
    drained(src);
  }

  /**
   * The source has no more bytes for now. Reading to the end, or reading what the files held at the
   * start, it is drained; following, once it has stayed quiet for `quietMs` (each read starts the
   * wait again), so that the next write may still continue the record its last lines began.
   */
  function drained(src: Source): void {
    unquiet(src);
    if (!settling) {
      opts.onDrained?.(src.path);
      return;
    }
    if (stopped) return;
    opts.onCaughtUp?.(src.path);
    src.quiet = setTimeout(() => {
      src.quiet = undefined;
      void enqueue(src, () => settle(src));
    }, quietMs);
  }

  function unquiet(src: Source): void {
    if (src.quiet === undefined) return;
    clearTimeout(src.quiet);
    src.quiet = undefined;
  }

  /** The quiet period of a followed source passed. */
  async function settle(src: Source): Promise<void> {
    const current = () => !stopped && src.quiet === undefined && sources.get(src.path) === src;
    if (!current()) return;
    // Bytes written meanwhile that no event announced yet (polling is slower) may continue the record:
    // read first. Reading them starts another quiet period; a rotation or truncation drains at once.
    await refresh(src);
    if (current()) opts.onDrained?.(src.path);
  }

  /** Drained now, before the file is read no more (rotated, deleted) or from its start again. */
  function drainedNow(src: Source): void {
    unquiet(src);
    opts.onDrained?.(src.path);
  }

  async function close(src: Source): Promise<void> {
    const fh = src.fh;
    src.fh = undefined;
    src.ahead?.close();
    src.ahead = null;
    await fh?.close().catch(() => undefined);
  }

  /** Look at a followed file again: new bytes, truncation, rotation, deletion. */
  async function refresh(src: Source): Promise<void> {
    if (stopped) return;
    let st;
    try {
      st = await stat(src.path);
    } catch {
      if (!src.gone) {
        // Deleted or renamed away: read what the writer left, then wait for the name to return.
        await drain(src);
        flushPartial(src);
        drainedNow(src);
        src.gone = true;
        // Renamed (still linked somewhere): never read it again under its new name.
        const links = await src.fh
          ?.stat()
          .then((s) => s.nlink)
          .catch(() => 0);
        if (links) retired.add(key(src.dev, src.ino, src.born));
        await close(src);
        sources.delete(src.path);
        opts.onFileEvent?.(src.path, 'deleted');
      }
      return;
    }
    if (st.ino !== src.ino || st.dev !== src.dev) {
      await drain(src);
      flushPartial(src);
      drainedNow(src);
      retired.add(key(src.dev, src.ino, src.born));
      await close(src);
      sources.delete(src.path);
      const next = await openSource(src.path, true, 'created');
      if (next) {
        opts.onFileEvent?.(src.path, 'rotated');
        await drain(next);
      }
      return;
    }
    if (st.size < src.pos) {
      // Truncated in place (copytruncate): what was read of it is complete; start over from the beginning.
      drainedNow(src);
      src.pos = 0;
      src.splitter = new LineSplitter(src.path, { maxLineBytes: opts.maxLineBytes });
      opts.onFileEvent?.(src.path, 'truncated');
    }
    if (st.size > src.pos) await drain(src);
  }

  function flushPartial(src: Source): void {
    const batch: RawLine[] = [];
    src.splitter.flush((l) => batch.push(l));
    if (batch.length > 0) opts.onLines(batch);
  }

  function enqueue(src: Source, job: () => Promise<void>): Promise<void> {
    src.queue = src.queue.then(job, job);
    return src.queue;
  }

  let scanning: Promise<void> | undefined;
  let rescan = false;
  /** Check every followed file, and look for new ones. Coalesces bursts of fs events. */
  function check(): Promise<void> {
    if (scanning) {
      rescan = true;
      return scanning;
    }
    scanning = (async () => {
      do {
        rescan = false;
        await Promise.all([...sources.values()].map((s) => enqueue(s, () => refresh(s))));
        await discover();
      } while (rescan && !stopped);
    })().finally(() => {
      scanning = undefined;
    });
    return scanning;
  }

  async function discover(): Promise<void> {
    for (const spec of specs) {
      if (stopped) return;
      if (spec.kind === 'stream') continue;
      for (const f of await filesOf(spec)) {
        if (sources.has(f)) continue;
        const src = await openSource(f, true, 'created');
        if (src) await enqueue(src, () => drain(src));
      }
    }
  }

  function watchDir(dir: string): void {
    try {
      const w = fsWatch(dir, { persistent: true }, () => void check());
      w.on('error', () => undefined); // the directory went away: polling carries on
      watchers.push(w);
    } catch {
      // cannot watch (missing, or too many watches): polling carries on
    }
  }

  /** Streams being followed, and how to end each one's current read. */
  const streams: Promise<void>[] = [];
  const endStream = new Set<() => void>();

  /**
   * Standard input or a named pipe, read as a stream: opened without blocking (so a pipe nobody
   * writes yet holds nothing up, and Ctrl-C stops at once). Following, a pipe whose writer closed
   * is opened again for the next writer; reading to the end, its end is the end.
   */
  async function readStream(path: string): Promise<void> {
    const name = path === '-' ? STDIN_NAME : path;
    const src: Source = {
      path: name,
      fh: undefined,
      dev: 0,
      ino: 0,
      born: 0,
      pos: 0,
      splitter: new LineSplitter(name, { maxLineBytes: opts.maxLineBytes }),
      scanner: undefined,
      aheadFrom: 0,
      queue: Promise.resolve(),
      gone: false,
      encoding: 'utf8',
    };
    opts.onFileEvent?.(name, 'opened');
    for (;;) {
      let stream: NodeJS.ReadableStream;
      try {
        stream =
          path === '-'
            ? (opts.stdin ?? process.stdin)
            : new Socket({ fd: openSync(path, constants.O_RDONLY | constants.O_NONBLOCK), readable: true });
      } catch (e) {
        problem(e, name);
        return;
      }
      await new Promise<void>((resolve) => {
        let idle: NodeJS.Timeout | undefined;
        const drained = () => {
          // A multi-line record may continue in the next write; a pause completes it.
          if (idle) clearTimeout(idle);
          idle = setTimeout(() => opts.onDrained?.(name), quietMs);
        };
        const onData = (b: Buffer | string) => {
          feed(src, typeof b === 'string' ? Buffer.from(b) : b);
          opts.onCaughtUp?.(name);
          drained();
        };
        const finish = () => {
          if (idle) clearTimeout(idle);
          stream.off('data', onData);
          stream.off('end', finish);
          stream.off('error', onError);
          endStream.delete(finish);
          if (stream instanceof Socket) stream.destroy();
          else stream.pause();
          resolve();
        };
        const onError = (e: Error) => {
          problem(e, name);
          finish();
        };
        endStream.add(finish);
        stream.on('data', onData);
        stream.once('end', finish);
        stream.once('error', onError);
        stream.resume();
      });
      if (!opts.follow || stopped || path === '-') break;
      // The writer closed the pipe: wait for the next one.
      await new Promise((r) => setTimeout(r, 250));
      if (stopped) break;
    }
    flushPartial(src);
    opts.onDrained?.(name);
    if (path === '-' && opts.follow && !stopped) opts.onFileEvent?.(name, 'ended');
  }

  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const done = (async () => {
    specs = await classify(specsOf(opts.paths));
    const initial: string[] = [];
    for (const spec of specs) {
      if (spec.kind === 'stream') {
        // Followed at once, beside the files; read to its end after them when not following.
        if (opts.follow) streams.push(readStream(spec.path));
        continue;
      }
      const found = await filesOf(spec);
      if (found.length === 0 && spec.kind !== 'file' && !opts.follow)
        opts.onProblem({
          path: spec.kind === 'dir' ? spec.path : spec.base,
          message:
            spec.kind === 'dir'
              ? `no log files in ${spec.path} (looked for ${LOG_FILE_RULE})`
              : 'no files match the pattern',
          code: 'ENOENT',
        });
      initial.push(...found);
    }
    for (const f of sortLogFiles(initial)) {
      if (stopped) break;
      if (sources.has(f)) continue;
      const src = await openSource(f, opts.fromStart, 'opened');
      if (!src) continue;
      // A file resumed at a saved position: what was written meanwhile is read before `ready`.
      if (opts.fromStart || !opts.follow || resume.has(f)) await enqueue(src, () => drain(src));
      if (!opts.follow) {
        flushPartial(src);
        opts.onDrained?.(src.path);
        await close(src);
      }
    }
    if (!opts.follow) {
      for (const spec of specs) if (spec.kind === 'stream' && !stopped) await readStream(spec.path);
    }
    if (!opts.follow || stopped) {
      readyResolve();
      return;
    }
    // Explicit files watched even when missing: the agent may create its log later.
    const dirs = new Set<string>();
    for (const s of specs) {
      if (s.kind !== 'stream')
        dirs.add(s.kind === 'file' ? dirname(s.path) : s.kind === 'dir' ? s.path : s.base);
    }
    for (const d of dirs) watchDir(d);
    timer = setInterval(() => void check(), Math.max(50, opts.pollIntervalMs ?? 1000));
    // What the files held at the start was drained as it was read; from here on, writes are awaited.
    settling = true;
    readyResolve();
    await new Promise<void>((resolve) => {
      stopResolve = resolve;
      if (stopped) resolve();
    });
  })();

  let stopResolve: (() => void) | undefined;

  void done.catch(() => undefined).finally(readyResolve);
  return {
    done,
    ready,
    async stop() {
      stopped = true;
      stopResolve?.();
      for (const end of [...endStream]) end();
      await Promise.all(streams);
      await done.catch(() => undefined);
      if (timer) clearInterval(timer);
      for (const w of watchers) w.close();
      watchers.length = 0;
      await scanning;
      // A record still waiting for its continuation lines is the caller's to complete (the watcher
      // completes them all as it stops, and a restart reads it again from its start).
      await Promise.all(
        [...sources.values()].map((s) =>
          s.queue.then(() => {
            unquiet(s);
            return close(s);
          }),
        ),
      );
    },
    positions() {
      return [...sources.values()].map((s) => ({
        file: s.path,
        dev: s.dev,
        ino: s.ino,
        offset: s.splitter.offset,
        line: s.splitter.line,
      }));
    },
  };
}
