import t from 'tap';
import { kVersion } from '../../src/version.js';

t.test('version matches semver', async (t) => {
  t.match(kVersion, /^\d+\.\d+\.\d+$/);
});
