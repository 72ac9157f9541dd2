/**
 * A sliding-window counter in constant memory: counts in the current and
 * previous fixed windows, with the previous one weighted by how much of
 * it still overlaps the last `windowMs`. Windows are aligned to the epoch
 * so every replica's minute starts at the same instant.
 */
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
