/**
 * Validators for OpenAI's response schemas, compiled from the OpenAPI
 * document in `../shared/schemas/` with ajv's JSON Schema 2020-12 dialect.
 * OpenAPI 3.0's `nullable: true` becomes a `null` type (and enum member);
 * nothing else is relaxed, so a missing required field fails as it would
 * for a strict client.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

// CommonJS packages: under NodeNext their exports sit on `.default`.
const Ajv2020 = ajv2020.default;
const addFormats = ajvFormats.default;

const kRepoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** CI clones the repository with `shared/` beside it. */
export const kOpenApiPath = join(
  kRepoRoot,
  '..',
  'shared',
  'schemas',
  'openai-openapi.json',
);
const kId = 'https://routeiq.test/openai-openapi.json';

type Node = Record<string, unknown>;

/** Rewrite OpenAPI 3.0 `nullable` into 2020-12 terms, in place. */
function denull(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(denull);
  if (value === null || typeof value !== 'object') return value;
  const node = value as Node;
  for (const [k, v] of Object.entries(node)) node[k] = denull(v);
  if (node['nullable'] !== true) return node;
  delete node['nullable'];
  if (typeof node['type'] === 'string') {
    node['type'] = [node['type'], 'null'];
    if (Array.isArray(node['enum'])) node['enum'] = [...node['enum'], null];
    return node;
  }
  // A $ref or a composition: null is one more alternative.
  if ('$ref' in node || 'anyOf' in node || 'oneOf' in node || 'allOf' in node)
    return { anyOf: [node, { type: 'null' }] };
  return node;
}

function build() {
  const doc = JSON.parse(readFileSync(kOpenApiPath, 'utf8')) as {
    components: { schemas: Node };
  };
  // strict: false only tolerates the document's own annotation keywords
  // (x-oaiMeta, discriminator, ...); validation itself is unchanged.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('unixtime', { type: 'number', validate: Number.isInteger });
  // One schema holding every component, so `#/components/schemas/X`
  // references resolve unchanged inside it.
  ajv.addSchema({
    $id: kId,
    components: { schemas: denull(doc.components.schemas) },
  });
  return ajv;
}

const ajv = build();

function validator(name: string): ValidateFunction {
  const fn = ajv.getSchema(`${kId}#/components/schemas/${name}`);
  if (fn === undefined) throw new Error(`no schema ${name}`);
  return fn;
}

/** ajv's errors as one readable line (for assertion messages). */
export function explain(errors: ErrorObject[] | null | undefined): string {
  return ajv.errorsText(errors ?? [], { separator: '; ' });
}

/** The validators the gateway's responses must satisfy. */
export const kSchemas = {
  chatCompletion: validator('CreateChatCompletionResponse'),
  chatCompletionChunk: validator('CreateChatCompletionStreamResponse'),
  completion: validator('CreateCompletionResponse'),
  embedding: validator('CreateEmbeddingResponse'),
  listModels: validator('ListModelsResponse'),
  error: validator('ErrorResponse'),
} as const;
