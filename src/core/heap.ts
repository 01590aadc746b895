/**
 * A min-heap of items by deadline, for timers over many sessions. An item is queued again when one
 * of its deadlines comes nearer, so the heap may hold older entries for it: an entry counts only
 * while its deadline is still the item's `dueAt`, and stale ones are dropped as they surface.
 *
 * Reading a log, every user turn arms a timer and most fire: deadlines live in a typed array, and
 * an entry moves by sliding a hole along its path (one write a level, not a swap).
 */
export class DeadlineHeap<T extends { dueAt?: number }> {
  private at = new Float64Array(64);
  private items: (T | undefined)[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  push(at: number, item: T): void {
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

  /** The next item whose current deadline is at or before `now`, removed; undefined when none. */
  popDue(now: number): T | undefined {
    const a = this.at;
    while (this.n > 0 && (a[0] as number) <= now) {
      const at = a[0] as number;
      const item = this.items[0] as T;
      this.removeTop();
      if (item.dueAt === at) return item;
    }
    return undefined;
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
