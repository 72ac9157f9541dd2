/** Builds the client for a deployment from its provider family. */
import type { DeploymentConfig } from '../config/types.js';
import { MockProvider } from './mock.js';
import { OpenAICompatibleProvider } from './openai-compatible.js';
import type { Provider } from './types.js';

/** A provider client for `dep`; `routeiq/` routers have none. */
export function createProvider(dep: DeploymentConfig): Provider | null {
  if (dep.provider === 'routeiq') return null;
  if (dep.provider === 'mock') return new MockProvider(dep);
  return new OpenAICompatibleProvider(dep);
}
