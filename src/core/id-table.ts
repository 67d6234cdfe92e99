/**
 * Values by unique integer id, for what is in flight and comes and goes all the time (script
 * calls, runs, requests): added and deleted once each, thousands of times a second under load.
 *
 * Not a Map or a Set. When a Map has seen as many additions as it has room for, V8 moves its
 * entries to a new table and leaves the old one pointing at the new one, its own entries still
 * in it. Under such churn the old tables form a chain from old space through the young
 * generation, so every value that passed through the Map since the last scavenge survives it
 * and is promoted with all it holds. Measured with script calls, 10 in flight: the runner's Map
 * of calls made 21 % of everything the main thread allocated survive into the old generation,
 * and tripled the time spent in scavenges; with this table 3-5 %.
 *
 * A ring of slots indexed by the id's low bits: adding and deleting are two array stores. Ids
 * given out in increasing order (as callers do) land in free slots; an id whose slot is still
 * held by an older one (a call that runs long) goes to a small Map beside, which sees only those
 * few. The ring doubles when it is half full.
 *
 * Ids come from the caller (`set`: a script call's id, which the worker echoes) or from the table
 * (`add`); one table uses one or the other.
 */
export class IdTable<V> {
  private slotIds = new Float64Array(64).fill(-1);
  private slots: (V | undefined)[] = new Array<V | undefined>(64).fill(undefined);
  private mask = 63;
  private readonly overflow = new Map<number, V>();
  private count = 0;
  private lastId = 0;

  get size(): number {
    return this.count;
  }

  get(id: number): V | undefined {
    const i = id & this.mask;
    if (this.slotIds[i] === id) return this.slots[i];
    return this.overflow.size === 0 ? undefined : this.overflow.get(id);
  }

  has(id: number): boolean {
    return this.slotIds[id & this.mask] === id || this.overflow.has(id);
  }

  /** Keep `value` under a new id (the previous one plus one); returns the id. */
  add(value: V): number {
    const id = ++this.lastId;
    this.set(id, value);
    return id;
  }

  /** `id`: a non-negative integer below 2^53. */
  set(id: number, value: V): void {
    const i = id & this.mask;
    const held = this.slotIds[i];
    if (held === id) {
      this.slots[i] = value;
      return;
    }
    if (this.overflow.has(id)) {
      this.overflow.set(id, value);
      return;
    }
    this.count++;
    if (held === -1) {
      this.slotIds[i] = id;
      this.slots[i] = value;
    } else {
      this.overflow.set(id, value);
    }
    if (this.count * 2 > this.slotIds.length) this.grow();
  }

  delete(id: number): boolean {
    const i = id & this.mask;
    if (this.slotIds[i] === id) {
      this.slotIds[i] = -1;
      this.slots[i] = undefined;
    } else if (!this.overflow.delete(id)) {
      return false;
    }
    this.count--;
    return true;
  }

  /** The values now, in id order (a copy: deleting while looping over it is safe). */
  values(): V[] {
    return this.ids().map((id) => this.get(id) as V);
  }

  /** The ids now, in order (a copy). */
  ids(): number[] {
    const out: number[] = [];
    for (const id of this.slotIds) if (id !== -1) out.push(id);
    for (const id of this.overflow.keys()) out.push(id);
    return out.sort((a, b) => a - b);
  }

  private grow(): void {
    const entries = this.ids().map((id) => [id, this.get(id) as V] as const);
    const size = this.slotIds.length * 2;
    this.slotIds = new Float64Array(size).fill(-1);
    this.slots = new Array<V | undefined>(size).fill(undefined);
    this.mask = size - 1;
    this.overflow.clear();
    this.count = 0;
    for (const [id, value] of entries) this.set(id, value);
  }
}
