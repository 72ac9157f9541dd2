/**
 * The part of autocannon's programmatic API the benchmark uses (the
 * package ships no types). See autocannon's README, "API".
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    connections?: number;
    pipelining?: number;
    duration?: number;
    /** Seconds before a request counts as timed out. */
    timeout?: number;
    /** Counted in `mismatches` when it returns false. */
    verifyBody?: (body: string) => boolean;
  }

  interface Result {
    requests: { total: number; average: number };
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    '2xx': number;
    duration: number;
    statusCodeStats?: Record<string, { count: number }>;
  }

  interface Instance extends EventEmitter {
    stop(): void;
    on(
      event: 'response',
      listener: (
        client: unknown,
        statusCode: number,
        resBytes: number,
        responseTimeMs: number,
      ) => void,
    ): this;
    on(event: 'reqError', listener: (err: Error) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  function autocannon(
    opts: Options,
    cb: (err: Error | null, result: Result) => void,
  ): Instance;

  export default autocannon;
  export type { Instance, Options, Result };
}
