import t from 'tap';
import { createHash } from 'node:crypto';
import {
  generateKey,
  hashKey,
  matchesKey,
} from '../../../src/store/key-material.js';

t.test(
  'a generated key has the documented shape and its SHA-256',
  async (t) => {
    const g = generateKey();
    t.match(g.key, /^sk-riq-[A-Za-z0-9_-]{43}$/);
    t.match(g.keyId, /^vk_[0-9a-f]{12}$/);
    t.equal(g.keyHash, createHash('sha256').update(g.key).digest('hex'));
  },
);

t.test(
  'the key id shares no 8-character window with the key or its hash',
  async (t) => {
    for (let i = 0; i < 20; i += 1) {
      const g = generateKey();
      const id = g.keyId.slice(3);
      for (let j = 0; j + 8 <= id.length; j += 1) {
        const w = id.slice(j, j + 8);
        if (g.key.includes(w) || g.keyHash.includes(w))
          t.fail(`window ${j} leaks`);
      }
    }
    t.pass('no shared window in 20 keys');
  },
);

t.test('matchesKey accepts the key and rejects any other', async (t) => {
  const { key, keyHash } = generateKey();
  t.equal(matchesKey(key, keyHash), true);
  t.equal(matchesKey(key + 'x', keyHash), false);
  t.equal(matchesKey(key, 'abcd'), false, 'a malformed hash never matches');
  t.equal(hashKey(key), keyHash);
});
