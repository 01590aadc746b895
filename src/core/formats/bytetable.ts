// ByteTable: a small open-addressing hash table keyed by a range of bytes, so that the bulk reader
// can look up a job or a message it has seen before without decoding it into a string. The caller
// hashes the bytes as it scans them (`fnv`); a hit is confirmed byte for byte, so a collision
// costs a comparison, never a wrong answer. Bounded: past `limit` keys it starts afresh.

export const FNV_SEED = 0x811c9dc5 | 0;

/** One step of FNV-1a: fold the byte `c` into the hash `h`. */
export function fnv(h: number, c: number): number {
  return Math.imul(h ^ c, 16777619);
}

export class ByteTable<T> {
  private mask: number;
  private hashes: Int32Array;
  private keys: (Uint8Array | undefined)[];
  private vals: T[];
  private count = 0;

  constructor(
    private readonly limit = 16384,
    size = 256,
  ) {
    this.mask = size - 1;
    this.hashes = new Int32Array(size);
    this.keys = new Array<Uint8Array | undefined>(size).fill(undefined);
    this.vals = new Array<T>(size);
  }

  get size(): number {
    return this.count;
  }

  /** The value stored for the bytes `buf[start, end)`, whose hash is `h`; undefined when absent. */
  get(buf: Uint8Array, start: number, end: number, h: number): T | undefined {
    const len = end - start;
    for (let i = slot(h, this.mask); ; i = (i + 1) & this.mask) {
      const k = this.keys[i];
      if (k === undefined) return undefined;
      if (this.hashes[i] === h && k.length === len && same(k, buf, start)) return this.vals[i];
    }
  }

  set(buf: Uint8Array, start: number, end: number, h: number, value: T): void {
    if (this.count >= this.limit) this.clear();
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    // A copy: the caller's buffer is reused for the next chunk (and Buffer#slice would be a view).
    const key = new Uint8Array(end - start);
    key.set(buf.subarray(start, end));
    this.put(key, h, value);
  }

  clear(): void {
    this.keys.fill(undefined);
    this.vals = new Array<T>(this.mask + 1);
    this.count = 0;
  }

  private put(key: Uint8Array, h: number, value: T): void {
    let i = slot(h, this.mask);
    while (this.keys[i] !== undefined) {
      const k = this.keys[i] as Uint8Array;
      if (this.hashes[i] === h && k.length === key.length && same(k, key, 0)) break;
      i = (i + 1) & this.mask;
    }
    if (this.keys[i] === undefined) this.count++;
    this.keys[i] = key;
    this.hashes[i] = h;
    this.vals[i] = value;
  }

  private grow(): void {
    const { keys, hashes, vals } = this;
    const size = (this.mask + 1) * 2;
    this.mask = size - 1;
    this.hashes = new Int32Array(size);
    this.keys = new Array<Uint8Array | undefined>(size).fill(undefined);
    this.vals = new Array<T>(size);
    this.count = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== undefined) this.put(k, hashes[i] as number, vals[i] as T);
    }
  }
}

function slot(h: number, mask: number): number {
  // FNV's low bits are weak for keys that differ near their end: mix before masking.
  let x = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return (x ^ (x >>> 16)) & mask;
}

function same(key: Uint8Array, buf: Uint8Array, start: number): boolean {
  for (let k = 0; k < key.length; k++) if (key[k] !== buf[start + k]) return false;
  return true;
}
