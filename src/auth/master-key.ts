/**
 * Bearer-token authentication against the master key: SHA-256 digests
 * compared in constant time, and one 401 body for every bad token
 * (RELIABILITY.md row 17). Virtual keys plug in through `setLookup`:
 * the lookup finds the caller, the check applies its limits per request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidApiKeyError, MissingApiKeyError } from '../errors.js';
import type { GatewayError } from '../errors.js';
import type { Authenticator, Caller } from '../http/services.js';

/** Key ids of the callers that are not virtual keys. */
export const kMasterKeyId = 'master';
export const kAnonymousKeyId = 'anonymous';

const kMaster: Caller = Object.freeze({ keyId: kMasterKeyId, models: null });
const kAnonymous: Caller = Object.freeze({
  keyId: kAnonymousKeyId,
  models: null,
});

/** SHA-256 digest of a token. */
export function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The token of an `Authorization: Bearer <token>` header, or ''. */
export function bearerToken(header: string): string {
  if (header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') {
    return '';
  }
  return header.slice(7).trim();
}

/** Looks a non-master token up (virtual keys); null when unknown. */
export type KeyLookup = (
  token: string,
  tokenDigest: Buffer,
) => Caller | null | Promise<Caller | null>;

/** Per-request check of a looked-up caller (model, limits, budget). */
export type CallerCheck = (
  caller: Caller,
  model: string,
) => GatewayError | null;

/** True for the master and anonymous callers, false for virtual keys. */
export function isBuiltInCaller(keyId: string): boolean {
  return keyId === kMasterKeyId || keyId === kAnonymousKeyId;
}

/** Master-key authenticator, optionally extended by virtual keys. */
export class MasterKeyAuth implements Authenticator {
  readonly required: boolean;
  private readonly masterDigest: Buffer | null;
  private lookup: KeyLookup | null = null;
  private check: CallerCheck | null = null;

  constructor(masterKey: string | null) {
    this.required = masterKey !== null && masterKey !== '';
    this.masterDigest = this.required ? digest(masterKey as string) : null;
  }

  /** Install the virtual-key lookup (the store's key cache). */
  setLookup(lookup: KeyLookup, check: CallerCheck | null = null): void {
    this.lookup = lookup;
    this.check = check;
  }

  /** True when `token` is the master key. */
  isMaster(token: string): boolean {
    if (this.masterDigest === null || token === '') return false;
    return timingSafeEqual(digest(token), this.masterDigest);
  }

  /**
   * Admin routes: the caller must hold the master key itself. Without a
   * configured master key there is no admin at all.
   */
  requireMaster(authorization: string): void {
    const token = bearerToken(authorization);
    if (token === '') throw new MissingApiKeyError();
    if (!this.isMaster(token)) throw new InvalidApiKeyError();
  }

  /** Virtual keys meet their checks; master and anonymous pass. */
  authorize(caller: Caller, model: string): GatewayError | null {
    if (this.check === null || caller === kMaster || caller === kAnonymous) {
      return null;
    }
    return this.check(caller, model);
  }

  authenticate(authorization: string): Caller | Promise<Caller> {
    if (!this.required) return kAnonymous;
    const token = bearerToken(authorization);
    if (token === '') throw new MissingApiKeyError();
    const d = digest(token);
    if (timingSafeEqual(d, this.masterDigest as Buffer)) return kMaster;
    if (this.lookup === null) throw new InvalidApiKeyError();
    const found = this.lookup(token, d);
    if (found instanceof Promise) {
      return found.then((c) => {
        if (c === null) throw new InvalidApiKeyError();
        return c;
      });
    }
    if (found === null) throw new InvalidApiKeyError();
    return found;
  }
}
