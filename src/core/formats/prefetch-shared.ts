// What the reading thread (prefetch.ts) and its worker (prefetch-worker.ts) share: the control
// words and where each slot's bytes and records live in the data buffer.

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
/** Per slot: 0 free, 1 filled. */
export const C_STATE = 8;
/** Per slot: bytes read (0 at the end of the file, -1 on a read error). */
export const C_BYTES = C_STATE + SLOTS;
/** Per slot: its records. */
export const C_COUNT = C_BYTES + SLOTS;
/** Per slot: 1 when definitions (or a read error) were posted for it. */
export const C_POSTED = C_COUNT + SLOTS;
/** Per slot: bytes of its marker texts. */
export const C_TEXT = C_POSTED + SLOTS;
export const CONTROL_WORDS = C_TEXT + SLOTS;

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
