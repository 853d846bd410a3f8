// Drives Heimdall's native-wire providers with the official OpenAI Node SDK and prints one JSON object: for each model
// given, what the SDK saw of a plain chat and of a streamed tool call (each chunk, and the stream helper's final
// completion). NodeNativeWiresIT runs it for the OpenAI-shaped reference first, then for every native target.
// Usage: node native-check.mjs <gateway base URL, e.g. http://127.0.0.1:8080/v1> <model>...
import OpenAI from 'openai';

const [baseURL, ...models] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: 'sk-client-e2e', maxRetries: 0, timeout: 20000 });
const tools = [{ type: 'function', function: { name: 'lookup', description: 'Looks something up',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } } }];
const usage = (u) => (u ? { prompt: u.prompt_tokens, completion: u.completion_tokens, total: u.total_tokens } : null);

async function plain(model) {
  const c = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello through every wire' }] });
  const choice = c.choices[0];
  return { id: c.id, object: c.object, choices: c.choices.length, index: choice.index, role: choice.message.role,
    content: choice.message.content, toolCalls: choice.message.tool_calls?.length ?? 0, finish: choice.finish_reason,
    usage: usage(c.usage) };
}

async function streamedToolCall(model) {
  const chunks = [];
  const runner = client.chat.completions.stream({ model, tools, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Weather in Bergen and Tromsø, "quoted"?' }] });
  runner.on('chunk', (chunk) => chunks.push({
    id: chunk.id, choices: chunk.choices.length, role: chunk.choices[0]?.delta?.role ?? null,
    content: chunk.choices[0]?.delta?.content ?? null, finish: chunk.choices[0]?.finish_reason ?? null,
    toolCalls: (chunk.choices[0]?.delta?.tool_calls ?? []).map((t) => ({ index: t.index, id: t.id ?? null,
      name: t.function?.name ?? null, arguments: t.function?.arguments ?? null })),
    usage: usage(chunk.usage) }));
  const final = await runner.finalChatCompletion();
  const message = final.choices[0].message;
  return { chunks, content: message.content ?? null, finish: final.choices[0].finish_reason,
    toolCalls: (message.tool_calls ?? []).map((t) => ({ id: t.id, type: t.type, name: t.function.name,
      arguments: t.function.arguments })) };
}

const out = {};
for (const model of models) {
  out[model] = { plain: await plain(model), streamedToolCall: await streamedToolCall(model) };
}
console.log(JSON.stringify(out));
