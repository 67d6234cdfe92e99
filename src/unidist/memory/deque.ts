/** An array-backed FIFO with O(1) amortised shift (Array#shift is O(n) on long queues). */
export class Deque<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined as T; // drop the reference for the GC
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  pop(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    return this.items.pop();
  }

  peekOldest(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  peekNewest(): T | undefined {
    return this.head < this.items.length ? this.items[this.items.length - 1] : undefined;
  }

  toArray(): T[] {
    return this.items.slice(this.head);
  }
}
