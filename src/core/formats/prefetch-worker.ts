// The worker thread of prefetch.ts: it reads a file ahead, chunk after chunk into the slots of a
// shared buffer, and classifies each chunk (classifier.ts) while the reading thread folds the one
// before. Built into a string by scripts/build-cli.mjs and started from it.

import { readSync } from 'node:fs';
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { stripAnsi } from '../logs/lines.js';
import type { Prepared } from './bulk.js';
import { REC_FORMAT_MASK, REC_I32, REC_NEXT, REC_PACKED, REC_START, theClassifier } from './classifier.js';
import { FileParser } from './parser.js';
import {
  ADDED,
  ADDING,
  C_BYTES,
  C_CANCEL,
  C_COUNT,
  C_FROM,
  C_IDLE,
  C_JOB,
  C_POSTED,
  C_PREPARED,
  C_SEQ,
  C_STATE,
  C_TEXT,
  FILLED,
  FREE,
  SLOTS,
  slotLayout,
  type Job,
  type Supplement,
} from './prefetch-shared.js';

const { control, port, extra } = workerData as {
  control: SharedArrayBuffer;
  port: MessagePort;
  /** Where Supplements go. */
  extra: MessagePort;
};
const ctl = new Int32Array(control);
const classifier = theClassifier();
let data: SharedArrayBuffer | undefined;
/** The generation of the definitions last posted: a new one is posted even when empty. */
let posted = -1;
/**
 * Whether the worker reads the records it can by the full path (see `prepare`): DEADAIR_PREPARE=0
 * never, 1 always as it fills a slot; by default as it fills one while it is ahead of the reader
 * (half its slots or more are filled), and for filled slots the reader has not taken while it
 * waits for a free one (`supplement`), so that the work goes to whichever thread has time for it.
 * `idle`: only while it waits (what tests of that path set).
 */
const PREPARE = process.env.DEADAIR_PREPARE;
const SUPPLEMENT = PREPARE !== '0' && PREPARE !== '1';
function prepareNow(): boolean {
  if (PREPARE === '0' || PREPARE === '1' || PREPARE === 'idle') return PREPARE === '1';
  let filled = 0;
  for (let s = 0; s < SLOTS; s++) if (Atomics.load(ctl, C_STATE + s) !== FREE) filled++;
  return filled >= SLOTS / 2;
}
/** The full path, for lines read alone (FileParser.eventOf). */
const parser = new FileParser('');

for (;;) {
  Atomics.store(ctl, C_IDLE, 1);
  Atomics.notify(ctl, C_IDLE);
  let job: Job;
  for (;;) {
    const v = Atomics.load(ctl, C_JOB);
    const m = receiveMessageOnPort(port);
    if (m) {
      job = m.message as Job;
      break;
    }
    Atomics.wait(ctl, C_JOB, v);
  }
  Atomics.store(ctl, C_IDLE, 0);
  if (job.data) data = job.data;
  if (!run(job)) {
    // Stopped part way: chunks it classified were never read, nor their definitions. The tables
    // start afresh, so that ids the reader never learnt mean nothing.
    classifier?.invalidate();
  }
}

/** Reads and classifies until the end of the file; false when stopped before it. */
function run(job: Job): boolean {
  const buf = data as SharedArrayBuffer;
  const layout = slotLayout(job.chunk);
  let pos = job.pos;
  let atLineStart = true;
  for (let slot = 0, seq = 0; ; slot = (slot + 1) % SLOTS, seq++) {
    while (Atomics.load(ctl, C_STATE + slot) !== FREE) {
      if (Atomics.load(ctl, C_CANCEL) >= job.id) return false;
      // Every slot is full (this one is the oldest). Rather than wait, read the full-path lines of
      // one the reader has not taken, which it would otherwise read itself.
      if (SUPPLEMENT && job.formats === 15 && supplement(job, buf, layout, slot)) continue;
      // The reader frees them in order: wait until half of them are free, so that it wakes this
      // thread once every SLOTS / 2 chunks, not after each (a wake-up costs the reader a system
      // call, and on a busy machine much more).
      const half = C_STATE + ((slot + SLOTS / 2 - 1) % SLOTS);
      const state = Atomics.load(ctl, half);
      if (state !== FREE) Atomics.wait(ctl, half, state);
    }
    if (Atomics.load(ctl, C_CANCEL) >= job.id) return false;
    const base = slot * layout.size;
    const bytes = new Uint8Array(buf, base, job.chunk);
    let n: number;
    try {
      n = readSync(job.fd, bytes, 0, job.chunk, pos);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      port.postMessage({ error: { message: err.message, code: err.code } });
      ctl[C_POSTED + slot] = 1;
      ctl[C_BYTES + slot] = -1;
      ctl[C_PREPARED + slot] = 1;
      ctl[C_SEQ + slot] = seq;
      Atomics.store(ctl, C_STATE + slot, FILLED);
      Atomics.notify(ctl, C_STATE + slot);
      return true;
    }
    let count = 0;
    let textUsed = 0;
    let prepared = 1;
    ctl[C_POSTED + slot] = 0;
    if (n > 0 && classifier !== null) {
      // The first line starts after the partial one the chunk before ended in.
      const nl = atLineStart ? -1 : bytes.indexOf(10);
      const from = atLineStart ? 0 : nl < 0 || nl >= n ? n : nl + 1;
      ctl[C_FROM + slot] = from;
      try {
        const r = classifier.classify(bytes, from, n, job.limit, job.formats);
        count = r.count;
        new Int32Array(buf, base + layout.bytes, count * REC_I32).set(r.i32.subarray(0, count * REC_I32));
        textUsed = r.textUsed;
        new Uint8Array(buf, base + layout.texts, textUsed).set(r.text.subarray(0, textUsed));
        // Every layout read (no forced format): the lines without a record are read here too.
        const now = job.formats === 15 && prepareNow();
        const full = now ? prepare(bytes, from, n, job.limit, r.i32, r.count) : undefined;
        // Read later, while waiting for a free slot, if there is time (see supplement).
        if (!now && SUPPLEMENT && job.formats === 15) prepared = 0;
        if (r.owners.length > 0 || r.messages.length > 0 || r.generation !== posted || full) {
          port.postMessage({ generation: r.generation, owners: r.owners, messages: r.messages, full });
          posted = r.generation;
          ctl[C_POSTED + slot] = 1;
        }
      } catch {
        // Not classified (a bug): its lines take the full path, and the tables start afresh.
        count = 0;
        prepared = 1;
        classifier.invalidate();
      }
      atLineStart = bytes[n - 1] === 10;
    }
    ctl[C_BYTES + slot] = n;
    ctl[C_COUNT + slot] = count;
    ctl[C_TEXT + slot] = textUsed;
    ctl[C_PREPARED + slot] = prepared;
    ctl[C_SEQ + slot] = seq;
    pos += n;
    Atomics.store(ctl, C_STATE + slot, FILLED);
    Atomics.notify(ctl, C_STATE + slot);
    if (n === 0) return true;
  }
}

/**
 * Reads the full-path lines of one filled slot the reader has not taken (the newest first: the
 * reader comes to it last) and posts them as a Supplement; false when there is none. `next` is the
 * slot the worker waits to fill.
 */
function supplement(
  job: Job,
  buf: SharedArrayBuffer,
  layout: ReturnType<typeof slotLayout>,
  next: number,
): boolean {
  for (let k = 1; k <= SLOTS; k++) {
    const s = (next - k + SLOTS) % SLOTS;
    if (ctl[C_PREPARED + s] !== 0 || Atomics.load(ctl, C_STATE + s) !== FILLED) continue;
    // The reader may take it at this moment: whoever moves it out of FILLED first has it.
    if (Atomics.compareExchange(ctl, C_STATE + s, FILLED, ADDING) !== FILLED) continue;
    const base = s * layout.size;
    const n = ctl[C_BYTES + s] as number;
    const count = ctl[C_COUNT + s] as number;
    let full: Prepared[] | undefined;
    try {
      full = prepare(
        new Uint8Array(buf, base, n),
        ctl[C_FROM + s] as number,
        n,
        job.limit,
        new Int32Array(buf, base + layout.bytes, count * REC_I32),
        count,
      );
    } catch {
      // Not read here (a bug): the reader reads those lines itself.
      full = undefined;
    }
    const message: Supplement = { job: job.id, seq: ctl[C_SEQ + s] as number, full };
    extra.postMessage(message);
    ctl[C_PREPARED + s] = 1;
    Atomics.store(ctl, C_STATE + s, ADDED);
    Atomics.notify(ctl, C_STATE + s);
    return true;
  }
  return false;
}

/**
 * The records of `bytes[from, to)` without a bulk record that the full path would read alone (see
 * bulk.ts, `Prepared`): a pino-pretty header and its indented lines up to the next `[` (that next
 * line never continues a record, so the record is whole), lines no longer than `limit`. Their
 * events, as the full path makes them; undefined when there are none. (A JSON or dev-text line
 * is read on the reading thread in about the time it takes to hand its event over: not here.)
 */
function prepare(
  bytes: Uint8Array,
  from: number,
  to: number,
  limit: number,
  i32: Int32Array,
  count: number,
): Prepared[] | undefined {
  let out: Prepared[] | undefined;
  // A chunk of another layout (its first line, or its first record, not pino-pretty) is not read.
  const first = count > 0 ? ((i32[REC_PACKED] as number) >> 2) & REC_FORMAT_MASK : 0;
  if (bytes[from] !== 91 && first !== 4) return undefined;
  let k = 0;
  let pos = from;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, to);
  // As LazyLine decodes a line.
  const line = (start: number, nl: number) => {
    const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
    return { file: '', line: 0, offset: 0, text: stripAnsi(buf.toString('utf8', start, end)) };
  };
  while (pos < to) {
    if (k < count && i32[k * REC_I32 + REC_START] === pos) {
      pos = i32[k * REC_I32 + REC_NEXT] as number;
      k++;
      continue;
    }
    const nl = buf.indexOf(10, pos);
    if (nl < 0 || nl + 1 >= to) break;
    const c0 = buf[pos] as number;
    if (nl - pos > limit) {
      // not read alone
    } else if (c0 === 91) {
      // A pino-pretty record: its header, then lines that begin with a space, then `[`.
      let q = nl + 1;
      let n = 1;
      while (q < to && buf[q] === 32 && n <= 400) {
        const e = buf.indexOf(10, q);
        if (e < 0 || e - q > limit) break;
        q = e + 1;
        n++;
      }
      if (q < to && buf[q] === 91) {
        const lines = n === 1 ? [line(pos, nl)] : linesOf(buf.toString('utf8', pos, q - 1));
        const got = parser.eventOf(lines);
        if (got !== undefined)
          (out ??= []).push({ start: pos, next: q, lines: n, ev: got.ev, dayMs: got.dayMs });
        pos = q;
        continue;
      }
    }
    pos = nl + 1;
  }
  return out;
}

/**
 * The lines of a record's text, each as LazyLine gives it (without its \r, without colour codes):
 * decoded at once, where a call a line cost more than the decoding. The same text as line by line:
 * a \n byte is never part of a UTF-8 character, so a broken one before it is replaced alike.
 */
function linesOf(text: string): { file: string; line: number; offset: number; text: string }[] {
  const out = [];
  let a = 0;
  for (;;) {
    const e = text.indexOf('\n', a);
    const end = e < 0 ? text.length : e;
    const t = end > a && text.charCodeAt(end - 1) === 13 ? text.slice(a, end - 1) : text.slice(a, end);
    out.push({ file: '', line: 0, offset: 0, text: stripAnsi(t) });
    if (e < 0) return out;
    a = e + 1;
  }
}
