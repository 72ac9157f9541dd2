/**
 * Bearer-token authentication against the master key: SHA-256 digests
 * compared in constant time, and one 401 body for every bad token
 * (RELIABILITY.md row 17). Virtual keys plug in through `fallback`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidApiKeyError, MissingApiKeyError } from '../errors.js';
import type { Authenticator, Caller } from '../http/services.js';

const kMaster: Caller = Object.freeze({ keyId: 'master', models: null });
const kAnonymous: Caller = Object.freeze({ keyId: 'anonymous', models: null });

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

/** Master-key authenticator, optionally extended by virtual keys. */
export class MasterKeyAuth implements Authenticator {
  readonly required: boolean;
  private readonly masterDigest: Buffer | null;
  private lookup: KeyLookup | null = null;

  constructor(masterKey: string | null) {
    this.required = masterKey !== null && masterKey !== '';
    this.masterDigest = this.required ? digest(masterKey as string) : null;
  }

  /** Install the virtual-key lookup (the store's key cache). */
  setLookup(lookup: KeyLookup): void {
    this.lookup = lookup;
  }

  /** True when `token` is the master key. */
  isMaster(token: string): boolean {
    if (this.masterDigest === null || token === '') return false;
    return timingSafeEqual(digest(token), this.masterDigest);
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
