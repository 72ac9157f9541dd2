/**
 * A fixed-capacity FIFO over a ring buffer (STYLE.md #13: no Array#shift).
 *
 * Invariants: 0 <= size <= capacity; the oldest item sits at `head`; slots
 * outside [head, head + size) hold undefined so dropped rows can be
 * collected. Readers peek at the head and remove only what they finished
 * with, so an item being written still counts as queued.
 */
export class RingQueue<T> {
  readonly capacity: number;
  #slots: (T | undefined)[];
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('capacity must be a positive integer');
    }
    this.capacity = capacity;
    this.#slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  /** Items held now. */
  get size(): number {
    return this.#size;
  }

  /** Append one item; false (and nothing stored) when full. */
  push(item: T): boolean {
    if (this.#size === this.capacity) return false;

    this.#slots[(this.#head + this.#size) % this.capacity] = item;
    this.#size += 1;
    return true;
  }

  /** Copy of up to `n` of the oldest items, oldest first; removes none. */
  peek(n: number): T[] {
    const count = Math.min(n, this.#size);
    const out: T[] = [];
    for (let i = 0; i < count; i += 1) {
      out.push(this.#slots[(this.#head + i) % this.capacity] as T);
    }
    return out;
  }

  /** Remove up to `n` of the oldest items; returns how many went. */
  remove(n: number): number {
    const count = Math.min(n, this.#size);
    for (let i = 0; i < count; i += 1) {
      this.#slots[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.capacity;
    }
    this.#size -= count;
    return count;
  }
}
