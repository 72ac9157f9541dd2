/**
 * Starts a real gateway in this process on 127.0.0.1 port 0 from inline
 * YAML, and tears it down with the test.
 */
import type { Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { startGateway } from '../../src/gateway.js';
import { configureLogging } from '../../src/telemetry/logger.js';

// Quiet by default; ROUTEIQ_TEST_LOG=debug shows the gateway's lines.
configureLogging({ level: process.env['ROUTEIQ_TEST_LOG'] ?? 'silent' });
import type { Gateway } from '../../src/gateway.js';

/** A started gateway and its base URL. */
export interface TestGateway {
  readonly gw: Gateway;
  readonly url: string;
}

/** Start a gateway from YAML text; closed at teardown. */
export async function startTestGateway(
  t: Test,
  yaml: string,
  env: Record<string, string> = {},
): Promise<TestGateway> {
  // Each gateway gets its own SQLite file unless the test names a DB.
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-gw-'));
  const { config } = loadConfig({
    path: null,
    text: yaml,
    port: 0,
    host: '127.0.0.1',
    env: { DATABASE_URL: join(dir, 'routeiq.db'), ...env },
  });
  const gw = await startGateway(config);
  t.teardown(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { gw, url: `http://127.0.0.1:${gw.port}` };
}

/** A one-group config whose deployments point at `apiBase`s. */
export function upstreamConfig(
  bases: readonly string[],
  extra = '',
  model = 'test-model',
): string {
  const deps = bases
    .map(
      (b, i) => `  - model_name: ${model}
    litellm_params:
      model: openai/upstream-${i}
      api_base: ${b}
      api_key: sk-test-provider-key
    model_info:
      id: dep-${i}`,
    )
    .join('\n');
  return `model_list:\n${deps}\n${extra}`;
}
