// Playground: one or two models side by side, streamed over POST /v1/chat/completions (stream + include_usage),
// with time to first token, tokens, the provider that served and the cache result.
import {h, field, status} from './util.js';

const KEY = 'heimdall.caller-key';

export async function render(main) {
  const apiKey = h('input', {type: 'password', name: 'caller-key', autocomplete: 'off',
    value: sessionStorage.getItem(KEY) || ''});
  apiKey.addEventListener('change', () => sessionStorage.setItem(KEY, apiKey.value.trim()));
  const list = h('datalist', {id: 'model-list'});
  const m1 = h('input', {type: 'text', name: 'model-1', list: 'model-list', value: 'default', required: true});
  const m2 = h('input', {type: 'text', name: 'model-2', list: 'model-list', placeholder: 'optional: a second model'});
  const system = h('input', {type: 'text', name: 'system', placeholder: 'optional'});
  const prompt = h('textarea', {name: 'prompt', rows: 4, required: true});
  const maxTokens = h('input', {type: 'number', name: 'max-tokens', min: '1', placeholder: 'model default'});
  const panes = h('div', {class: 'two'});
  let controllers = [];
  const send = h('button', {type: 'submit', class: 'primary'}, 'Send');
  const stopButton = h('button', {type: 'button', onclick: () => controllers.forEach(c => c.abort())}, 'Stop');
  const f = h('form', {class: 'card', 'aria-label': 'Prompt'},
    h('div', {class: 'row'}, field('Model', m1), field('Second model', m2, 'side by side'), field('Max tokens', maxTokens)),
    field('System message', system), field('Prompt', prompt),
    field('API key for /v1', apiKey, 'only if the gateway authenticates callers; kept for this tab'),
    h('div', {class: 'actions'}, send, stopButton), list);
  f.addEventListener('submit', e => {
    e.preventDefault();
    controllers.forEach(c => c.abort());
    const models = [m1.value.trim(), m2.value.trim()].filter(Boolean);
    const messages = [];
    if (system.value.trim()) messages.push({role: 'system', content: system.value.trim()});
    messages.push({role: 'user', content: prompt.value});
    controllers = models.map(() => new AbortController());
    panes.replaceChildren(...models.map((m, i) => {
      const pane = pane_(m);
      stream(m, messages, maxTokens.value ? Number(maxTokens.value) : undefined, apiKey.value.trim(), controllers[i], pane);
      return pane.el;
    }));
  });
  prompt.addEventListener('keydown', e => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) f.requestSubmit();
  });
  main.replaceChildren(h('h1', {}, 'Playground'), f, panes);
  fetch('/v1/models', {headers: apiKey.value ? {authorization: 'Bearer ' + apiKey.value} : {}, credentials: 'omit'})
    .then(r => (r.ok ? r.json() : {data: []}))
    .then(j => list.replaceChildren(...(j.data || []).map(x => h('option', {value: x.id}))))
    .catch(() => {});
  prompt.focus();
  return () => controllers.forEach(c => c.abort());
}

function pane_(model) {
  const output = h('div', {class: 'output', 'aria-live': 'polite', 'aria-busy': 'true'});
  const meta = h('div', {class: 'meta'}, 'Waiting…');
  return {el: h('section', {class: 'card pane', 'aria-label': 'Answer from ' + model}, h('h2', {}, model), output, meta),
    output, meta};
}

async function stream(model, messages, maxTokens, key, controller, pane) {
  const start = performance.now();
  let ttft = null, usage = null, served = '', text = '';
  const body = {model, messages, stream: true, stream_options: {include_usage: true}};
  if (maxTokens) body.max_tokens = maxTokens;
  const headers = {'content-type': 'application/json'};
  if (key) headers.authorization = 'Bearer ' + key;
  let res;
  const info = () => {
    const bits = [];
    if (ttft !== null) bits.push(`TTFT ${Math.round(ttft)} ms`);
    bits.push(`total ${Math.round(performance.now() - start)} ms`);
    if (usage) bits.push(`tokens ${usage.prompt_tokens} in / ${usage.completion_tokens} out`);
    const provider = res?.headers.get('x-heimdall-provider');
    bits.push('served by ' + (provider ? provider + (served ? ' (' + served + ')' : '') : served || '?'));
    bits.push('cache ' + (res?.headers.get('x-heimdall-cache') || 'miss'));
    return bits.join(' · ');
  };
  try {
    res = await fetch('/v1/chat/completions', {method: 'POST', headers, body: JSON.stringify(body),
      signal: controller.signal, credentials: 'omit'});
    if (!res.ok) {
      const err = await res.json().catch(() => ({}));
      throw new Error(`${res.status}: ${err.error?.message || res.statusText}`);
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        for (const line of event.split('\n')) {
          if (!line.startsWith('data:')) continue;
          const data = line.slice(5).trim();
          if (data === '[DONE]') continue;
          const chunk = JSON.parse(data);
          if (chunk.error) throw new Error(chunk.error.message);
          if (chunk.model) served = chunk.model;
          if (chunk.usage) usage = chunk.usage;
          const delta = chunk.choices?.[0]?.delta?.content;
          if (delta) {
            if (ttft === null) ttft = performance.now() - start;
            text += delta;
            pane.output.textContent = text;
          }
        }
      }
      pane.meta.textContent = info();
    }
    pane.meta.textContent = info();
    pane.el.dataset.done = 'true';
  } catch (e) {
    if (e.name === 'AbortError') { pane.meta.textContent = 'Stopped. ' + info(); return; }
    pane.output.append(h('p', {class: 'bad', role: 'alert'}, e.message));
    pane.meta.textContent = info();
    status(`${model}: ${e.message}`, 'bad');
    pane.el.dataset.done = 'error';
  } finally {
    pane.output.setAttribute('aria-busy', 'false');
  }
}
