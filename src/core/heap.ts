/**
 * A min-heap of items by deadline, for timers over many sessions. An item is queued again when one
 * of its deadlines comes nearer, so the heap may hold older entries for it: an entry counts only
 * while its deadline is still the item's `dueAt`, and stale ones are dropped as they surface.
 */
export class DeadlineHeap<T extends { dueAt?: number }> {
  private readonly at: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.at.length;
  }

  push(at: number, item: T): void {
    this.at.push(at);
    this.items.push(item);
    this.up(this.at.length - 1);
  }

  /** The next item whose current deadline is at or before `now`, removed; undefined when none. */
  popDue(now: number): T | undefined {
    while (this.at.length > 0 && this.at[0]! <= now) {
      const at = this.at[0]!;
      const item = this.items[0]!;
      this.removeTop();
      if (item.dueAt === at) return item;
    }
    return undefined;
  }

  private removeTop(): void {
    const lastAt = this.at.pop()!;
    const lastItem = this.items.pop()!;
    if (this.at.length === 0) return;
    this.at[0] = lastAt;
    this.items[0] = lastItem;
    this.down(0);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.at[parent]! <= this.at[i]!) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.at.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < n && this.at[l]! < this.at[min]!) min = l;
      if (r < n && this.at[r]! < this.at[min]!) min = r;
      if (min === i) return;
      this.swap(i, min);
      i = min;
    }
  }

  private swap(a: number, b: number): void {
    const at = this.at[a]!;
    this.at[a] = this.at[b]!;
    this.at[b] = at;
    const item = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = item;
  }
}
