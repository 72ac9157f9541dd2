/**
 * Virtual keys as bearer tokens: the key cache answers who a token is,
 * and its record decides per request (model, budget, rpm/tpm). The cache
 * never waits on the database for a known key and fails closed for one
 * it cannot confirm, so authentication never fails open.
 */
import type { Caller } from '../http/services.js';
import type { KeyCache } from '../store/key-cache.js';
import type { VirtualKeyRecord } from '../store/types.js';
import type { MasterKeyAuth } from './master-key.js';

/** A caller authenticated by a virtual key; `record` holds its limits. */
export interface VirtualKeyCaller extends Caller {
  readonly record: VirtualKeyRecord;
}

function isVirtualKeyCaller(caller: Caller): caller is VirtualKeyCaller {
  return 'record' in caller;
}

/**
 * Make `auth` accept the keys `keys` holds. One caller object per cached
 * record (records are replaced, never mutated, on refresh), so a request
 * allocates nothing to be authenticated.
 */
export function installVirtualKeys(auth: MasterKeyAuth, keys: KeyCache): void {
  const callers = new WeakMap<VirtualKeyRecord, VirtualKeyCaller>();
  const callerOf = (record: VirtualKeyRecord): VirtualKeyCaller => {
    let caller = callers.get(record);
    if (caller === undefined) {
      // Model access is the record's to decide, in `admit`, so the
      // generic `models` gate of the proxy route stays open.
      caller = Object.freeze({ keyId: record.keyId, models: null, record });
      callers.set(record, caller);
    }
    return caller;
  };

  auth.setLookup(
    async (token) => {
      const record = await keys.authenticate(token);
      return record === null ? null : callerOf(record);
    },
    (caller, model) =>
      isVirtualKeyCaller(caller) ? keys.admit(caller.record, model) : null,
  );
}
