/**
 * A min-heap of items by deadline, for timers over many sessions. An item is queued again when one
 * of its deadlines comes nearer, so the heap may hold older entries for it: an entry counts only
 * while its deadline is still the item's `dueAt`, and stale ones are dropped as they surface.
 *
 * Reading a log, every user turn arms a timer and most fire: deadlines live in a typed array, and
 * an entry moves by sliding a hole along its path (one write a level, not a swap). Most deadlines
 * come in order (a turn's time plus a fixed delay, in log order): one no earlier than the last one
 * queued so goes to a queue in arrival order instead, and each pop takes the earlier of the two
 * fronts.
 */
export class DeadlineHeap<T extends { dueAt?: number }> {
  private at = new Float64Array(64);
  private items: (T | undefined)[] = [];
  private n = 0;
  /** The queue in arrival order: a ring of `fifoAt.length` (a power of two) slots. */
  private fifoAt = new Float64Array(64);
  private fifoItems: (T | undefined)[] = new Array<T | undefined>(64);
  private head = 0;
  private count = 0;

  get size(): number {
    return this.n + this.count;
  }

  push(at: number, item: T): void {
    const q = this.fifoAt;
    const mask = q.length - 1;
    if (this.count === 0 || (q[(this.head + this.count - 1) & mask] as number) <= at) {
      if (this.count === q.length) this.growFifo();
      const i = (this.head + this.count) & (this.fifoAt.length - 1);
      this.fifoAt[i] = at;
      this.fifoItems[i] = item;
      this.count++;
      return;
    }
    this.heapPush(at, item);
  }

  /** The next item whose current deadline is at or before `now`, removed; undefined when none. */
  popDue(now: number): T | undefined {
    for (;;) {
      const fromFifo =
        this.count > 0 && (this.n === 0 || (this.fifoAt[this.head] as number) <= (this.at[0] as number));
      let at: number;
      let item: T;
      if (fromFifo) {
        at = this.fifoAt[this.head] as number;
        if (at > now) return undefined;
        item = this.fifoItems[this.head] as T;
        this.fifoItems[this.head] = undefined;
        this.head = (this.head + 1) & (this.fifoAt.length - 1);
        this.count--;
      } else {
        if (this.n === 0) return undefined;
        at = this.at[0] as number;
        if (at > now) return undefined;
        item = this.items[0] as T;
        this.removeTop();
      }
      if (item.dueAt === at) return item;
    }
  }

  private growFifo(): void {
    const len = this.fifoAt.length;
    const at = new Float64Array(len * 2);
    const items = new Array<T | undefined>(len * 2);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (len - 1);
      at[k] = this.fifoAt[i] as number;
      items[k] = this.fifoItems[i];
    }
    this.fifoAt = at;
    this.fifoItems = items;
    this.head = 0;
  }

  private heapPush(at: number, item: T): void {
    if (this.n === this.at.length) {
      const grown = new Float64Array(this.n * 2);
      grown.set(this.at);
      this.at = grown;
    }
    const a = this.at;
    const items = this.items;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pa = a[parent] as number;
      if (pa <= at) break;
      a[i] = pa;
      items[i] = items[parent];
      i = parent;
    }
    a[i] = at;
    items[i] = item;
  }

  private removeTop(): void {
    const n = --this.n;
    const a = this.at;
    const items = this.items;
    const lastAt = a[n] as number;
    const lastItem = items[n];
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
      i = c;
    }
    a[i] = lastAt;
    items[i] = lastItem;
  }
}
