// Reading a log to its end (analyze), the bytes are read and classified on a worker thread while
// this one folds them: the worker (prefetch-worker.ts) reads the file ahead, chunk after chunk into
// the slots of a shared buffer, each with its records; this thread takes the chunks in order, as it
// would have read them itself (the same chunks, from the same descriptor), with the definitions of
// the ids first seen in each (posted by the worker, received with the chunk).
//
// Anything unexpected — no worker threads, a worker that does not answer — and the reader is done:
// the caller reads the rest of the file itself, and its chunks are classified here.

import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { PREFETCH_WORKER } from '../wasm/worker.generated.js';
import type { ChunkRecords, Prepared } from './bulk.js';
import { define, newIdSpace, REC_F64, REC_I32, type Definitions, type IdSpace } from './classifier.js';
import {
  ADDED,
  C_BYTES,
  C_CANCEL,
  C_COUNT,
  C_IDLE,
  C_JOB,
  C_POSTED,
  C_SEQ,
  C_STATE,
  C_TEXT,
  CONTROL_WORDS,
  FILLED,
  FREE,
  SLOTS,
  slotLayout,
  TAKEN,
  type Job,
  type Supplement,
} from './prefetch-shared.js';

/** How long to wait for the worker before reading on this thread instead. */
const PATIENCE_MS = 10_000;

/** Reads ahead only in files at least this large (a thread to start costs more than a small file). */
export const PREFETCH_MIN_BYTES = 8 * 1024 * 1024;

/** Chunks of one file, read and classified on the worker. */
export interface ChunkReader {
  /**
   * The next chunk (valid until the next call): empty at the end of the file; null when the
   * worker stopped answering (read the rest yourself, from where the last chunk ended). Throws
   * the error reading failed with.
   */
  next(): Buffer | null;
  /** The records of `buf` when it is the chunk `next` returned last. */
  records(buf: Buffer): ChunkRecords | null | undefined;
  /** Stop reading ahead (the file is closed, or reading stopped). */
  close(): void;
}

class Prefetcher {
  private readonly worker: Worker;
  readonly ctl: Int32Array;
  readonly port: MessagePort;
  /** Where the worker's Supplements come. */
  readonly extra: MessagePort;
  /** Supplements of the job being read received before their slot was, by chunk number. */
  readonly early = new Map<number, Prepared[] | undefined>();
  data: SharedArrayBuffer | undefined;
  private jobs = 0;
  /** A job was stopped part way: the worker must be idle before the next one starts. */
  private stopped = false;
  busy = false;
  broken = false;
  /** What the worker's ids mean (its tables last across jobs). */
  readonly space: IdSpace = newIdSpace();

  constructor() {
    const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
    // This thread must be allowed to wait (a browser's main thread is not): throws if not.
    Atomics.wait(new Int32Array(control), C_CANCEL, -1, 0);
    const { port1, port2 } = new MessageChannel();
    const extra = new MessageChannel();
    this.worker = new Worker(PREFETCH_WORKER, {
      eval: true,
      workerData: { control, port: port2, extra: extra.port2 },
      transferList: [port2, extra.port2],
    });
    this.extra = extra.port1;
    // It never keeps the process alive, and it is never waited for.
    this.worker.unref();
    this.worker.on('error', () => {
      this.broken = true;
    });
    this.ctl = new Int32Array(control);
    this.port = port1;
  }

  open(fd: number, pos: number, chunk: number, limit: number, formats: number): ChunkReader | undefined {
    if (this.busy || this.broken) return undefined;
    const ctl = this.ctl;
    if (this.stopped) {
      const deadline = Date.now() + PATIENCE_MS;
      while (Atomics.load(ctl, C_IDLE) !== 1) {
        if (Date.now() > deadline) {
          this.broken = true;
          return undefined;
        }
        Atomics.wait(ctl, C_IDLE, 0, 100);
      }
      this.stopped = false;
      // What it posted for chunks of that job that were never read.
      while (receiveMessageOnPort(this.port) !== undefined);
      while (receiveMessageOnPort(this.extra) !== undefined);
    }
    // Chunk numbers start again with each job.
    this.early.clear();
    const layout = slotLayout(chunk);
    let grown: SharedArrayBuffer | undefined;
    if (!this.data || this.data.byteLength < layout.size * SLOTS) {
      grown = new SharedArrayBuffer(layout.size * SLOTS);
      this.data = grown;
    }
    for (let s = 0; s < SLOTS; s++) ctl[C_STATE + s] = FREE;
    const job: Job = { id: ++this.jobs, fd, pos, chunk, limit, formats };
    if (grown) job.data = grown;
    this.port.postMessage(job);
    Atomics.add(ctl, C_JOB, 1);
    Atomics.notify(ctl, C_JOB);
    this.busy = true;
    return new Reader(this, job.id, this.data, layout);
  }

  /** The reader is done with its job: stopped part way (`early`) or at its end. */
  finish(id: number, early: boolean): void {
    this.busy = false;
    if (!early) return;
    this.stopped = true;
    Atomics.store(this.ctl, C_CANCEL, id);
    for (let s = 0; s < SLOTS; s++) Atomics.notify(this.ctl, C_STATE + s);
  }
}

class Reader implements ChunkReader {
  private slot = 0;
  /** The slot of the chunk handed out last, until the next call. */
  private held = -1;
  private done = false;
  private current: Buffer | undefined;
  private currentRecords: ChunkRecords | null = null;

  constructor(
    private readonly p: Prefetcher,
    private readonly id: number,
    private readonly data: SharedArrayBuffer,
    private readonly layout: ReturnType<typeof slotLayout>,
  ) {}

  next(): Buffer | null {
    if (this.done) return null;
    const ctl = this.p.ctl;
    this.release();
    const slot = this.slot;
    const deadline = Date.now() + PATIENCE_MS;
    let added = false;
    for (;;) {
      const state = Atomics.load(ctl, C_STATE + slot);
      // Taken from the worker's hands: it may be adding to a FILLED slot at this moment.
      if (state === FILLED && Atomics.compareExchange(ctl, C_STATE + slot, FILLED, TAKEN) === FILLED) break;
      if (state === ADDED) {
        Atomics.store(ctl, C_STATE + slot, TAKEN);
        added = true;
        break;
      }
      if (this.p.broken || Date.now() > deadline) {
        this.p.broken = true;
        this.stop(true);
        return null;
      }
      // Not filled yet, or the worker is adding to it (a few milliseconds).
      if (state !== FILLED) Atomics.wait(ctl, C_STATE + slot, state, 100);
    }
    const bytes = ctl[C_BYTES + slot] as number;
    let posted: unknown;
    if (ctl[C_POSTED + slot] === 1) {
      posted = receiveMessageOnPort(this.p.port)?.message;
      if (posted === undefined) {
        // Never happens: the worker posts before it fills the slot.
        this.p.broken = true;
        this.stop(true);
        return null;
      }
    }
    if (bytes < 0) {
      this.stop(false);
      const e = (posted as { error: { message: string; code?: string } }).error;
      throw Object.assign(new Error(e.message), { code: e.code });
    }
    if (posted !== undefined) define(this.p.space, posted as Definitions);
    let full = (posted as { full?: Prepared[] } | undefined)?.full;
    if (added) full = this.supplement(ctl[C_SEQ + slot] as number);
    this.held = slot;
    this.slot = (slot + 1) % SLOTS;
    if (bytes === 0) {
      this.stop(false);
      return Buffer.alloc(0);
    }
    const base = slot * this.layout.size;
    const count = ctl[C_COUNT + slot] as number;
    const at = base + this.layout.bytes;
    this.current = Buffer.from(this.data, base, bytes);
    handed++;
    const textUsed = ctl[C_TEXT + slot] as number;
    this.currentRecords = {
      space: this.p.space,
      count,
      i32: new Int32Array(this.data, at, count * REC_I32),
      f64: new Float64Array(this.data, at, count * REC_F64),
      text: Buffer.from(this.data, base + this.layout.texts, textUsed),
      textUsed,
      full,
    };
    return this.current;
  }

  /** The worker's Supplement for chunk `seq` of this job (it was posted before the slot was ADDED). */
  private supplement(seq: number): Prepared[] | undefined {
    const early = this.p.early;
    if (early.has(seq)) {
      const full = early.get(seq);
      early.delete(seq);
      return full;
    }
    for (
      let m = receiveMessageOnPort(this.p.extra);
      m !== undefined;
      m = receiveMessageOnPort(this.p.extra)
    ) {
      const s = m.message as Supplement;
      if (s.job === this.id && s.seq === seq) return s.full;
      // Another chunk's, read ahead of this one (the worker takes the newest first); a stopped
      // job's are dropped.
      if (s.job === this.id) early.set(s.seq, s.full);
    }
    // Never happens: the worker posts before it marks the slot.
    return undefined;
  }

  records(buf: Buffer): ChunkRecords | null | undefined {
    return buf === this.current ? this.currentRecords : undefined;
  }

  close(): void {
    this.stop(true);
  }

  /** The slot handed out last is free again. */
  private release(): void {
    if (this.held < 0) return;
    const ctl = this.p.ctl;
    Atomics.store(ctl, C_STATE + this.held, FREE);
    Atomics.notify(ctl, C_STATE + this.held);
    this.held = -1;
  }

  private stop(early: boolean): void {
    if (this.done) return;
    this.done = true;
    this.current = undefined;
    this.currentRecords = null;
    this.release();
    this.p.finish(this.id, early);
  }
}

let prefetcher: Prefetcher | null | undefined;
/** Chunks the worker has handed over, in this process (what tests check the worker by). */
let handed = 0;

export function chunksReadAhead(): number {
  return handed;
}

/**
 * Reads `fd` from `pos` in chunks of `chunk` bytes on the worker, classifying lines of up to
 * `limit` bytes in the layouts `formats` (see classifier.ts); undefined when it cannot (no worker
 * threads, or the worker is reading another file).
 */
export function readAhead(
  fd: number,
  pos: number,
  chunk: number,
  limit: number,
  formats: number,
): ChunkReader | undefined {
  if (prefetcher === undefined) {
    try {
      prefetcher = new Prefetcher();
    } catch {
      prefetcher = null;
    }
  }
  return prefetcher?.open(fd, pos, chunk, limit, formats);
}
