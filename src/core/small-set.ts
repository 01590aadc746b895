// A set that is almost always of one element — a session's process ids, its log files — kept as
// that element until a second one comes: a log of a million jobs keeps a million of them, and a
// Set costs some 200 bytes where one value costs none.

export class SmallSet<T> implements Iterable<T> {
  private one: T | undefined;
  private more: Set<T> | undefined;

  get size(): number {
    return this.more !== undefined ? this.more.size : this.one !== undefined ? 1 : 0;
  }

  has(v: T): boolean {
    return this.more !== undefined ? this.more.has(v) : this.one === v && v !== undefined;
  }

  add(v: T): this {
    if (this.more !== undefined) this.more.add(v);
    else if (this.one === undefined) this.one = v;
    else if (this.one !== v) this.more = new Set([this.one, v]);
    return this;
  }

  *[Symbol.iterator](): Iterator<T> {
    if (this.more !== undefined) yield* this.more;
    else if (this.one !== undefined) yield this.one;
  }
}
