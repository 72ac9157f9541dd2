/** Command-line flags of `routeiq` (LiteLLM's `--config`, `--port`). */
import { parseArgs } from 'node:util';
import { refuse } from './reader.js';

/** Parsed flags; null where not given. */
export interface CliArgs {
  readonly config: string;
  readonly port: number | null;
  readonly host: string | null;
}

/** Parse argv (without node and script). */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
    },
    strict: true,
  });
  let port: number | null = null;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      refuse('--port', 'must be a port number');
    }
  }
  return {
    config: values.config ?? 'config/gateway.yaml',
    port,
    host: values.host ?? null,
  };
}
