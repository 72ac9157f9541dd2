/**
 * Loading inline YAML the way `main` does, and reading the option path
 * out of a refusal, for the config unit tests.
 */
import { loadConfig } from '../../src/config/load.js';
import type { LoadedConfig } from '../../src/config/load.js';
import { ConfigInvalidError } from '../../src/errors.js';

/** Load `yaml` with exactly `env` as the environment (no file, no CLI). */
export function loadYaml(
  yaml: string,
  env: Record<string, string> = {},
): LoadedConfig {
  return loadConfig({ path: null, text: yaml, env });
}

/** What a config refusal said; fails when `fn` did not refuse. */
export interface Refusal {
  readonly code: string;
  readonly path: unknown;
  readonly reason: unknown;
}

/** Run `fn` and return its ConfigInvalidError's code, path and reason. */
export function refusal(fn: () => unknown): Refusal {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ConfigInvalidError)) throw err;
    const d = err.details ?? {};
    return { code: err.code, path: d['path'], reason: d['reason'] };
  }
  throw new Error('expected a ConfigInvalidError, nothing was thrown');
}

/** A one-deployment `model_list` with `params` under litellm_params. */
export function oneDeployment(params: string, name = 'm'): string {
  const indented = params
    .trim()
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
  return `model_list:\n  - model_name: ${name}\n    litellm_params:\n${indented}\n`;
}
