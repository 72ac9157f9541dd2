/**
 * A sliding-window counter in constant memory: counts in the current and
 * previous fixed windows, with the previous one weighted by how much of
 * it still overlaps the last `windowMs`. Windows are aligned to the epoch
 * so every replica's minute starts at the same instant, which lets
 * replicas exchange their counts per window (`counts`, `replace`).
 */

/** The counts of the two windows a `SlidingWindow` holds. */
export interface WindowCounts {
  /** Start of the current window, epoch ms (a multiple of windowMs). */
  readonly start: number;
  readonly current: number;
  readonly previous: number;
}

export class SlidingWindow {
  readonly #windowMs: number;
  #start = 0;
  #current = 0;
  #previous = 0;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** Estimated amount counted in the `windowMs` ending at `now`. */
  total(now: number): number {
    this.#roll(now);
    const overlap = 1 - (now - this.#start) / this.#windowMs;
    return this.#previous * overlap + this.#current;
  }

  /** Count `n` at `now`. */
  add(n: number, now: number): void {
    this.#roll(now);
    this.#current += n;
  }

  /** Whole seconds until the current window ends (at least 1). */
  secondsLeft(now: number): number {
    this.#roll(now);
    return Math.max(1, Math.ceil((this.#start + this.#windowMs - now) / 1000));
  }

  /** The raw counts as of `now`, for sharing with other replicas. */
  counts(now: number): WindowCounts {
    this.#roll(now);
    return {
      start: this.#start,
      current: this.#current,
      previous: this.#previous,
    };
  }

  /** Take counts read elsewhere; they age from `counts.start` on. */
  replace(counts: WindowCounts): void {
    this.#start = counts.start;
    this.#current = counts.current;
    this.#previous = counts.previous;
  }

  #roll(now: number): void {
    const start = now - (now % this.#windowMs);
    if (start === this.#start) return;

    // The window just before keeps its count; older ones count for nothing.
    const adjacent = start - this.#start === this.#windowMs;
    this.#previous = adjacent ? this.#current : 0;
    this.#current = 0;
    this.#start = start;
  }
}
