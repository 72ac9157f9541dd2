/**
 * Cancelling one upstream attempt without an AbortController per
 * attempt (their creation shows in hot-path profiles): a flag and one
 * hook, with an AbortSignal made only for a provider that asks for one.
 */
export class Cancellation {
  #cancelled = false;
  #hook: (() => void) | null = null;
  #controller: AbortController | null = null;

  /** True once `cancel` was called. */
  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** An AbortSignal that follows this cancellation (made on first use). */
  get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this.#cancelled) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  /** Run `hook` on cancel (at once if already cancelled); null clears. */
  onCancel(hook: (() => void) | null): void {
    this.#hook = hook;
    if (this.#cancelled) hook?.();
  }

  /** Cancel: the hook runs once and the signal (if made) aborts. */
  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    const hook = this.#hook;
    this.#hook = null;
    hook?.();
    this.#controller?.abort();
  }
}
