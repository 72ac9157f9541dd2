/**
 * Counts repeated events (dropped rows) and reports them once per burst
 * with the totals, instead of once per event (STYLE.md #7). A burst runs
 * from its first event for `windowMs`; its report fires when it ends.
 */
export type BurstReport = (
  total: number,
  byReason: Record<string, number>,
) => void;

/** One counter per kind of repeated event. */
export class BurstCounter {
  readonly #windowMs: number;
  readonly #report: BurstReport;
  #total = 0;
  #byReason: Record<string, number> = {};
  #timer: NodeJS.Timeout | null = null;

  constructor(windowMs: number, report: BurstReport) {
    this.#windowMs = windowMs;
    this.#report = report;
  }

  /** Count `n` events of one reason; the first opens a burst. */
  add(n: number, reason: string): void {
    if (n <= 0) return;

    this.#total += n;
    this.#byReason[reason] = (this.#byReason[reason] ?? 0) + n;
    if (this.#timer !== null) return;

    this.#timer = setTimeout(() => this.end(), this.#windowMs);
    this.#timer.unref();
  }

  /** Close the open burst now and report it (used at shutdown). */
  end(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#total === 0) return;

    const total = this.#total;
    const byReason = this.#byReason;
    this.#total = 0;
    this.#byReason = {};
    this.#report(total, byReason);
  }
}
