/**
 * One pino root for the process (STYLE.md #7). Components ask for a child
 * once with `getLogger(name)`; requests bind a child to their ids.
 * Secrets are redacted at the sink, whatever the call site passes.
 */
import pino from 'pino';
import type { Logger, DestinationStream } from 'pino';

export type { Logger } from 'pino';

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

let root: Logger = pino({ level: 'info', redact: [...kRedactPaths] });
const children = new Map<string, Logger>();

/** Replace the root logger; call once at start-up, before components. */
export function configureLogging(opts: LoggingOptions): Logger {
  const base = {
    level: opts.level,
    redact: { paths: [...kRedactPaths], censor: '[redacted]' },
    base: { pid: process.pid },
  };
  root = opts.destination ? pino(base, opts.destination) : pino(base);
  children.clear();
  return root;
}

function childOf(component: string): Logger {
  let child = children.get(component);
  if (child === undefined) {
    child = root.child({ component });
    children.set(component, child);
  }
  return child;
}

/**
 * The logger of one component. Modules take it at load time, before
 * `configureLogging` runs, so it forwards to the current root's child.
 */
export function getLogger(component: string): Logger {
  return new Proxy({} as Logger, {
    get: (_t, prop) => {
      const child = childOf(component);
      const v = Reflect.get(child, prop, child) as unknown;
      return typeof v === 'function' ? v.bind(child) : v;
    },
  });
}

/** Strip `key=` / `api_key=` style query parameters from a URL string. */
export function redactUrl(url: string): string {
  return url.replace(
    /([?&](?:api[-_]?key|key|token|access_token|secret)=)[^&#]*/gi,
    '$1[redacted]',
  );
}
