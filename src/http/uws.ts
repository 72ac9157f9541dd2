/**
 * Loads uWebSockets.js and refuses the package's silent fallback to its
 * JavaScript shim: a gateway on the shim would run, slowly, unnoticed.
 */
import { createRequire } from 'node:module';
import { UwsNativeMissingError } from '../errors.js';

import type * as Uws from '@trufflesuite/uws-js-unofficial';

export type {
  HttpRequest,
  HttpResponse,
  TemplatedApp,
} from '@trufflesuite/uws-js-unofficial';

const kRequire = createRequire(import.meta.url);

/** True when `mod` is the native binding, not the `ws`-based shim. */
export function isNativeUws(mod: unknown): boolean {
  const m = mod as Record<string, unknown>;
  // Only the native addon exports the socket-level helpers.
  return (
    typeof m['us_listen_socket_close'] === 'function' &&
    typeof m['getParts'] === 'function'
  );
}

/** The native uWS module; throws UwsNativeMissingError otherwise. */
export function loadUws(): typeof Uws {
  const mod = kRequire('@trufflesuite/uws-js-unofficial') as typeof Uws;
  if (!isNativeUws(mod)) {
    throw new UwsNativeMissingError({
      details: { node: process.version, abi: process.versions.modules },
    });
  }
  return mod;
}
