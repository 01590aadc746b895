import { describe, expect, it } from 'vitest';
import { DeadlineHeap } from './heap.js';

interface Item {
  name: string;
  dueAt?: number;
}

function queue(heap: DeadlineHeap<Item>, item: Item, at: number): void {
  item.dueAt = at;
  heap.push(at, item);
}

describe('DeadlineHeap', () => {
  it('pops due items in deadline order and keeps the rest', () => {
    const heap = new DeadlineHeap<Item>();
    const items = [50, 10, 40, 30, 20, 60].map((at) => ({ name: `t${at}`, dueAt: at }));
    for (const item of items) heap.push(item.dueAt, item);
    const popped: string[] = [];
    for (let x = heap.popDue(45); x; x = heap.popDue(45)) popped.push(x.name);
    expect(popped).toEqual(['t10', 't20', 't30', 't40']);
    expect(heap.size).toBe(2);
    expect(heap.popDue(49)).toBeUndefined();
    expect(heap.popDue(1000)?.name).toBe('t50');
  });

  it('skips entries whose deadline is no longer the item’s', () => {
    const heap = new DeadlineHeap<Item>();
    const a: Item = { name: 'a' };
    queue(heap, a, 100);
    queue(heap, a, 20); // came nearer: the entry at 100 is stale
    expect(heap.popDue(50)).toBe(a);
    a.dueAt = undefined;
    expect(heap.popDue(150)).toBeUndefined();
    expect(heap.size).toBe(0);
  });

  it('drops an entry its item was queued again since without reading the item, and reads it when it may be due', () => {
    const heap = new DeadlineHeap<Item>();
    let reads = 0;
    let due: number | undefined;
    const a = {
      name: 'a',
      get dueAt() {
        reads++;
        return due;
      },
      set dueAt(v: number | undefined) {
        due = v;
      },
    } as Item;
    queue(heap, a, 100);
    queue(heap, a, 20);
    reads = 0;
    expect(heap.popDue(50)).toBe(a);
    expect(reads).toBe(1);
    a.dueAt = undefined;
    reads = 0;
    // The entry at 100 is not its latest (20 is): dropped unread.
    expect(heap.popDue(150)).toBeUndefined();
    expect(reads).toBe(0);
    // Its latest entry, its deadline cleared since: read, and dropped.
    queue(heap, a, 200);
    a.dueAt = undefined;
    reads = 0;
    expect(heap.popDue(250)).toBeUndefined();
    expect(reads).toBe(1);
    expect(heap.size).toBe(0);
  });

  it('stays ordered under many random pushes and pops', () => {
    const heap = new DeadlineHeap<Item>();
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 1000;
    const all: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const at = Math.floor(rand());
      all.push(at);
      heap.push(at, { name: String(i), dueAt: at });
    }
    const out: number[] = [];
    for (let x = heap.popDue(Infinity); x; x = heap.popDue(Infinity)) out.push(x.dueAt!);
    expect(out).toEqual([...all].sort((p, q) => p - q));
  });

  it('pops what is due in order while pushes and pops interleave', () => {
    const heap = new DeadlineHeap<Item>();
    let seed = 3;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const pending: number[] = [];
    let now = 0;
    for (let step = 0; step < 5000; step++) {
      for (let k = rand(4); k > 0; k--) {
        const at = now + rand(3000);
        pending.push(at);
        heap.push(at, { name: String(step), dueAt: at });
      }
      now += rand(700);
      const popped: number[] = [];
      for (let x = heap.popDue(now); x; x = heap.popDue(now)) popped.push(x.dueAt!);
      const due = pending.filter((at) => at <= now).sort((p, q) => p - q);
      expect(popped).toEqual(due);
      pending.splice(0, pending.length, ...pending.filter((at) => at > now));
      expect(heap.size).toBe(pending.length);
    }
  });

  it('keeps deadlines that mostly come in order (a queue in arrival order) sorted with the rest', () => {
    // Mostly a fixed delay after the time, in order; now and then an earlier or equal one.
    replay(9, { step: 5, every: 300, ahead: 9000 }, (t, rand) =>
      rand(10) === 0 ? t + rand(8000) : t + 8000,
    );
  });
});

describe('DeadlineHeap with deadlines of several kinds', () => {
  it('keeps two interleaved kinds of in-order deadlines (8 s and 60 s after log times) sorted', () => {
    // An answer's deadline, a hang's, now and then one of neither (a thinking or a start wait).
    replay(5, { step: 20, every: 250, ahead: 20_000 }, (t, rand) => {
      const kind = rand(7);
      return kind < 4 ? t + 8000 : kind < 6 ? t + 60_000 : t + rand(30_000);
    });
  });
});

/**
 * Pushes 20 000 deadlines made by `deadline` from a log time that moves up to `step` at a time,
 * popping what is due every `every` pushes (at up to `ahead` after the log time): each time, what
 * was pushed and is due must come out, in order, and only that.
 */
function replay(
  seed: number,
  o: { step: number; every: number; ahead: number },
  deadline: (t: number, rand: (n: number) => number) => number,
): void {
  const heap = new DeadlineHeap<Item>();
  const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const pending: number[] = [];
  let t = 0;
  for (let step = 0; step < 20_000; step++) {
    t += rand(o.step);
    const at = deadline(t, rand);
    pending.push(at);
    heap.push(at, { name: String(step), dueAt: at });
    if (step % o.every === o.every - 1) {
      const now = t + rand(o.ahead);
      const popped: number[] = [];
      for (let x = heap.popDue(now); x; x = heap.popDue(now)) popped.push(x.dueAt!);
      expect(popped).toEqual(pending.filter((a) => a <= now).sort((p, q) => p - q));
      pending.splice(0, pending.length, ...pending.filter((a) => a > now));
      expect(heap.size).toBe(pending.length);
    }
  }
}
