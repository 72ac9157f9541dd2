/**
 * Provider families from LiteLLM's `provider/model` prefixes, their
 * default API bases, and what needs an explicit `api_base`.
 */
import t from 'tap';
import { loadYaml, oneDeployment, refusal } from '../../helpers/config.js';

function deployment(params: string) {
  const dep = loadYaml(oneDeployment(params)).config.modelList[0];
  if (dep === undefined) throw new Error('no deployment loaded');
  return dep;
}

t.test('openai/ and a bare model name use the OpenAI API', async (t) => {
  const prefixed = deployment('model: openai/gpt-4o-mini');
  t.equal(prefixed.provider, 'openai');
  t.equal(prefixed.upstreamModel, 'gpt-4o-mini');
  t.equal(prefixed.apiBase, 'https://api.openai.com/v1');
  const bare = deployment('model: gpt-4o');
  t.equal(bare.provider, 'openai');
  t.equal(bare.upstreamModel, 'gpt-4o');
});

t.test('hosted_vllm/ requires an api_base', async (t) => {
  const r = refusal(() => loadYaml(oneDeployment('model: hosted_vllm/llama')));
  t.equal(r.path, 'model_list[0].litellm_params.api_base');
  const dep = deployment(
    'model: hosted_vllm/meta/llama-3.1-8b\napi_base: http://10.0.0.5:8000/v1/',
  );
  t.equal(dep.provider, 'hosted_vllm');
  t.equal(dep.upstreamModel, 'meta/llama-3.1-8b', 'only the prefix is cut');
  t.equal(dep.apiBase, 'http://10.0.0.5:8000/v1', 'trailing slash trimmed');
});

t.test("ollama/ speaks Ollama's OpenAI API under /v1", async (t) => {
  const given = deployment('model: ollama/llama3\napi_base: http://gpu:11434/');
  t.equal(given.provider, 'ollama');
  t.equal(given.apiBase, 'http://gpu:11434/v1');
  const already = deployment(
    'model: ollama/llama3\napi_base: http://gpu:11434/v1',
  );
  t.equal(already.apiBase, 'http://gpu:11434/v1', '/v1 is not doubled');
  t.equal(
    deployment('model: ollama/llama3').apiBase,
    'http://127.0.0.1:11434/v1',
  );
  t.equal(deployment('model: ollama_chat/llama3').provider, 'ollama');
});

t.test('nvidia_nim/ defaults to the NVIDIA API catalog base', async (t) => {
  const dep = deployment('model: nvidia_nim/meta/llama-3.1-8b-instruct');
  t.equal(dep.provider, 'nvidia_nim');
  t.equal(dep.apiBase, 'https://integrate.api.nvidia.com/v1');
  t.equal(dep.upstreamModel, 'meta/llama-3.1-8b-instruct');
});

t.test(
  'an unknown prefix with an api_base speaks the OpenAI wire API',
  async (t) => {
    const dep = deployment(
      'model: together_ai/mixtral\napi_base: https://llm.internal/v1',
    );
    t.equal(dep.provider, 'openai');
    t.equal(dep.upstreamModel, 'mixtral');
    t.equal(dep.apiBase, 'https://llm.internal/v1');
    const r = refusal(() =>
      loadYaml(oneDeployment('model: together_ai/mixtral')),
    );
    t.equal(r.path, 'model_list[0].litellm_params.model');
    t.match(r.reason, /together_ai/);
  },
);

t.test('mock/ needs no api_base and takes its knobs', async (t) => {
  const dep = deployment('model: mock/m\nmock_chunks: 3\nmock_latency_ms: 20');
  t.equal(dep.provider, 'mock');
  t.equal(dep.apiBase, null);
  t.same(
    { chunks: dep.mock?.chunks, latencyMs: dep.mock?.latencyMs },
    { chunks: 3, latencyMs: 20 },
  );
});
