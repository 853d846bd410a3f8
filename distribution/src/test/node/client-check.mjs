// Drives a Heimdall gateway with the official OpenAI Node SDK and prints one JSON object with what it saw.
// Usage: node client-check.mjs <gateway base URL, e.g. http://127.0.0.1:8080/v1>
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.argv[2], apiKey: 'sk-node-client', maxRetries: 0, timeout: 20000 });
const out = {};
const user = (content) => [{ role: 'user', content }];

const plain = await client.chat.completions.create({ model: 'upstream/gpt-4o-mini', messages: user('Hello node') })
  .withResponse();
out.plain = {
  content: plain.data.choices[0].message.content,
  finish: plain.data.choices[0].finish_reason,
  totalTokens: plain.data.usage.total_tokens,
  requestId: plain.response.headers.get('x-request-id'),
  provider: plain.response.headers.get('x-heimdall-provider'),
};

const stream = await client.chat.completions.create({
  model: 'upstream/gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: user('stream me please'),
});
let text = '';
let usage = null;
for await (const chunk of stream) {
  text += chunk.choices[0]?.delta?.content ?? '';
  if (chunk.usage) usage = chunk.usage;
}
out.stream = { text, totalTokens: usage?.total_tokens ?? null };

const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { query: { type: 'string' } } } } }];
const runner = client.chat.completions.stream({ model: 'upstream/gpt-4o-mini', tools, messages: user('find cats') });
const final = await runner.finalChatCompletion();
const call = final.choices[0].message.tool_calls?.[0];
out.streamedToolCall = { id: call?.id ?? null, name: call?.function?.name ?? null, arguments: call?.function?.arguments ?? null,
  finish: final.choices[0].finish_reason };

try {
  await client.chat.completions.create({ model: 'local/fail-429', messages: user('x') });
  out.rateLimited = { error: 'none' };
} catch (e) {
  out.rateLimited = { error: e.constructor.name, status: e.status, type: e.error?.type ?? null, retryAfter: e.headers?.get?.('retry-after') ?? null };
}
try {
  await client.chat.completions.create({ model: 'no-such-model', messages: user('x') });
  out.unknownModel = { error: 'none' };
} catch (e) {
  out.unknownModel = { error: e.constructor.name, status: e.status, code: e.code ?? null };
}

const emb = await client.embeddings.create({ model: 'upstream/text-embedding-3-small', input: ['a', 'b'] });
out.embeddings = { count: emb.data.length, dims: emb.data[0].embedding.length };

const ids = [];
for await (const m of client.models.list()) ids.push(m.id);
out.models = ids;

console.log(JSON.stringify(out));
