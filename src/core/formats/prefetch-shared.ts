// What the reading thread (prefetch.ts) and its worker (prefetch-worker.ts) share: the control
// words and where each slot's bytes and records live in the data buffer.

import type { Prepared } from './bulk.js';
import { REC_I32 } from './classifier.js';

/** Chunks read ahead: the worker fills a slot while the reader folds the one before. */
export const SLOTS = 12;

// The control words (an Int32Array over a SharedArrayBuffer).
/** Bumped by the reader when it posts a job (the worker waits on it). */
export const C_JOB = 0;
/** Set by the reader to a job's id to stop it (and any before it: ids only grow). */
export const C_CANCEL = 1;
/** 1 while the worker waits for a job. */
export const C_IDLE = 2;
/**
 * Per slot, its state: free (the worker may fill it), filled (the reader may take it, the worker
 * may add to it), being added to by the worker, added to, taken by the reader. Only the worker
 * moves a slot out of FREE and into ADDING; only the reader into TAKEN and back to FREE; the two
 * race for a FILLED one with compareExchange.
 */
export const C_STATE = 8;
export const FREE = 0;
export const FILLED = 1;
/** The worker reads the slot's full-path lines while it waits for a free one (see `Supplement`). */
export const ADDING = 2;
export const ADDED = 3;
export const TAKEN = 4;
/** Per slot: bytes read (0 at the end of the file, -1 on a read error). */
export const C_BYTES = C_STATE + SLOTS;
/** Per slot: its records. */
export const C_COUNT = C_BYTES + SLOTS;
/** Per slot: 1 when definitions (or a read error) were posted for it. */
export const C_POSTED = C_COUNT + SLOTS;
/** Per slot: bytes of its marker texts. */
export const C_TEXT = C_POSTED + SLOTS;
/** Per slot: where its first whole line starts. */
export const C_FROM = C_TEXT + SLOTS;
/** Per slot: 1 when its full-path lines were read (or are not to be). */
export const C_PREPARED = C_FROM + SLOTS;
/** Per slot: its chunk's number in the job (what a Supplement names). */
export const C_SEQ = C_PREPARED + SLOTS;
export const CONTROL_WORDS = C_SEQ + SLOTS;

/**
 * The lines a chunk has without a record that the worker read by the full path after it filled
 * the slot, while it waited for a free one: posted on the second port (in any order: `seq` says
 * whose), before the slot is marked ADDED.
 */
export interface Supplement {
  job: number;
  seq: number;
  full: Prepared[] | undefined;
}

/** A job: read `fd` from `pos` in chunks of `chunk` bytes, and classify each. */
export interface Job {
  id: number;
  /** Set when the data buffer is new (it grew). */
  data?: SharedArrayBuffer;
  fd: number;
  pos: number;
  chunk: number;
  limit: number;
  formats: number;
}

/**
 * Where a slot's bytes, records and marker texts are, for chunks of `chunk` bytes: the chunk at the
 * slot's start, its records at `bytes`, the stripped text of its turn markers at `texts` (at most
 * the chunk's size).
 */
export function slotLayout(chunk: number): {
  bytes: number;
  records: number;
  recordCap: number;
  texts: number;
  size: number;
} {
  const bytes = Math.ceil(chunk / 8) * 8;
  // A line under 30 bytes is never taken (see scan.ts).
  const recordCap = Math.floor(chunk / 30) + 1;
  const records = recordCap * REC_I32 * 4;
  return { bytes, records, recordCap, texts: bytes + records, size: bytes + records + bytes };
}
