// Requests: the recent-request log (newest first), filterable by model, operation and status.
import {api, h, field, fmt} from './util.js';

export async function render(main) {
  const model = h('input', {type: 'text', name: 'filter-model', placeholder: 'alias or provider/model'});
  const operation = h('select', {name: 'filter-operation'},
    ['', 'chat', 'embeddings'].map(o => h('option', {value: o}, o || 'any')));
  const statusSel = h('select', {name: 'filter-status'},
    [['', 'any'], ['200', '200'], ['4xx', '4xx'], ['5xx', '5xx'], ['error', 'any error']].map(([v, t]) => h('option', {value: v}, t)));
  const limit = h('input', {type: 'number', name: 'limit', min: '1', max: '1000', value: '100'});
  const auto = h('input', {type: 'checkbox', name: 'auto-refresh', checked: true});
  const table = h('div', {});
  const load = async () => {
    const q = new URLSearchParams({limit: limit.value || '100'});
    if (model.value.trim()) q.set('model', model.value.trim());
    if (operation.value) q.set('operation', operation.value);
    if (statusSel.value) q.set('status', statusSel.value);
    const rows = await api('GET', '/requests?' + q);
    table.replaceChildren(rows.length ? h('table', {},
      h('thead', {}, h('tr', {}, ['Time', 'Status', 'Model', 'Served by', 'Caller', 'Latency', 'TTFT', 'Tokens',
        'Attempts', 'Cache', 'Request id'].map(t => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, rows.map(r => h('tr', {},
        h('td', {}, new Date(r.time).toLocaleTimeString()),
        h('td', {class: r.status >= 400 ? 'bad' : 'ok', title: r.error || ''}, r.status, r.error ? ' ' + r.error : ''),
        h('td', {}, r.model, r.prompt ? h('div', {class: 'hint'}, r.prompt) : null), h('td', {}, r.served_by || '–'),
        h('td', {}, r.caller), h('td', {}, fmt(r.latency_ms) + ' ms'),
        h('td', {}, r.ttft_ms === undefined ? '–' : fmt(r.ttft_ms) + ' ms'),
        h('td', {}, r.prompt_tokens === undefined ? '–' : `${r.prompt_tokens} / ${r.completion_tokens}`),
        h('td', {}, r.attempts), h('td', {}, r.cached ? 'hit' : ''), h('td', {}, h('code', {}, r.request_id))))))
      : h('p', {}, 'No requests match.'));
  };
  const f = h('form', {class: 'card', 'aria-label': 'Filter'},
    h('div', {class: 'row'}, field('Model', model), field('Operation', operation), field('Status', statusSel),
      field('Show at most', limit), h('button', {type: 'submit', class: 'primary'}, 'Filter')),
    h('label', {class: 'inline'}, auto, 'Refresh every 2 s'));
  f.addEventListener('submit', e => { e.preventDefault(); load(); });
  main.replaceChildren(h('h1', {}, 'Requests'), f, table);
  await load();
  const timer = setInterval(() => { if (auto.checked) load().catch(() => {}); }, 2000);
  return () => clearInterval(timer);
}
