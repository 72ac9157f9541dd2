/**
 * LiteLLM's `"os.environ/VAR"` indirection: any string value of exactly
 * that form is replaced by the variable's value, at any depth.
 */
import { ConfigInvalidError } from '../errors.js';

const kPrefix = 'os.environ/';

/** Resolve every `os.environ/VAR` string in a parsed YAML document. */
export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path = '',
): unknown {
  if (typeof value === 'string') {
    if (!value.startsWith(kPrefix)) return value;
    const name = value.slice(kPrefix.length);
    const resolved = env[name];
    // A missing variable is a start-up error naming the option, not a
    // silent empty string that would fail later at the upstream.
    if (resolved === undefined) {
      throw new ConfigInvalidError({
        details: { path, reason: `environment variable ${name} is not set` },
      });
    }
    return resolved;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => substituteEnv(v, env, `${path}[${i}]`));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = substituteEnv(v, env, path === '' ? k : `${path}.${k}`);
    }
    return out;
  }
  return value;
}
