#!/usr/bin/env node
/**
 * `routeiq`: load the config, start the gateway, drain on SIGTERM/SIGINT.
 */
import { parseCliArgs } from './config/cli-args.js';
import { loadConfig } from './config/load.js';
import { GatewayError } from './errors.js';
import { startGateway } from './gateway.js';
import { configureLogging, getLogger } from './telemetry/logger.js';

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2));
  const { config, warnings } = loadConfig({
    path: args.config,
    port: args.port,
    host: args.host,
  });
  configureLogging({ level: config.routeiq.logLevel });
  const log = getLogger('main');
  for (const path of warnings) log.warn({ path }, 'unknown config key');

  const gw = await startGateway(config);
  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    gw.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    void gw.routers.reload().then((routers) => {
      log.info({ routers }, 'routers reloaded');
    });
  });
}

main().catch((err: unknown) => {
  const log = getLogger('main');
  if (err instanceof GatewayError) {
    log.fatal({ code: err.code, details: err.details }, err.message);
  } else {
    log.fatal({ err }, 'start-up failed');
  }
  process.exitCode = 1;
});
