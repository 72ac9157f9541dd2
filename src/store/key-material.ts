/**
 * Virtual key material: generation, hashing, and the constant-time check
 * of a presented key against a stored SHA-256 (RELIABILITY.md, Security).
 * Keys carry 256 random bits, so a plain SHA-256 cannot be brute-forced;
 * only the hash is ever stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of every key the gateway issues. */
export const kKeyPrefix = 'sk-riq-';

/** A fresh key, shown to its owner once, and what is stored of it. */
export interface GeneratedKey {
  /** The secret: `sk-riq-` + 32 random bytes, base64url. */
  readonly key: string;
  /**
   * Public id (`vk_` + 12 hex) from its own random bytes, so it reveals
   * nothing of the key; 48 bits keep collisions out of reach.
   */
  readonly keyId: string;
  /** Hex SHA-256 of `key`. */
  readonly keyHash: string;
}

/** SHA-256 digest of a key, as bytes. */
export function keyDigest(rawKey: string): Buffer {
  return createHash('sha256').update(rawKey, 'utf8').digest();
}

/** Hex SHA-256 of a key: the only form in which keys are stored. */
export function hashKey(rawKey: string): string {
  return keyDigest(rawKey).toString('hex');
}

/** A new random key with its id and hash. */
export function generateKey(): GeneratedKey {
  const key = kKeyPrefix + randomBytes(32).toString('base64url');
  const keyId = 'vk_' + randomBytes(6).toString('hex');
  return { key, keyId, keyHash: hashKey(key) };
}

/** Constant-time equality of two digests (false when lengths differ). */
export function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether `rawKey` hashes to `keyHash` (hex), compared in constant time.
 * For the master key: keep only its hash and check presented keys here.
 */
export function matchesKey(rawKey: string, keyHash: string): boolean {
  return sameDigest(keyDigest(rawKey), Buffer.from(keyHash, 'hex'));
}
