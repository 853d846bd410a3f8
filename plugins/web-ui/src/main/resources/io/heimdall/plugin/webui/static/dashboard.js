// Dashboard: live stats (every 2 s) with charts, and per provider/key health.
import {api, h, fmt, pct, status} from './util.js';
import {lineChart} from './chart.js';

const KEEP = 60;

export async function render(main) {
  const samples = {p50: [], p99: [], tpm: [], err: [], cache: []};
  const metrics = h('div', {class: 'grid', 'aria-label': 'Live stats'});
  const charts = {};
  const scales = {};
  const chartCard = (id, title, names) => {
    charts[id] = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    charts[id].setAttribute('class', 'chart');
    scales[id] = h('span', {class: 'hint'});
    return h('div', {class: 'card'}, h('h2', {}, title),
      h('div', {class: 'legend'}, names.map((n, i) => h('span', {class: 'c' + i}, '■ ' + n)), scales[id]), charts[id]);
  };
  const health = h('div', {});
  const updated = h('p', {class: 'meta', 'aria-live': 'off'});
  main.replaceChildren(h('h1', {}, 'Dashboard'), metrics,
    h('div', {class: 'two'},
      chartCard('rps', 'Requests per second (last 60 s)', ['requests/s']),
      chartCard('lat', 'Latency (ms)', ['p50', 'p99']),
      chartCard('tpm', 'Tokens per minute', ['tokens/min']),
      chartCard('err', 'Error and cache hit rate (%)', ['errors', 'cache hits'])),
    h('h2', {}, 'Providers and keys'), health, updated);

  async function tick() {
    try {
      const [st, hl] = await Promise.all([api('GET', '/stats?window=60'), api('GET', '/health')]);
      const push = (k, v) => { samples[k].push(v || 0); if (samples[k].length > KEEP) samples[k].shift(); };
      push('p50', st.latency_p50_ms); push('p99', st.latency_p99_ms); push('tpm', st.tokens_per_minute);
      push('err', 100 * st.error_rate); push('cache', 100 * st.cache_hit_rate);
      metrics.replaceChildren(...[
        ['Requests/s', fmt(st.requests_per_second, 2)], ['p50 latency', fmt(st.latency_p50_ms) + ' ms'],
        ['p99 latency', fmt(st.latency_p99_ms) + ' ms'], ['Error rate', pct(st.error_rate)],
        ['Tokens/min', fmt(st.tokens_per_minute, 0)], ['Cache hit rate', pct(st.cache_hit_rate)],
        ['Requests (60 s)', st.requests], ['Requests (total)', st.requests_total],
      ].map(([label, value]) => h('div', {class: 'card metric'},
        h('div', {class: 'value'}, value), h('div', {class: 'label'}, label))));
      const draw = (id, label, series, unit) => { scales[id].textContent = lineChart(charts[id], label, series, unit); };
      draw('rps', 'Requests per second', [{name: 'requests/s', values: st.per_second || []}]);
      draw('lat', 'Latency', [{name: 'p50', values: samples.p50}, {name: 'p99', values: samples.p99}], ' ms');
      draw('tpm', 'Tokens per minute', [{name: 'tokens/min', values: samples.tpm}]);
      draw('err', 'Error and cache hit rate', [{name: 'errors', values: samples.err},
        {name: 'cache hits', values: samples.cache}], ' %');
      health.replaceChildren(healthTable(hl));
      updated.textContent = 'Updated ' + new Date().toLocaleTimeString();
    } catch (e) {
      if (e.status !== 401) status(e.message, 'bad');
    }
  }
  await tick();
  const timer = setInterval(tick, 2000);
  return () => clearInterval(timer);
}

/** The health of every target as a table. */
export function healthTable(list) {
  if (!list.length) return h('p', {}, 'No provider keys yet.');
  return h('table', {},
    h('thead', {}, h('tr', {}, ['Provider', 'Key', 'State', 'Breaker', 'Failures', 'Error rate', 'Latency',
      'Available in', 'Last error'].map(t => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, list.map(t => h('tr', {},
      h('td', {}, t.provider), h('td', {}, t.key || '(no key)'),
      h('td', {class: t.available ? 'ok' : 'bad'}, t.available ? 'available'
        : (t.disabled_reason ? 'disabled: ' + t.disabled_reason : t.ejected ? 'ejected' : 'unavailable')),
      h('td', {class: t.breaker === 'closed' ? '' : 'warn'}, t.breaker),
      h('td', {}, t.consecutive_failures), h('td', {}, pct(t.error_rate)),
      h('td', {}, t.latency_ms === undefined ? '–' : fmt(t.latency_ms) + ' ms'),
      h('td', {}, t.available_in_ms ? Math.ceil(t.available_in_ms / 1000) + ' s' : '–'),
      lastError((t.recent_errors || [])[0])))));
}

/** The newest failed attempt of a key: status, fault and when; its message in full as the cell's title. */
function lastError(e) {
  if (!e) return h('td', {}, '–');
  return h('td', {class: 'warn', title: e.message},
    `${e.status} ${e.fault} at ${new Date(e.time).toLocaleTimeString()} (${e.model})`, h('br'),
    h('span', {class: 'hint'}, e.message.length > 80 ? e.message.slice(0, 80) + '…' : e.message));
}
