/**
 * One pino root for the process (STYLE.md #7). Components ask for a child
 * once with `getLogger(name)`; requests bind a child to their ids.
 * Secrets are redacted at the sink, whatever the call site passes.
 */
import pino from 'pino';
import type { Logger as PinoLogger, DestinationStream } from 'pino';

/** Paths pino censors in every line (RELIABILITY.md, Security). */
export const kRedactPaths: readonly string[] = Object.freeze([
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.authorization',
  'api_key',
  '*.api_key',
  '*.*.api_key',
  'apiKey',
  '*.apiKey',
  'key',
  '*.key',
  'master_key',
  '*.master_key',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'password',
  '*.password',
]);

export interface LoggingOptions {
  readonly level: string;
  /** Where lines go; stdout when absent. Tests pass a capture stream. */
  readonly destination?: DestinationStream;
}

let root: PinoLogger = pino({ level: 'info', redact: [...kRedactPaths] });
const children = new Map<string, PinoLogger>();

/** Replace the root logger; call once at start-up, before components. */
export function configureLogging(opts: LoggingOptions): PinoLogger {
  const base = {
    level: opts.level,
    redact: { paths: [...kRedactPaths], censor: '[redacted]' },
    base: { pid: process.pid },
  };
  root = opts.destination ? pino(base, opts.destination) : pino(base);
  children.clear();
  generation++;
  return root;
}

function childOf(component: string): PinoLogger {
  let child = children.get(component);
  if (child === undefined) {
    child = root.child({ component });
    children.set(component, child);
  }
  return child;
}

let generation = 0;

/**
 * A component's logger. Modules take it at load time, before
 * `configureLogging` runs, so it resolves the current root's child on
 * use; the child is cached until the root changes (no per-call binding).
 */
class ComponentLogger {
  private readonly component: string;
  private cached: PinoLogger | null = null;
  private seen = -1;

  constructor(component: string) {
    this.component = component;
  }

  private get log(): PinoLogger {
    if (this.seen !== generation || this.cached === null) {
      this.cached = childOf(this.component);
      this.seen = generation;
    }
    return this.cached;
  }

  isLevelEnabled(level: string): boolean {
    return this.log.isLevelEnabled(level);
  }

  trace(obj: unknown, msg?: string): void {
    this.log.trace(obj, msg);
  }

  debug(obj: unknown, msg?: string): void {
    this.log.debug(obj, msg);
  }

  info(obj: unknown, msg?: string): void {
    this.log.info(obj, msg);
  }

  warn(obj: unknown, msg?: string): void {
    this.log.warn(obj, msg);
  }

  error(obj: unknown, msg?: string): void {
    this.log.error(obj, msg);
  }

  fatal(obj: unknown, msg?: string): void {
    this.log.fatal(obj, msg);
  }
}

/** The logger of one component (see ComponentLogger). */
export function getLogger(component: string): ComponentLogger {
  return new ComponentLogger(component);
}

/** What components log through. */
export type Logger = ComponentLogger;

/** Strip `key=` / `api_key=` style query parameters from a URL string. */
export function redactUrl(url: string): string {
  return url.replace(
    /([?&](?:api[-_]?key|key|token|access_token|secret)=)[^&#]*/gi,
    '$1[redacted]',
  );
}
