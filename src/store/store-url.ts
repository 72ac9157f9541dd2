/**
 * Which database a URL names. The URL comes from
 * `general_settings.database_url` or DATABASE_URL, resolved by the config
 * loader (only src/config reads the environment).
 */
import { ConfigInvalidError } from '../errors.js';
import { kDefaultSqlitePath } from './store-options.js';

/** A parsed store location. */
export type StoreTarget =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'sqlite'; readonly path: string };

const kPostgres = /^postgres(?:ql)?:\/\//i;
const kOtherScheme = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * `postgres://` / `postgresql://` → PostgreSQL. `sqlite:<path>`,
 * `sqlite://<path>` (so `sqlite:///abs` is absolute) or a plain path →
 * SQLite. Empty or absent → the default SQLite file. Any other scheme is
 * a configuration error rather than a surprise file of that name.
 */
export function parseStoreUrl(url: string | undefined): StoreTarget {
  const s = (url ?? '').trim();
  if (s === '') return { kind: 'sqlite', path: kDefaultSqlitePath };
  if (kPostgres.test(s)) return { kind: 'postgres', url: s };

  if (s.toLowerCase().startsWith('sqlite:')) {
    const rest = s.slice('sqlite:'.length);
    const path = rest.startsWith('//') ? rest.slice(2) : rest;
    if (path !== '') return { kind: 'sqlite', path };
  } else if (!kOtherScheme.test(s)) {
    return { kind: 'sqlite', path: s };
  }

  // The URL may hold a password, so only its scheme is reported.
  throw new ConfigInvalidError({
    param: 'general_settings.database_url',
    details: { scheme: s.split(':', 1)[0] },
  });
}
