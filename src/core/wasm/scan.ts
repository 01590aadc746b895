// deadair's line classifier, in AssemblyScript, compiled to WebAssembly by scripts/build-cli.mjs.
// It is the byte-level half of the bulk reader (src/core/formats/bulk.ts says what is taken and
// why): given a chunk of a log, it reads the frameworks' exact layouts — agents-js pino JSON and
// pino-pretty, livekit-agents dev text and JSON — line after line, looks up each line's job and message by their
// bytes, and writes a record for every line the bulk reader may take (its job, message, level and
// time; and for a Python conversation item or metrics record, the fields classify reads of it).
// It decides nothing that depends on the sessions: JavaScript checks each record's job against
// attribution, keeps the clock and folds the records, on this thread or another (the chunk and its
// records are all it needs). It returns to JavaScript before it is done only to learn a job or a
// message it has not seen, or the start of a new local hour.
//
// Everything lives at fixed places in memory; nothing is allocated.

// ---- memory map ----------------------------------------------------------------------------------

/** Results and state shared with JavaScript (see RES_* below). */
const RES: usize = 0x10000;
/** The chunk being read. */
const IN: usize = 0x20000;
export const IN_CAP: u32 = 0x110000;
/** One dev-text line with its colour codes removed. */
const SCRATCH: usize = IN + <usize>IN_CAP + 64;
const SCRATCH_CAP: usize = 0x10000;
/** Hash tables: 16 bytes a slot (hash, key offset, key length, id). */
const SLOTS: u32 = 1 << 16;
const OWNERS: usize = SCRATCH + SCRATCH_CAP;
const PINO_MSGS: usize = OWNERS + <usize>SLOTS * 16;
const PY_MSGS: usize = PINO_MSGS + <usize>SLOTS * 16;
const PYJ_MSGS: usize = PY_MSGS + <usize>SLOTS * 16;
const ARENA: usize = PYJ_MSGS + <usize>SLOTS * 16;
const ARENA_CAP: u32 = 8 << 20;
/**
 * Per message id: what it is (0 a rule reads it, 1 chatter, 2 a turn marker, 3 a Python JSON
 * conversation item or metrics record: its fields are read here), set by JavaScript.
 */
export const MAX_IDS: u32 = 1 << 15;
const PINO_KIND: usize = ARENA + <usize>ARENA_CAP;
const PY_KIND: usize = PINO_KIND + <usize>MAX_IDS;
const PYJ_KIND: usize = PY_KIND + <usize>MAX_IDS;
/**
 * The records of the chunk, 40 bytes each: i32 start, next line's start, end of its text (CR
 * excluded), owner, message, kind | format << 2 | level << 5 | stripped << 11; f64 time; i32 the
 * lines the record spans after its first (a pino-pretty record's fields), i32 for a turn marker,
 * conversation item or metrics record (kind 2 or 3: its evidence may be kept) the `wordHash` of
 * its bytes up to its last newline (JavaScript reads its text again from the file, later, and
 * checks it is the same), else 0. A line
 * under 30 bytes is never taken, so a chunk holds fewer than IN_CAP / 30.
 *
 * `stripped` is nonzero for a dev-text turn marker with colour codes: its text without them is the
 * `stripped` bytes at TEXT + the record's end field (the evidence JavaScript keeps of the line).
 * For a Python JSON record of kind 3 it is where its fields are at TEXT (see AUX_*).
 */
const REC: usize = PYJ_KIND + <usize>MAX_IDS;
export const REC_CAP: u32 = IN_CAP / 30 + 1;
export const REC_SIZE: u32 = 40;
/**
 * The text of turn markers with their colour codes removed, and the fields of Python JSON items and
 * metrics records (AUX_SIZE bytes each, always fewer than their line's), one after another (at most
 * the chunk).
 */
const TEXT: usize = REC + <usize>REC_CAP * REC_SIZE;
/** Where a table's entries wait while it grows (at most half the largest table). */
const TEMP: usize = TEXT + <usize>IN_CAP;
/**
 * The owner last found for each pino-pretty pid (by the pid modulo PID_CACHE_SLOTS), 16 bytes an
 * entry: u32 the pid, u32 its digit count | the job and room lines' length << 4, u32 where those
 * lines are in the arena, i32 the owner + 1 (0: empty). A record whose pid, digit count and lines
 * are those of its entry has that owner without its key copied and hashed (see `pretty`).
 */
const PID_CACHE: usize = TEMP + <usize>(SLOTS / 2) * 16;
const PID_CACHE_SLOTS: u32 = 1024;
export const MEMORY_END: usize = PID_CACHE + <usize>PID_CACHE_SLOTS * 16;

// RES: f64 fields, then i32 fields (offsets in bytes from RES).
const R_HOUR_START = 32; // epoch ms of the local hour in R_HOUR_KEY (in)
const R_JHOUR_START = 40; // epoch ms of the ISO hour in R_JHOUR_KEY (in)
const R_POS = 64; // where classifying stopped (a line start, chunk offset)
const R_COUNT = 68; // records written (in/out)
const R_FORMAT = 88; // 1 pino JSON, 2 dev text, 3 Python JSON
const R_KEY_START = 92; // the key a NEW_* stop is about (memory offsets, not chunk offsets)
const R_KEY_END = 96;
const R_KEY_HASH = 100;
const R_A = 104; // pino: job start · dev text: logger length
const R_B = 108; // pino: job end
const R_C = 112; // pino: room start
const R_D = 116; // pino: room end
const R_PID = 120;
const R_ARENA_USED = 144;
const R_TEXT_USED = 148; // bytes written at TEXT (in/out)
const R_HOUR_KEY = 160; // 13 bytes: "YYYY-MM-DD HH" whose start is R_HOUR_START
const R_NEW_HOUR = 176; // 13 bytes: the hour a HOUR stop asks for
const R_JHOUR_KEY = 192; // 19 bytes: "YYYY-MM-DDTHH" and the offset ("+00:00", "Z" and spaces)
const R_NEW_JHOUR = 212; // 19 bytes: the ISO hour a JHOUR stop asks for
const R_JHOUR_TRY = 232; // 19 bytes: the hour of the line being read

// ---- what classify returns ---------------------------------------------------------------------

const END = 0; // no whole line left before `to`
const STOP = 1; // (internal) the line is not taken: no record
const NEW_OWNER = 2; // its job key is unknown: register it (insertOwner) and classify again
const NEW_MSG = 3; // its message is unknown: register it (insertMessage) and classify again
const HOUR = 7; // a new local hour (R_NEW_HOUR): set R_HOUR_KEY and R_HOUR_START, classify again
const JHOUR = 8; // a new ISO hour (R_NEW_JHOUR): set R_JHOUR_KEY and R_JHOUR_START, classify again

const LEVEL_KEY: usize = memory.data<u8>([123, 34, 108, 101, 118, 101, 108, 34, 58]);
const TIME_KEY: usize = memory.data<u8>([44, 34, 116, 105, 109, 101, 34, 58]);
const PID_KEY: usize = memory.data<u8>([44, 34, 112, 105, 100, 34, 58]);
const HOST_KEY: usize = memory.data<u8>([44, 34, 104, 111, 115, 116, 110, 97, 109, 101, 34, 58, 34]);
const JOB_KEY: usize = memory.data<u8>([44, 34, 106, 111, 98, 73, 68, 34, 58, 34]);
const ROOM_KEY: usize = memory.data<u8>([34, 44, 34, 114, 111, 111, 109, 95, 105, 100, 34, 58, 34]);
const MSG_KEY: usize = memory.data<u8>([34, 109, 115, 103, 34, 58, 34]);
const STAMP_KEY: usize = memory.data<u8>([34, 112, 105, 100, 34, 58, 32]);
const ROOMNAME_KEY: usize = memory.data<u8>([114, 111, 111, 109, 95, 110, 97, 109, 101]);
const ROOMNAME2_KEY: usize = memory.data<u8>([34, 114, 111, 111, 109, 78, 97, 109, 101]);

@inline function u8at(p: usize): u32 {
  return <u32>load<u8>(p);
}
@inline function isDigit(c: u32): bool {
  return c - 48 < 10;
}
/**
 * Are the `n` bytes at `p` those at `lit`? Sixteen at a time, the last compare overlapping the one
 * before it (never a byte outside either range).
 */
function same(p: usize, lit: usize, n: usize): bool {
  if (n >= 16) {
    let k: usize = 0;
    for (; k + 16 <= n; k += 16)
      if (v128.any_true(v128.xor(v128.load(p + k), v128.load(lit + k)))) return false;
    return k == n || !v128.any_true(v128.xor(v128.load(p + n - 16), v128.load(lit + n - 16)));
  }
  if (n >= 8) return load<u64>(p) == load<u64>(lit) && load<u64>(p + n - 8) == load<u64>(lit + n - 8);
  if (n >= 4) return load<u32>(p) == load<u32>(lit) && load<u32>(p + n - 4) == load<u32>(lit + n - 4);
  for (let k: usize = 0; k < n; k++) if (load<u8>(p + k) != load<u8>(lit + k)) return false;
  return true;
}
/** A hash of the bytes `[s, e)`, eight at a time (the tables confirm every hit byte for byte). */
function hash(s: usize, e: usize): u32 {
  let h: u64 = 0x9e3779b97f4a7c15 ^ <u64>(e - s);
  let p = s;
  for (; p + 8 <= e; p += 8) h = rotl<u64>((h ^ load<u64>(p)) * 0xff51afd7ed558ccd, 29);
  let t: u64 = 0;
  for (let k: u64 = 0; p < e; p++, k += 8) t |= <u64>load<u8>(p) << k;
  h = (h ^ t) * 0xc4ceb9fe1a85ec53;
  return <u32>(h ^ (h >>> 32));
}

/**
 * A hash of the bytes `[s, e)`, four at a time (little-endian words, then the bytes left, then the
 * length): what `recordHash` in classifier.ts computes, to the bit.
 */
function wordHash(s: usize, e: usize): u32 {
  let h: u32 = 0x811c9dc5;
  let p = s;
  for (; p + 4 <= e; p += 4) h = (h ^ load<u32>(p)) * 0x01000193;
  for (; p < e; p++) h = (h ^ <u32>load<u8>(p)) * 0x01000193;
  return h ^ <u32>(e - s);
}

/** The first byte in `[p, e)` that is `x` or `y` (or ≥ 128 when `high`), sixteen at a time; e when none. */
function nextOf(p: usize, e: usize, x: u8, y: u8, high: bool): usize {
  const xv = i8x16.splat(x);
  const yv = i8x16.splat(y);
  while (p + 16 <= e) {
    const v = v128.load(p);
    let m = i8x16.bitmask(v128.or(i8x16.eq(v, xv), i8x16.eq(v, yv)));
    if (high) m |= i8x16.bitmask(v);
    if (m != 0) return p + <usize>ctz(m);
    p += 16;
  }
  for (; p < e; p++) {
    const c = load<u8>(p);
    if (c == x || c == y || (high && c >= 128)) return p;
  }
  return e;
}

/** The last byte in `[lo, q]` that is `x` or `y`, scanning down from `q`; lo - 1 when none. */
function prevOf(lo: usize, q: usize, x: u8, y: u8): usize {
  if (q < lo) return lo - 1;
  const xv = i8x16.splat(x);
  const yv = i8x16.splat(y);
  while (q >= lo + 15) {
    const v = v128.load(q - 15);
    const m = i8x16.bitmask(v128.or(i8x16.eq(v, xv), i8x16.eq(v, yv)));
    if (m != 0) return q - 15 + <usize>(31 - clz(m));
    q -= 16;
  }
  for (; q >= lo; q--) {
    const c = load<u8>(q);
    if (c == x || c == y) return q;
    if (q == lo) break;
  }
  return lo - 1;
}

@inline function resI(off: usize): i32 {
  return load<i32>(RES + off);
}
@inline function setI(off: usize, v: i32): void {
  store<i32>(RES + off, v);
}
@inline function resF(off: usize): f64 {
  return load<f64>(RES + off);
}

// ---- tables --------------------------------------------------------------------------------------

@inline function slotOf(h: u32): u32 {
  let x = (h ^ (h >>> 16)) * 0x45d9f3b;
  x = (x ^ (x >>> 16)) * 0x45d9f3b;
  return x ^ (x >>> 16);
}

// A table uses only as many of its SLOTS as it needs (a power of two, from MIN_SLOTS, at most half
// full): a log's few hundred jobs and messages sit in a few kilobytes that stay in the cache,
// rather than scattered over a megabyte. Per table, at META + 8 * (0 owners, 1 pino, 2 dev text,
// 3 Python JSON):
// u32 slots in use - 1 (the mask), u32 entries.
const MIN_SLOTS: u32 = 1024;
const META: usize = RES + 256;
@inline function metaOf(table: usize): usize {
  return META + ((table - OWNERS) / (<usize>SLOTS * 16)) * 8;
}

/** Where in the arena the key `find` found last is. */
let foundAt: u32 = 0;

function find(table: usize, s: usize, e: usize, h: u32): i32 {
  const len = <u32>(e - s);
  const mask = load<u32>(metaOf(table));
  let i = slotOf(h) & mask;
  for (;;) {
    const slot = table + <usize>i * 16;
    const klen = load<u32>(slot, 8);
    if (klen == 0) return -1;
    if (load<u32>(slot) == h && klen == len && same(s, ARENA + <usize>load<u32>(slot, 4), len)) {
      foundAt = load<u32>(slot, 4);
      return load<i32>(slot, 12);
    }
    i = (i + 1) & mask;
  }
  return -1;
}

/** Where the entry of hash `h` goes in `table` (its first free slot). */
@inline function freeSlot(table: usize, mask: u32, h: u32): usize {
  let i = slotOf(h) & mask;
  while (load<u32>(table + <usize>i * 16, 8) != 0) i = (i + 1) & mask;
  return table + <usize>i * 16;
}

/** Doubles the slots `table` uses, placing its entries again. */
function grow(table: usize): void {
  const meta = metaOf(table);
  const old = load<u32>(meta) + 1;
  const mask = old * 2 - 1;
  memory.copy(TEMP, table, <usize>old * 16);
  memory.fill(table, 0, <usize>(mask + 1) * 16);
  for (let k: u32 = 0; k < old; k++) {
    const from = TEMP + <usize>k * 16;
    if (load<u32>(from, 8) != 0) memory.copy(freeSlot(table, mask, load<u32>(from)), from, 16);
  }
  store<u32>(meta, mask);
}

/** Stores the key of the last NEW_* stop under `id` in `table`; false when full (reset, then). */
function insert(table: usize, id: i32): bool {
  const s = <usize>resI(R_KEY_START);
  const e = <usize>resI(R_KEY_END);
  const h = <u32>resI(R_KEY_HASH);
  const len = <u32>(e - s);
  const used = <u32>resI(R_ARENA_USED);
  if (len == 0 || used + len > ARENA_CAP || <u32>id >= MAX_IDS) return false;
  const meta = metaOf(table);
  const count = load<u32>(meta, 4);
  // At most half full: it grows until it uses all its slots, and is full then.
  if ((count + 1) * 2 > load<u32>(meta) + 1) {
    if (load<u32>(meta) + 1 >= SLOTS) return false;
    grow(table);
  }
  memory.copy(ARENA + <usize>used, s, len);
  const slot = freeSlot(table, load<u32>(meta), h);
  store<u32>(meta, count + 1, 4);
  store<u32>(slot, h);
  store<u32>(slot, used, 4);
  store<u32>(slot, len, 8);
  store<i32>(slot, id, 12);
  setI(R_ARENA_USED, <i32>(used + len));
  return true;
}

export function insertOwner(id: i32): bool {
  return insert(OWNERS, id);
}
export function insertMessage(format: i32, id: i32): bool {
  return insert(format == 1 ? PINO_MSGS : format == 2 ? PY_MSGS : PYJ_MSGS, id);
}
export function reset(): void {
  memory.fill(OWNERS, 0, <usize>SLOTS * 16 * 4);
  for (let t: usize = 0; t < 4; t++) {
    store<u32>(META + t * 8, MIN_SLOTS - 1);
    store<u32>(META + t * 8, 0, 4);
  }
  memory.fill(PINO_KIND, 0, <usize>MAX_IDS * 3);
  memory.fill(PID_CACHE, 0, <usize>PID_CACHE_SLOTS * 16);
  setI(R_ARENA_USED, 0);
}
/** Bytes left in the key arena (JavaScript starts the tables afresh before a chunk could fill it). */
export function arenaLeft(): u32 {
  return ARENA_CAP - <u32>resI(R_ARENA_USED);
}

// ---- scanning ------------------------------------------------------------------------------------

/** Where JavaScript finds things: the chunk, the results, message kinds, the records. */
export const INPUT: usize = IN;
export const RESULTS: usize = RES;
export const KINDS: usize = PINO_KIND;
export const RECORDS: usize = REC;
export const TEXTS: usize = TEXT;

/** Where the stripped text of the record `taken` writes now is (at TEXT), or -1: its text is the line. */
let textAt: i32 = -1;
/** Where the record `taken` writes now ends when it spans several lines (0: at its line's end), and how many more. */
let spanNext: usize = 0;
let spanMore: i32 = 0;

function stop(code: i32, s: usize): i32 {
  setI(R_POS, <i32>(s - IN));
  return code;
}

/**
 * Classifies the whole lines of the chunk from `from` up to `to` (chunk offsets), appending a
 * record for each line that may be taken; lines longer than `limit` are not. `flags`: 1 read pino
 * JSON, 2 read dev text, 4 read Python JSON, 8 read pino-pretty. Returns END when done, or NEW_OWNER / NEW_MSG / HOUR /
 * JHOUR for JavaScript to act on before it calls again from R_POS (the line it stopped at).
 */
export function classify(from: u32, to: u32, limit: u32, flags: u32): i32 {
  const end = IN + <usize>to;
  let p = IN + <usize>from;
  const nlv = i8x16.splat(10);
  const escv = i8x16.splat(27);
  const c1v = i8x16.splat(<i8>0x9b);
  while (p < end) {
    // The line's end, and whether it holds an escape or a C1 control, sixteen bytes at a time.
    let nl = p;
    let esc = false;
    let c1 = false;
    // Escapes and C1 bytes of whole blocks are gathered, and read once the line ends.
    let accE = i8x16.splat(0);
    let accC = i8x16.splat(0);
    for (;;) {
      if (nl + 16 <= end) {
        const v = v128.load(nl);
        const e1 = i8x16.eq(v, escv);
        const c2 = i8x16.eq(v, c1v);
        const mn = i8x16.bitmask(i8x16.eq(v, nlv));
        if (mn != 0) {
          const i = ctz(mn);
          const before = (1 << i) - 1;
          if ((i8x16.bitmask(e1) & before) != 0 || v128.any_true(accE)) esc = true;
          if ((i8x16.bitmask(c2) & before) != 0 || v128.any_true(accC)) c1 = true;
          nl += <usize>i;
          break;
        }
        accE = v128.or(accE, e1);
        accC = v128.or(accC, c2);
        nl += 16;
      } else {
        if (v128.any_true(accE)) esc = true;
        if (v128.any_true(accC)) c1 = true;
        while (nl < end && load<u8>(nl) != 10) {
          const c = u8at(nl);
          if (c == 27) esc = true;
          else if (c == 0x9b) c1 = true;
          nl++;
        }
        break;
      }
    }
    if (nl >= end) break;
    const next = nl + 1;
    if (<u32>(nl - p) > limit || <u32>resI(R_COUNT) >= REC_CAP) {
      p = next;
      continue;
    }
    let e = nl;
    if (e > p && load<u8>(e - 1) == 13) e--;
    let r: i32 = STOP;
    // U+009B is C2 9B in UTF-8 (a lone 9B is part of another character, or invalid).
    let c1Char = false;
    if (c1) for (let k = p + 1; k < e; k++) if (load<u8>(k) == 0x9b && load<u8>(k - 1) == 0xc2) c1Char = true;
    const c0 = u8at(p);
    if (c1Char) {
      // the full path
    } else if (c0 == 123) {
      // `{"level":` (pino) or `{"message": ` (Python): an escape is never taken in either.
      if (!esc) {
        const c2 = u8at(p + 2);
        if ((flags & 1) != 0 && c2 == 108) r = pino(p, e);
        else if ((flags & 4) != 0 && c2 == 109) r = pyjson(p, e);
      }
    } else if (isDigit(c0)) {
      // A dev-text record is complete only when the next line does not continue it: a line that
      // starts with a digit never does.
      if ((flags & 2) != 0 && next < end && isDigit(u8at(next))) r = py(p, e, esc);
    } else if (c0 == 91) {
      if ((flags & 8) != 0) r = pretty(p, e, esc, next, end);
    }
    if (r > STOP) return stop(r, p);
    if (r < 0) {
      // Taken: where the line is in the chunk.
      const n = resI(R_COUNT);
      const at = REC + <usize>n * REC_SIZE;
      // A pino-pretty record ends where the next record begins, its fields between.
      const to = spanNext != 0 ? spanNext : next;
      store<i32>(at, <i32>(p - IN));
      store<i32>(at, <i32>(to - IN), 4);
      store<i32>(at, textAt >= 0 ? textAt : <i32>(e - IN), 8);
      store<i32>(at, spanMore, 32);
      store<i32>(at, (load<i32>(at, 20) & 3) >= 2 ? <i32>wordHash(p, to - 1) : 0, 36);
      textAt = -1;
      spanNext = 0;
      spanMore = 0;
      setI(R_COUNT, n + 1);
      p = to;
      continue;
    }
    p = next;
  }
  return stop(END, p);
}

/** The bytes before the quote at `k` end in `room_name` or `"roomName`. */
@inline function namesRoom(k: usize): bool {
  const c = u8at(k - 4);
  return (c == 110 && same(k - 9, ROOMNAME_KEY, 9)) || (c == 78 && same(k - 9, ROOMNAME2_KEY, 9));
}

/** Two ASCII digits as a number (computed as the full path computes them). */
@inline function d2(p: usize): f64 {
  return <f64>((u8at(p) - 48) * 10 + u8at(p + 1) - 48);
}

function digits(p: usize, max: u32): usize {
  let i = p;
  while (isDigit(u8at(i))) i++;
  return i == p || <u32>(i - p) > max ? 0 : i;
}

/** The id of the key `[s, e)` in `table`; when it is unknown, -1 with the key left for `insert`. */
function lookup(table: usize, s: usize, e: usize): i32 {
  const h = hash(s, e);
  const id = find(table, s, e, h);
  if (id < 0) {
    setI(R_KEY_START, <i32>s);
    setI(R_KEY_END, <i32>e);
    setI(R_KEY_HASH, <i32>h);
  }
  return id;
}

/** Where an id value (1 to 200 ASCII bytes, no escapes) starting at `p` ends (its quote), or 0. */
function idEnd(p: usize, e: usize): usize {
  const i = nextOf(p, e, 34, 92, true);
  return i >= e || u8at(i) != 34 || i == p || i - p > 200 || namesRoom(i) ? 0 : i;
}

/** Is there a quote in `[lo, hi)` after `room_name` or `"roomName`? Sixteen bytes at a time. */
function quoteNamesRoom(lo: usize, hi: usize): bool {
  const qv = i8x16.splat(34);
  let p = lo;
  for (; p + 16 <= hi; p += 16) {
    let m = i8x16.bitmask(i8x16.eq(v128.load(p), qv));
    while (m != 0) {
      if (namesRoom(p + <usize>ctz(m))) return true;
      m &= m - 1;
    }
  }
  for (; p < hi; p++) if (u8at(p) == 34 && namesRoom(p)) return true;
  return false;
}

/** An agents-js line (see bulk.ts); -1 when taken, else a stop code. */
function pino(s: usize, e: usize): i32 {
  if (e - s < 40 || !same(s, LEVEL_KEY, 9)) return STOP;
  let i = s + 9;
  const l1 = digits(i, 3);
  if (l1 == 0) return STOP;
  let level: u32 = 0;
  for (; i < l1; i++) level = level * 10 + u8at(i) - 48;
  if (level >= 40 || !same(i, TIME_KEY, 8)) return STOP;
  i += 8;
  const t1 = digits(i, 15);
  if (t1 == 0) return STOP;
  let time: f64 = 0;
  for (; i < t1; i++) time = time * 10 + <f64>(u8at(i) - 48);
  // The key: from the pid to the room SID's closing quote (pid, host, job and room together).
  const k0 = i;
  if (!same(i, PID_KEY, 7)) return STOP;
  i += 7;
  const p1 = digits(i, 10);
  if (p1 == 0) return STOP;
  let pid: i32 = 0;
  for (; i < p1; i++) pid = pid * 10 + <i32>(u8at(i) - 48);
  if (!same(i, HOST_KEY, 13)) return STOP;
  i += 13;
  i = nextOf(i, e, 34, 92, false);
  if (i >= e || u8at(i) != 34 || namesRoom(i)) return STOP;
  i++;
  if (same(i, PID_KEY, 7)) {
    i = digits(i + 7, 10);
    if (i == 0) return STOP;
  }
  if (!same(i, JOB_KEY, 10)) return STOP;
  i += 10;
  const j0 = i;
  const j1 = idEnd(j0, e);
  if (j1 == 0 || !same(j1, ROOM_KEY, 13)) return STOP;
  const r0 = j1 + 13;
  const r1 = idEnd(r0, e);
  if (r1 == 0) return STOP;
  // `msg` is the last key: its value runs back from the closing `"}` to the first quote.
  if (u8at(e - 1) != 125 || u8at(e - 2) != 34) return STOP;
  const q = prevOf(r1 + 1, e - 3, 34, 92);
  if (u8at(q) != 34 || q - 6 <= r1 || !same(q - 6, MSG_KEY, 7)) return STOP;
  // A line naming its room teaches attribution something: the full path looks for those words.
  if (namesRoom(e - 2)) return STOP;
  if (quoteNamesRoom(r1 + 1, q - 5)) return STOP;

  const owner = lookup(OWNERS, k0, r1 + 1);
  if (owner < 0) {
    setI(R_A, <i32>(j0 - IN));
    setI(R_B, <i32>(j1 - IN));
    setI(R_C, <i32>(r0 - IN));
    setI(R_D, <i32>(r1 - IN));
    setI(R_PID, pid);
    return NEW_OWNER;
  }
  const msg = lookup(PINO_MSGS, q + 1, e - 2);
  if (msg < 0) {
    setI(R_FORMAT, 1);
    return NEW_MSG;
  }
  const kind = load<u8>(PINO_KIND + <usize>msg);
  if (kind == 0) return STOP;
  return taken(owner, msg, kind, <i32>level, 1, time);
}

/** A line of a known owner with a message no rule reads (chatter or a turn marker): its record. */
function taken(owner: i32, msg: i32, kind: u8, level: i32, format: i32, time: f64, stripped: i32 = 0): i32 {
  const at = REC + <usize>resI(R_COUNT) * REC_SIZE;
  store<i32>(at, owner, 12);
  store<i32>(at, msg, 16);
  store<i32>(at, <i32>kind | (format << 2) | (level << 5) | (stripped << 11), 20);
  store<f64>(at, time, 24);
  return -1;
}

/** The last `p` in `[lo, q]` where `"pid": ` begins, scanning down sixteen bytes at a time; lo - 1 when none. */
function lastStamp(lo: usize, q: usize): usize {
  if (q < lo) return lo - 1;
  const qv = i8x16.splat(34);
  while (q >= lo + 15) {
    let m = i8x16.bitmask(i8x16.eq(v128.load(q - 15), qv));
    while (m != 0) {
      const b = 31 - clz(m);
      const p = q - 15 + <usize>b;
      if (same(p, STAMP_KEY, 7)) return p;
      m ^= 1 << b;
    }
    q -= 16;
  }
  for (; q >= lo; q--) {
    if (u8at(q) == 34 && same(q, STAMP_KEY, 7)) return q;
    if (q == lo) break;
  }
  return lo - 1;
}

/** A livekit-agents dev-text line (see bulk.ts); -1 when taken, else a stop code. */
/**
 * Copies `[s, e)` to SCRATCH without its colour codes (CSI sequences), as the full path removes
 * them: the length left, or -1 when the line holds another escape (the full path, then).
 */
function strip(s: usize, e: usize): i32 {
  {
    if (e - s > SCRATCH_CAP - 1024) return -1;
    let k: usize = 0;
    const escs = i8x16.splat(27);
    for (let i = s; i < e; ) {
      if (i + 16 <= e) {
        // Sixteen bytes are copied at once; only those before an escape among them count.
        const v = v128.load(i);
        v128.store(SCRATCH + k, v);
        const m = i8x16.bitmask(i8x16.eq(v, escs));
        if (m == 0) {
          k += 16;
          i += 16;
          continue;
        }
        const z = <usize>ctz(m);
        k += z;
        i += z;
      } else if (load<u8>(i) != 27) {
        store<u8>(SCRATCH + k++, load<u8>(i));
        i++;
        continue;
      }
      if (i + 1 >= e || u8at(i + 1) != 91) return -1; // not a CSI sequence: the full path
      let j = i + 2;
      while (j < e && u8at(j) - 0x30 <= 0x0f) j++;
      while (j < e && u8at(j) - 0x20 <= 0x0f) j++;
      if (j < e && u8at(j) - 0x40 <= 0x3e) j++;
      // A continuation byte after the sequence would join what it cut apart: the full path
      // decodes the line before it removes the sequence, so there the two halves stay invalid.
      if (j < e && u8at(j) - 0x80 <= 0x3f) return -1;
      i = j;
    }
    return <i32>k;
  }
}

function py(s: usize, e: usize, esc: bool): i32 {
  let a = s;
  let n = e - s;
  if (esc) {
    const k = strip(s, e);
    if (k < 0) return STOP;
    a = SCRATCH;
    n = <usize>k;
  }
  if (n < 30) return STOP;
  // YYYY-MM-DD HH:MM:SS,mmm - : the digits of bytes 0-15 and 7-22 at once, then the separators.
  const zero = i8x16.splat(48);
  const ten = i8x16.splat(10);
  const lo = i8x16.bitmask(i8x16.lt_u(i8x16.sub(v128.load(a), zero), ten));
  const hi = i8x16.bitmask(i8x16.lt_u(i8x16.sub(v128.load(a + 7), zero), ten));
  // Digits at 0-3, 5-6, 8-9, 11-12, 14-15; and (from byte 7) at 8-9, 11-12, 14-15, 17-18, 20-22.
  if ((lo & 0xdb6f) != 0xdb6f || (hi & 0xedb6) != 0xedb6) return STOP;
  if (u8at(a + 4) != 45 || u8at(a + 7) != 45 || u8at(a + 10) != 32) return STOP;
  if (u8at(a + 13) != 58 || u8at(a + 16) != 58 || u8at(a + 19) != 44) return STOP;
  if (u8at(a + 23) != 32 || u8at(a + 24) != 45 || u8at(a + 25) != 32) return STOP;
  const end = a + n;
  let i = a + 26;
  let level: i32;
  if (u8at(i) == 68 && u8at(i + 1) == 69 && u8at(i + 2) == 66 && u8at(i + 3) == 85 && u8at(i + 4) == 71) {
    level = 20;
    i += 5;
  } else if (u8at(i) == 73 && u8at(i + 1) == 78 && u8at(i + 2) == 70 && u8at(i + 3) == 79) {
    level = 30;
    i += 4;
  } else return STOP;
  if (u8at(i) != 32) return STOP;
  while (i < end && u8at(i) == 32) i++;
  // The logger runs to the first space, which must begin " - ".
  const g0 = i;
  i = nextOf(i, end, 32, 32, true);
  if (i < end && u8at(i) >= 128) return STOP;
  if (i == g0 || i + 2 >= end || u8at(i + 1) != 45 || u8at(i + 2) != 32) return STOP;
  const loggerLen = i - g0;
  const m0 = i + 3;
  // The extras: the last ` {"` of a line that ends in `}`; the job stamp: their last `"pid": `.
  if (u8at(end - 1) != 125) return STOP;
  let x = prevOf(m0, end - 2, 123, 123) - 1;
  while (x >= m0 && !(u8at(x) == 32 && u8at(x + 2) == 34)) x = prevOf(m0, x, 123, 123) - 1;
  if (x < m0) return STOP;
  const ps = lastStamp(x + 1, end - 7);
  if (ps <= x) return STOP;

  const owner = lookup(OWNERS, ps, end);
  if (owner < 0) return NEW_OWNER;
  const msg = lookup(PY_MSGS, g0, x);
  if (msg < 0) {
    setI(R_A, <i32>loggerLen);
    setI(R_FORMAT, 2);
    return NEW_MSG;
  }
  const kind = load<u8>(PY_KIND + <usize>msg);
  if (kind == 0) return STOP;
  // asctime is local time: JavaScript converts the start of each local hour.
  if (!same(a, RES + R_HOUR_KEY, 13)) {
    memory.copy(RES + R_NEW_HOUR, a, 13);
    return HOUR;
  }
  const ms = <f64>((u8at(a + 20) - 48) * 100) + d2(a + 21);
  const time = resF(R_HOUR_START) + (d2(a + 14) * 60 + d2(a + 17)) * 1000 + ms;
  if (isNaN(time)) return STOP;
  if (kind == 2 && esc) {
    // A turn marker's text is evidence: without its colour codes, as the full path keeps it.
    const used = resI(R_TEXT_USED);
    memory.copy(TEXT + <usize>used, a, n);
    textAt = used;
    setI(R_TEXT_USED, used + <i32>n);
    return taken(owner, msg, kind, level, 2, time, <i32>n);
  }
  return taken(owner, msg, kind, level, 2, time);
}

// ---- livekit-agents production JSON ----------------------------------------------------------------
//
// `{"message": "…", "level": "DEBUG", "name": "…", <extras>, "pid": N, "job_id": "…"[, "room": "…"]
// [, "room_id": "…"][, "code.file.path": …], "timestamp": "2026-12-04T17:14:47.079896+00:00"}`
// (Python's separators, keys in the formatter's order). The full path reads such a line of chatter
// or a turn marker with patterns (json.ts, quickJsonLine): the message up to its first quote (none
// with a backslash), the level, the timestamp at the end, and job, pid and room wherever they first
// appear — so a line is taken only when the job stamp is the one place that names any of them. A
// conversation item or metrics record is read by JSON.parse there: taken only when the whole line is
// valid JSON, its fields read here as JSON.parse reads them (the last of a repeated key).

const PYJ_HEAD: usize = memory.data<u8>([123, 34, 109, 101, 115, 115, 97, 103, 101, 34, 58, 32, 34]); // {"message": "
const PYJ_LEVEL: usize = memory.data<u8>([34, 44, 32, 34, 108, 101, 118, 101, 108, 34, 58, 32, 34]); // ", "level": "
const PYJ_TS: usize = memory.data<u8>([34, 116, 105, 109, 101, 115, 116, 97, 109, 112, 34, 58, 32, 34]); // "timestamp": "
const PYJ_JOB: usize = memory.data<u8>([44, 32, 34, 106, 111, 98, 95, 105, 100, 34, 58, 32, 34]); // , "job_id": "
const PYJ_ROOM: usize = memory.data<u8>([44, 32, 34, 114, 111, 111, 109, 34, 58, 32, 34]); // , "room": "
const PYJ_ROOMID: usize = memory.data<u8>([44, 32, 34, 114, 111, 111, 109, 95, 105, 100, 34, 58, 32, 34]); // , "room_id": "
const PYJ_RNAME: usize = memory.data<u8>([34, 108, 107, 46, 112, 105, 105, 46, 114, 111, 111, 109, 95, 110, 97, 109, 101, 34]); // "lk.pii.room_name"

/** The fields of a kind-3 record, at TEXT + its `stripped` field. */
const AUX_ROLE = 0; // i32: 1 user, 2 assistant, 0 any other (or none)
const AUX_SID = 4; // i32 start, i32 end of `speech_id`'s string (chunk offsets, quotes excluded); -1 when none
const AUX_SID_ESC = 12; // i32: 1 when that string holds escapes
const AUX_NUM = 16; // f64 × 5: ttft, ttfb, end_of_utterance_delay, transcription_delay, audio_duration (NaN when none)
const AUX_SIZE = 56;

/** Does `"` at p begin a key the full path reads as job, pid, thread or room (wherever it is)? */
@inline function contextKey(p: usize): bool {
  const c = u8at(p + 1);
  if (c == 112) return u8at(p + 2) == 105 && u8at(p + 3) == 100 && u8at(p + 4) == 34; // "pid"
  if (c == 106) return u8at(p + 2) == 111 && u8at(p + 3) == 98; // "job…
  if (c == 114) return u8at(p + 2) == 111 && u8at(p + 3) == 111 && u8at(p + 4) == 109; // "room…
  if (c == 116) return u8at(p + 2) == 105 && u8at(p + 3) == 100 && u8at(p + 4) == 34; // "tid"
  if (c == 108) return same(p, PYJ_RNAME, 18); // "lk.pii.room_name"
  return false;
}

/** Two digits at p as a number, or 100 when either is not a digit. */
@inline function dd(p: usize): u32 {
  const a = u8at(p) - 48;
  const b = u8at(p + 1) - 48;
  return a < 10 && b < 10 ? a * 10 + b : 100;
}

/** A livekit-agents JSON line (see above); -1 when taken, else a stop code. */
function pyjson(s: usize, e: usize): i32 {
  if (e - s < 60 || !same(s, PYJ_HEAD, 13)) return STOP;
  const m0 = s + 13;
  const m1 = nextOf(m0, e, 34, 92, false);
  if (m1 >= e || u8at(m1) != 34 || !same(m1, PYJ_LEVEL, 13)) return STOP;
  let i = m1 + 13;
  let level: i32;
  if (u8at(i) == 68 && load<u32>(i + 1) == 0x47554245 && u8at(i + 5) == 34) {
    // DEBUG"
    level = 20;
    i += 6;
  } else if (load<u32>(i) == 0x4f464e49 && u8at(i + 4) == 34) {
    // INFO"
    level = 30;
    i += 5;
  } else return STOP;
  // `"timestamp": "…"}` ends the line: YYYY-MM-DDTHH:MM:SS[.f…](Z|±HH:MM), 10 to 40 characters.
  if (u8at(e - 1) != 125 || u8at(e - 2) != 34) return STOP;
  const v1 = e - 2;
  const q = prevOf(i, v1 - 1, 34, 34);
  if (q < i + 13 || !same(q - 13, PYJ_TS, 14)) return STOP;
  const v0 = q + 1;
  const n = v1 - v0;
  if (n < 20 || n > 40) return STOP;
  const yy = dd(v0) * 100 + dd(v0 + 2);
  const mo = dd(v0 + 5);
  const da = dd(v0 + 8);
  const hh = dd(v0 + 11);
  const mi = dd(v0 + 14);
  const se = dd(v0 + 17);
  if (yy >= 10000 || mo > 12 || da > 31 || hh > 23 || mi > 59 || se > 59) return STOP;
  if (u8at(v0 + 4) != 45 || u8at(v0 + 7) != 45 || u8at(v0 + 10) != 84) return STOP;
  if (u8at(v0 + 13) != 58 || u8at(v0 + 16) != 58) return STOP;
  let f = v0 + 19;
  let ms: u32 = 0;
  if (u8at(f) == 46) {
    f++;
    const f0 = f;
    while (f < v1 && isDigit(u8at(f))) {
      if (f - f0 < 3) ms = ms * 10 + u8at(f) - 48;
      f++;
    }
    if (f == f0 || f - f0 > 9) return STOP;
    for (let k = f - f0; k < 3; k++) ms *= 10;
  }
  // The hour with its offset: JavaScript converts each new one (Date.parse, as the full path).
  const key = RES + R_JHOUR_TRY;
  memory.copy(key, v0, 13);
  if (f + 1 == v1 && u8at(f) == 90) {
    store<u8>(key + 13, 90);
    for (let k: usize = 14; k < 19; k++) store<u8>(key + k, 32);
  } else if (f + 6 == v1 && (u8at(f) == 43 || u8at(f) == 45) && u8at(f + 3) == 58 && dd(f + 1) < 24 && dd(f + 4) < 60) {
    memory.copy(key + 13, f, 6);
  } else return STOP;

  // The job stamp, and no other key the full path reads as job, pid, thread or room.
  let ps: usize = 0;
  let pe: usize = 0;
  const qv = i8x16.splat(34);
  const tsKey = q - 13;
  let p = i;
  while (p < tsKey) {
    let m: i32 = 0;
    if (p + 16 <= tsKey) m = i8x16.bitmask(i8x16.eq(v128.load(p), qv));
    else {
      for (let k: usize = 0; p + k < tsKey; k++) if (u8at(p + k) == 34) m |= 1 << <i32>k;
    }
    if (m == 0) {
      p += 16;
      continue;
    }
    const at = p + <usize>ctz(m);
    if (contextKey(at)) {
      if (ps != 0 || !same(at, STAMP_KEY, 7)) return STOP;
      ps = at;
      let k = digits(at + 7, 10);
      if (k == 0 || !same(k, PYJ_JOB, 13)) return STOP;
      k = idEnd(k + 13, tsKey);
      if (k == 0) return STOP;
      if (same(k + 1, PYJ_ROOM, 11)) {
        k = idEnd(k + 12, tsKey);
        if (k == 0) return STOP;
      }
      if (same(k + 1, PYJ_ROOMID, 14)) {
        k = idEnd(k + 15, tsKey);
        if (k == 0) return STOP;
      }
      pe = k + 1;
      p = pe;
    } else p = at + 1;
  }
  if (ps == 0) return STOP;

  const owner = lookup(OWNERS, ps, pe);
  if (owner < 0) return NEW_OWNER;
  const msg = lookup(PYJ_MSGS, m0, m1);
  if (msg < 0) {
    setI(R_FORMAT, 3);
    return NEW_MSG;
  }
  const kind = load<u8>(PYJ_KIND + <usize>msg);
  if (kind == 0) return STOP;
  if (!same(key, RES + R_JHOUR_KEY, 19)) {
    memory.copy(RES + R_NEW_JHOUR, key, 19);
    return JHOUR;
  }
  const time = resF(R_JHOUR_START) + <f64>((mi * 60 + se) * 1000 + ms);
  if (isNaN(time)) return STOP;
  if (kind == 3) {
    const used = resI(R_TEXT_USED);
    const aux = TEXT + <usize>used;
    if (!fields(s, e, aux)) return STOP;
    setI(R_TEXT_USED, used + AUX_SIZE);
    return taken(owner, msg, kind, level, 3, time, used);
  }
  return taken(owner, msg, kind, level, 3, time);
}

// ---- JSON, as JSON.parse reads it --------------------------------------------------------------

/** Set by jstr: the string held a backslash escape. */
let strEsc = false;
/** Set by jnum: the number's value when it is exact here (digits / a power of ten), else NaN. */
let numVal: f64 = NaN;

const POW10: usize = memory.data<f64>([
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]);

@inline function jws(p: usize, e: usize): usize {
  while (p < e) {
    const c = u8at(p);
    if (c != 32 && c != 9 && c != 13 && c != 10) break;
    p++;
  }
  return p;
}

/** A JSON string at p (its opening quote): where it ends (after its closing quote), or 0. */
function jstr(p: usize, e: usize): usize {
  strEsc = false;
  p++;
  const qv = i8x16.splat(34);
  const bv = i8x16.splat(92);
  const cv = i8x16.splat(32);
  for (;;) {
    // The next quote, backslash or control character, sixteen bytes at a time.
    while (p + 16 <= e) {
      const v = v128.load(p);
      const m = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, qv), i8x16.eq(v, bv)), i8x16.lt_u(v, cv)));
      if (m != 0) {
        p += <usize>ctz(m);
        break;
      }
      p += 16;
    }
    while (p < e) {
      const c = u8at(p);
      if (c == 34 || c == 92 || c < 32) break;
      p++;
    }
    if (p >= e) return 0;
    const c = u8at(p);
    if (c == 34) return p + 1;
    if (c < 32) return 0;
    // An escape: \" \\ \/ \b \f \n \r \t or \uXXXX.
    strEsc = true;
    const x = u8at(p + 1);
    if (x == 117) {
      if (p + 6 > e) return 0;
      for (let k: usize = 2; k < 6; k++) {
        const h = u8at(p + k) | 32;
        if (!(h - 48 < 10 || h - 97 < 6)) return 0;
      }
      p += 6;
    } else if (x == 34 || x == 92 || x == 47 || x == 98 || x == 102 || x == 110 || x == 114 || x == 116) p += 2;
    else return 0;
  }
  return 0;
}

/** A JSON number at p: where it ends, or 0; its value in numVal when exact here. */
function jnum(p: usize, e: usize): usize {
  numVal = NaN;
  const neg = u8at(p) == 45;
  if (neg) p++;
  if (p >= e || !isDigit(u8at(p))) return 0;
  let mant: u64 = 0;
  let nd: u32 = 0;
  if (u8at(p) == 48) p++;
  else
    while (p < e && isDigit(u8at(p))) {
      mant = mant * 10 + <u64>(u8at(p) - 48);
      nd++;
      p++;
    }
  let frac: u32 = 0;
  if (p < e && u8at(p) == 46) {
    p++;
    if (p >= e || !isDigit(u8at(p))) return 0;
    while (p < e && isDigit(u8at(p))) {
      mant = mant * 10 + <u64>(u8at(p) - 48);
      if (mant != 0) nd++;
      frac++;
      p++;
    }
  }
  let exact = nd <= 15 && frac <= 22;
  if (p < e && (u8at(p) | 32) == 101) {
    exact = false;
    p++;
    if (p < e && (u8at(p) == 43 || u8at(p) == 45)) p++;
    if (p >= e || !isDigit(u8at(p))) return 0;
    while (p < e && isDigit(u8at(p))) p++;
  }
  if (exact) {
    // Both exact in a double: their quotient is the decimal rounded once, as JSON.parse rounds it.
    const v = <f64>mant / load<f64>(POW10 + (<usize>frac << 3));
    numVal = neg ? -v : v;
  }
  return p;
}

/** A JSON value at p: where it ends, or 0. `depth` bounds nesting. */
function jvalue(p: usize, e: usize, depth: i32): usize {
  if (p >= e) return 0;
  const c = u8at(p);
  if (c == 34) return jstr(p, e);
  if (c == 45 || isDigit(c)) return jnum(p, e);
  if (c == 116) return p + 4 <= e && load<u32>(p) == 0x65757274 ? p + 4 : 0; // true
  if (c == 102) return p + 5 <= e && load<u32>(p + 1) == 0x65736c61 ? p + 5 : 0; // false
  if (c == 110) return p + 4 <= e && load<u32>(p) == 0x6c6c756e ? p + 4 : 0; // null
  if (depth > 32) return 0;
  if (c == 91 || c == 123) {
    const obj = c == 123;
    const close: u32 = obj ? 125 : 93;
    p = jws(p + 1, e);
    if (p < e && u8at(p) == close) return p + 1;
    for (;;) {
      if (obj) {
        if (p >= e || u8at(p) != 34) return 0;
        p = jstr(p, e);
        if (p == 0) return 0;
        p = jws(p, e);
        if (p >= e || u8at(p) != 58) return 0;
        p = jws(p + 1, e);
      }
      p = jvalue(p, e, depth + 1);
      if (p == 0) return 0;
      p = jws(p, e);
      if (p >= e) return 0;
      const d = u8at(p);
      if (d == close) return p + 1;
      if (d != 44) return 0;
      p = jws(p + 1, e);
    }
  }
  return 0;
}

const K_ROLE: usize = memory.data<u8>([114, 111, 108, 101]);
const K_TTFT: usize = memory.data<u8>([116, 116, 102, 116]);
const K_TTFB: usize = memory.data<u8>([116, 116, 102, 98]);
const K_EOU: usize = memory.data<u8>([101, 110, 100, 95, 111, 102, 95, 117, 116, 116, 101, 114, 97, 110, 99, 101, 95, 100, 101, 108, 97, 121]);
const K_TRANS: usize = memory.data<u8>([116, 114, 97, 110, 115, 99, 114, 105, 112, 116, 105, 111, 110, 95, 100, 101, 108, 97, 121]);
const K_AUDIO: usize = memory.data<u8>([97, 117, 100, 105, 111, 95, 100, 117, 114, 97, 116, 105, 111, 110]);
const K_SPEECH: usize = memory.data<u8>([115, 112, 101, 101, 99, 104, 95, 105, 100]);
const K_SEQ: usize = memory.data<u8>([115, 101, 113, 117, 101, 110, 99, 101, 95, 105, 100]);
const K_MSG: usize = memory.data<u8>([109, 115, 103]);
const K_TIME: usize = memory.data<u8>([116, 105, 109, 101]);
const K_LEVEL: usize = memory.data<u8>([108, 101, 118, 101, 108]);
const K_ASSISTANT: usize = memory.data<u8>([97, 115, 115, 105, 115, 116, 97, 110, 116]);
const K_MESSAGE: usize = memory.data<u8>([109, 101, 115, 115, 97, 103, 101]);

@inline function keyIs(k: usize, n: usize, lit: usize, ln: usize): bool {
  return n == ln && same(k, lit, n);
}

/**
 * The fields of a conversation item or metrics record `[s, e)` as JSON.parse and classify read
 * them, written at `aux`: false when the line is not valid JSON, or a field is read in a way this
 * does not (a key with an escape, or one classify reads under another name: camelCase, `…Ms`,
 * `sequence_id`; a value of a kind it does not take; a second `message` or `level`; `msg`, `time`).
 */
function fields(s: usize, e: usize, aux: usize): bool {
  store<i32>(aux + AUX_ROLE, 0);
  store<i32>(aux + AUX_SID, -1);
  store<i32>(aux + AUX_SID + 4, -1);
  store<i32>(aux + AUX_SID_ESC, 0);
  for (let k: usize = 0; k < 5; k++) store<f64>(aux + AUX_NUM + (k << 3), NaN);
  let p = jws(s + 1, e);
  let index = 0;
  if (p < e && u8at(p) == 125) return false;
  for (;;) {
    if (p >= e || u8at(p) != 34) return false;
    const k0 = p + 1;
    p = jstr(p, e);
    if (p == 0 || strEsc) return false;
    const kn = p - 1 - k0;
    p = jws(p, e);
    if (p >= e || u8at(p) != 58) return false;
    p = jws(p + 1, e);
    const v0 = p;
    p = jvalue(p, e, 1);
    if (p == 0) return false;
    // camelCase and `…Ms` names are read by classify before or after these: not taken.
    for (let k: usize = 0; k < kn; k++) if (u8at(k0 + k) - 65 < 26) return false;
    const c = u8at(v0);
    if (keyIs(k0, kn, K_ROLE, 4)) {
      let role = 0;
      if (c == 34) {
        if (strEsc) return false;
        if (p - v0 == 6 && load<u32>(v0 + 1) == 0x72657375) role = 1; // "user"
        else if (p - v0 == 11 && same(v0 + 1, K_ASSISTANT, 9)) role = 2;
      }
      store<i32>(aux + AUX_ROLE, role);
    } else if (keyIs(k0, kn, K_SPEECH, 9)) {
      if (c == 34 && p - v0 > 2) {
        store<i32>(aux + AUX_SID, <i32>(v0 + 1 - IN));
        store<i32>(aux + AUX_SID + 4, <i32>(p - 1 - IN));
        store<i32>(aux + AUX_SID_ESC, strEsc ? 1 : 0);
      } else {
        store<i32>(aux + AUX_SID, -1);
        store<i32>(aux + AUX_SID + 4, -1);
      }
    } else {
      let slot = -1;
      if (keyIs(k0, kn, K_TTFT, 4)) slot = 0;
      else if (keyIs(k0, kn, K_TTFB, 4)) slot = 1;
      else if (keyIs(k0, kn, K_EOU, 22)) slot = 2;
      else if (keyIs(k0, kn, K_TRANS, 19)) slot = 3;
      else if (keyIs(k0, kn, K_AUDIO, 14)) slot = 4;
      if (slot >= 0) {
        // A number (exact here) or null; a string or anything else is read otherwise: not taken.
        let v: f64 = NaN;
        if (c == 45 || isDigit(c)) {
          if (isNaN(numVal)) return false;
          v = numVal;
        } else if (c != 110) return false;
        store<f64>(aux + AUX_NUM + (<usize>slot << 3), v);
      } else if (
        keyIs(k0, kn, K_SEQ, 11) ||
        keyIs(k0, kn, K_MSG, 3) ||
        keyIs(k0, kn, K_TIME, 4) ||
        (index != 1 && keyIs(k0, kn, K_LEVEL, 5)) ||
        (index != 0 && keyIs(k0, kn, K_MESSAGE, 7))
      )
        return false;
    }
    index++;
    p = jws(p, e);
    if (p >= e) return false;
    const d = u8at(p);
    if (d == 125) return jws(p + 1, e) == e;
    if (d != 44) return false;
    p = jws(p + 1, e);
  }
  return false;
}

// ---- agents-js dev output (pino-pretty) --------------------------------------------------------
//
// `[HH:MM:ss.SSS] LEVEL (pid): message` in colour, then the job's bindings and the record's fields,
// one a line at four spaces: `    jobID: "…"`, `    room_id: "…"`, `    key: value`… The full path
// holds the header until a line that is not its continuation, reads the fields (parsePrettyFields)
// and classifies the record. A record is taken when its header is exactly this, its message one no
// rule reads, its first two fields its job and room SID and the others one-line fields that name no
// job, pid, thread, room or participant, all in printable ASCII, and the next line begins the next
// record (`[`). Its time is the time of day (JavaScript dates it, as the full path's DayClock does).

const PRETTY_JOB: usize = memory.data<u8>([32, 32, 32, 32, 106, 111, 98, 73, 68, 58, 32, 34]); // ····jobID: "
const PRETTY_ROOM: usize = memory.data<u8>([32, 32, 32, 32, 114, 111, 111, 109, 95, 105, 100, 58, 32, 34]); // ····room_id: "
const K_PARTICIPANT: usize = memory.data<u8>([112, 97, 114, 116, 105, 99, 105, 112]); // particip
/** The owner key of a pino-pretty record: `(pid)` and its job and room lines. */
const KEYBUF: usize = SCRATCH + SCRATCH_CAP - 1024;

/** A key the full path reads as job, pid, thread, room or participant (contextFromFields). */
function prettyContextKey(k: usize): bool {
  const c = u8at(k);
  if (c == 106) return u8at(k + 1) == 111 && u8at(k + 2) == 98; // job…
  if (c == 114) return u8at(k + 1) == 111 && u8at(k + 2) == 111 && u8at(k + 3) == 109; // room…
  if (c == 112) return (u8at(k + 1) == 105 && u8at(k + 2) == 100) || same(k, K_PARTICIPANT, 8); // pid…, particip…
  if (c == 116) return u8at(k + 1) == 105 && u8at(k + 2) == 100; // tid…
  if (c == 108) return same(k, PYJ_RNAME + 1, 16); // lk.pii.room_name
  return false;
}

/** The end of the line at `q` (its newline) when it is all printable ASCII, else 0; `end` when it has none. */
function asciiLine(q: usize, end: usize): usize {
  const lo = i8x16.splat(0x20);
  const hi = i8x16.splat(0x7e);
  let p = q;
  while (p + 16 <= end) {
    const v = v128.load(p);
    const bad = i8x16.bitmask(v128.or(i8x16.lt_u(v, lo), i8x16.gt_u(v, hi)));
    if (bad != 0) {
      p += <usize>ctz(bad);
      return u8at(p) == 10 ? p : 0;
    }
    p += 16;
  }
  for (; p < end; p++) {
    const c = u8at(p);
    if (c < 0x20 || c > 0x7e) return c == 10 ? p : 0;
  }
  return end;
}

/** A pino-pretty record whose header is `[s, e)` (see above); -1 when taken, else a stop code. */
function pretty(s: usize, e: usize, esc: bool, next: usize, end: usize): i32 {
  let a = s;
  let n = e - s;
  if (esc) {
    const k = strip(s, e);
    if (k < 0) return STOP;
    a = SCRATCH;
    n = <usize>k;
  }
  if (n < 24) return STOP;
  const h = a + n;
  if (u8at(a + 3) != 58 || u8at(a + 6) != 58 || u8at(a + 9) != 46 || u8at(a + 13) != 93 || u8at(a + 14) != 32)
    return STOP;
  const hh = dd(a + 1);
  const mi = dd(a + 4);
  const se = dd(a + 7);
  const m1 = dd(a + 10);
  const m2 = u8at(a + 12) - 48;
  if (hh == 100 || mi == 100 || se == 100 || m1 == 100 || m2 >= 10) return STOP;
  let i = a + 15;
  while (i < h && u8at(i) == 32) i++;
  let level: i32;
  if (u8at(i) == 68 && load<u32>(i + 1) == 0x47554245 && u8at(i + 5) == 32) {
    level = 20; // DEBUG
    i += 6;
  } else if (load<u32>(i) == 0x4f464e49 && u8at(i + 4) == 32) {
    level = 30; // INFO
    i += 5;
  } else return STOP;
  if (u8at(i) != 40) return STOP;
  const d0 = i + 1;
  const d1 = digits(d0, 9);
  if (d1 == 0 || u8at(d1) != 41 || u8at(d1 + 1) != 58 || u8at(d1 + 2) != 32) return STOP;
  // The message: what the pattern's `(.*)` takes (no CR, U+2028 or U+2029), nothing for trimEnd.
  const m0 = d1 + 3;
  if (m0 >= h) return STOP;
  const last = u8at(h - 1);
  if (last <= 32 || last >= 127) return STOP;
  for (let k = nextOf(m0, h, 13, 0xe2, false); k < h; k = nextOf(k + 1, h, 13, 0xe2, false)) {
    if (u8at(k) == 13) return STOP;
    if (u8at(k + 1) == 0x80 && (u8at(k + 2) == 0xa8 || u8at(k + 2) == 0xa9)) return STOP;
  }

  // The fields: the job and room lines first, then one-line fields, then the next record. The
  // job and room lines are those the owner this pid had last was found with (the pid's digits too:
  // `(07)` is not `(7)`), or they are read and looked up: the same bytes are read alike.
  const f0 = next;
  const pl = d1 - d0;
  let pid: u32 = 0;
  for (let k = d0; k < d1; k++) pid = pid * 10 + u8at(k) - 48;
  const cached = PID_CACHE + <usize>(pid & (PID_CACHE_SLOTS - 1)) * 16;
  let owner: i32 = -1;
  let keyEnd: usize = 0;
  if (load<i32>(cached, 12) != 0 && load<u32>(cached) == pid && (load<u32>(cached, 4) & 15) == <u32>pl) {
    const kl = <usize>(load<u32>(cached, 4) >> 4);
    if (f0 + kl < end && u8at(f0 + kl) == 10 && same(f0, ARENA + <usize>load<u32>(cached, 8), kl)) {
      owner = load<i32>(cached, 12) - 1;
      keyEnd = f0 + kl;
    }
  }
  if (owner < 0) {
    if (f0 + 14 > end || !same(f0, PRETTY_JOB, 12)) return STOP;
    let j = idEnd(f0 + 12, end);
    if (j == 0 || u8at(j + 1) != 10 || !same(j + 2, PRETTY_ROOM, 14)) return STOP;
    j = idEnd(j + 16, end);
    if (j == 0 || u8at(j + 1) != 10) return STOP;
    keyEnd = j + 1;
  }
  let q = keyEnd + 1;
  let more = 2;
  while (q < end && u8at(q) == 32) {
    if (load<u32>(q) != 0x20202020 || more >= 100) return STOP;
    const k0 = q + 4;
    let k = k0;
    for (;;) {
      const c = u8at(k) | 32;
      if ((c - 97 < 26 || u8at(k) - 48 < 10 || u8at(k) == 95 || u8at(k) == 46 || u8at(k) == 45) && k < end) k++;
      else break;
    }
    if (k == k0 || u8at(k) != 58 || prettyContextKey(k0)) return STOP;
    const le = asciiLine(k, end);
    if (le == 0 || le >= end) return STOP;
    more++;
    q = le + 1;
  }
  if (q >= end || u8at(q) != 91) return STOP;
  const fieldsEnd = q - 1;

  // The owner: `(pid)` and the job and room lines, one key.
  if (owner < 0) {
    const kl = keyEnd - f0;
    if (kl + pl + 2 > 1024) return STOP;
    store<u8>(KEYBUF, 40);
    memory.copy(KEYBUF + 1, d0, pl);
    store<u8>(KEYBUF + 1 + pl, 41);
    memory.copy(KEYBUF + 2 + pl, f0, kl);
    owner = lookup(OWNERS, KEYBUF, KEYBUF + 2 + pl + kl);
    if (owner < 0) return NEW_OWNER;
    store<u32>(cached, pid);
    store<u32>(cached, (<u32>kl << 4) | <u32>pl, 4);
    store<u32>(cached, foundAt + <u32>pl + 2, 8);
    store<i32>(cached, owner + 1, 12);
  }
  const msg = lookup(PYJ_MSGS, m0, h);
  if (msg < 0) {
    setI(R_FORMAT, 3);
    return NEW_MSG;
  }
  const kind = load<u8>(PYJ_KIND + <usize>msg);
  if (kind == 0 || kind == 3) return STOP;
  const time = <f64>(((hh * 60 + mi) * 60 + se) * 1000 + m1 * 10 + m2);
  spanNext = q;
  spanMore = more;
  if (kind == 2) {
    // A turn marker's evidence: the header without its colour codes, then its fields.
    const used = resI(R_TEXT_USED);
    const fl = fieldsEnd - f0;
    const total = n + 1 + fl;
    memory.copy(TEXT + <usize>used, a, n);
    store<u8>(TEXT + <usize>used + n, 10);
    memory.copy(TEXT + <usize>used + n + 1, f0, fl);
    textAt = used;
    setI(R_TEXT_USED, used + <i32>total);
    return taken(owner, msg, kind, level, 4, time, <i32>total);
  }
  return taken(owner, msg, kind, level, 4, time);
}
