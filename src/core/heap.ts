/**
 * A min-heap of items by deadline, for timers over many sessions. An item is queued again when one
 * of its deadlines comes nearer, so the heap may hold older entries for it: an entry counts only
 * while its deadline is still the item's `dueAt`, and stale ones are dropped as they surface.
 *
 * Reading a log, every user turn arms a timer and most fire: deadlines live in typed arrays, and
 * an entry moves by sliding a hole along its path (one write a level, not a swap). Most deadlines
 * come in order within a kind (a turn's time plus a fixed delay, in log order: 8 s for an answer,
 * 60 s for any output), so a few queues in arrival order take them instead: one goes to the queue
 * whose last deadline is the latest at or before it (and not far before: see FIFO_GAP_MS), and only
 * one that fits none goes to the heap.
 * Each pop takes the earliest of the fronts.
 *
 * Most stale entries are dropped without reading their item (which is rarely in cache when its
 * entry surfaces): each item has a number (`heapSlot`), and the deadline of its latest entry is
 * kept by that number (`latest`). An entry whose deadline is not its item's latest is stale (an
 * item's `dueAt` only becomes a number when it is pushed with it); one whose deadline is, is
 * checked against the item's `dueAt`, which may since have been cleared.
 */
export class DeadlineHeap<T extends { dueAt?: number; heapSlot?: number }> {
  private at = new Float64Array(64);
  private items: (T | undefined)[] = [];
  /** The entries' items' numbers. */
  private slots = new Int32Array(64);
  private n = 0;
  /** By item number: the deadline of its latest entry. */
  private latest = new Float64Array(64);
  private numbered = 0;
  /** The queues in arrival order: rings of a power of two slots each. */
  private readonly fifos: Fifo<T>[] = Array.from({ length: FIFOS }, () => new Fifo<T>());

  get size(): number {
    let size = this.n;
    for (const q of this.fifos) size += q.count;
    return size;
  }

  push(at: number, item: T): void {
    let slot = item.heapSlot;
    if (slot === undefined) {
      slot = this.numbered++;
      item.heapSlot = slot;
      if (slot === this.latest.length) {
        const grown = new Float64Array(slot * 2);
        grown.set(this.latest);
        this.latest = grown;
      }
    }
    this.latest[slot] = at;
    // The queue whose last deadline is the latest not after this one (an empty one if none is).
    let best: Fifo<T> | undefined;
    let bestTail = Number.NEGATIVE_INFINITY;
    let empty: Fifo<T> | undefined;
    for (const q of this.fifos) {
      if (q.count === 0) {
        empty ??= q;
        continue;
      }
      const tail = q.tail();
      if (tail <= at && (best === undefined || tail > bestTail)) {
        best = q;
        bestTail = tail;
      }
    }
    // A deadline far after a queue's last one is of another kind (a hang's after an answer's):
    // appended there it would hold back every later one of that queue's kind.
    if (best !== undefined && at - bestTail > FIFO_GAP_MS) best = undefined;
    const q = best ?? empty;
    if (q !== undefined) q.push(at, item, slot);
    else this.heapPush(at, item, slot);
  }

  /** The next item whose current deadline is at or before `now`, removed; undefined when none. */
  popDue(now: number): T | undefined {
    const fifos = this.fifos;
    for (;;) {
      // The earliest front: the heap's, or a queue's (a queue first on a tie).
      let from: Fifo<T> | undefined;
      let at = this.n > 0 ? (this.at[0] as number) : Number.POSITIVE_INFINITY;
      for (let i = 0; i < fifos.length; i++) {
        const q = fifos[i] as Fifo<T>;
        if (q.count > 0) {
          const front = q.front();
          if (front <= at) {
            at = front;
            from = q;
          }
        }
      }
      if (from === undefined && this.n === 0) return undefined;
      if (!(at <= now)) return undefined;
      const slot = from !== undefined ? from.frontSlot() : (this.slots[0] as number);
      let item: T;
      if (from !== undefined) item = from.shift();
      else {
        item = this.items[0] as T;
        this.removeTop();
      }
      // Not its item's latest entry: stale, its item left unread.
      if (this.latest[slot] !== at) continue;
      // (undefined first: a comparison that only ever sees numbers stays a number compare)
      const due = item.dueAt;
      if (due !== undefined && due === at) return item;
    }
  }

  private heapPush(at: number, item: T, slot: number): void {
    if (this.n === this.at.length) {
      const grown = new Float64Array(this.n * 2);
      grown.set(this.at);
      this.at = grown;
      const slots = new Int32Array(this.n * 2);
      slots.set(this.slots);
      this.slots = slots;
    }
    const a = this.at;
    const items = this.items;
    const slots = this.slots;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pa = a[parent] as number;
      if (pa <= at) break;
      a[i] = pa;
      items[i] = items[parent];
      slots[i] = slots[parent] as number;
      i = parent;
    }
    a[i] = at;
    items[i] = item;
    slots[i] = slot;
  }

  private removeTop(): void {
    const n = --this.n;
    const a = this.at;
    const items = this.items;
    const slots = this.slots;
    const lastAt = a[n] as number;
    const lastItem = items[n];
    const lastSlot = slots[n] as number;
    items[n] = undefined;
    if (n === 0) return;
    // Slide the hole at the root down to where the last entry belongs.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (a[r] as number) < (a[l] as number) ? r : l;
      const ca = a[c] as number;
      if (ca >= lastAt) break;
      a[i] = ca;
      items[i] = items[c];
      slots[i] = slots[c] as number;
      i = c;
    }
    a[i] = lastAt;
    items[i] = lastItem;
    slots[i] = lastSlot;
  }
}

/** How many queues in arrival order: one per kind of deadline, and room for more. */
const FIFOS = 4;
/** How far after a queue's last deadline one may be to join it. */
const FIFO_GAP_MS = 5000;

/** A queue in arrival order of deadlines that never decrease: a ring of a power of two slots. */
class Fifo<T> {
  private at = new Float64Array(64);
  private items: (T | undefined)[] = new Array<T | undefined>(64);
  private slots = new Int32Array(64);
  private head = 0;
  count = 0;

  front(): number {
    return this.at[this.head] as number;
  }

  /** The number of the front entry's item. */
  frontSlot(): number {
    return this.slots[this.head] as number;
  }

  tail(): number {
    return this.at[(this.head + this.count - 1) & (this.at.length - 1)] as number;
  }

  push(at: number, item: T, slot: number): void {
    if (this.count === this.at.length) this.grow();
    const i = (this.head + this.count) & (this.at.length - 1);
    this.at[i] = at;
    this.items[i] = item;
    this.slots[i] = slot;
    this.count++;
  }

  shift(): T {
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.at.length - 1);
    this.count--;
    return item;
  }

  private grow(): void {
    const len = this.at.length;
    const at = new Float64Array(len * 2);
    const items = new Array<T | undefined>(len * 2);
    const slots = new Int32Array(len * 2);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (len - 1);
      at[k] = this.at[i] as number;
      items[k] = this.items[i];
      slots[k] = this.slots[i] as number;
    }
    this.at = at;
    this.items = items;
    this.slots = slots;
    this.head = 0;
  }
}
