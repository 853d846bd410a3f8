// Providers & keys: the providers with their key health, a form per provider type (from its config spec), key forms
// (from the type's keys spec), test connection and the models a provider offers.
import {api, h, field, status, fail, problems, reload} from './util.js';
import {form} from './form.js';
import {healthTable} from './dashboard.js';

/** The fields every key has (the core reads them), before the provider type's own key fields. */
const KEY_FIELDS = [
  {key: 'name', type: 'string', required: false, description: 'shown in logs, metrics and health'},
  {key: 'value', type: 'secret', required: false, description: 'the API key: ${env:NAME} keeps it out of the file'},
  {key: 'weight', type: 'number', required: false, default: 1, min: 0, description: 'share of traffic among keys'},
  {key: 'models', type: 'string-list', required: false, description: 'model name globs this key serves (default *)'},
];

export async function render(main) {
  const [list, types] = await Promise.all([api('GET', '/providers'), api('GET', '/plugin-types')]);
  const providerTypes = types.filter(t => t.kind === 'provider');
  const editor = h('div', {});
  const add = h('button', {class: 'primary', type: 'button', onclick: () => edit(editor, providerTypes, null)}, 'Add provider');
  main.replaceChildren(h('h1', {}, 'Providers & keys'), h('div', {class: 'actions'}, add), editor,
    h('div', {}, list.length ? null : h('p', {}, 'No providers yet.'), list.map(p => providerCard(p, editor, providerTypes))));
}

function providerCard(p, editor, types) {
  const d = p.definition || {};
  const model = h('input', {type: 'text', name: 'test-model', placeholder: 'echo, gpt-4o-mini, …',
    value: (d.keys?.[0]?.models || []).find(m => m !== '*') || (d.type === 'mock' ? 'echo' : '')});
  const result = h('span', {class: 'test-result', role: 'status'});
  const models = h('div', {class: 'models'});
  const test = async () => {
    result.textContent = 'Testing…';
    result.className = 'test-result';
    try {
      const r = await api('POST', `/providers/${encodeURIComponent(p.name)}/test`, {model: model.value.trim()});
      result.textContent = r.ok ? `OK in ${Math.round(r.latency_ms)} ms` : `Failed (${r.status}): ${r.error}`;
      result.className = 'test-result ' + (r.ok ? 'ok' : 'bad');
    } catch (e) {
      result.textContent = e.message;
      result.className = 'test-result bad';
    }
  };
  const listModels = async () => {
    models.replaceChildren(h('p', {class: 'meta'}, 'Asking the provider for its models…'));
    try {
      const ids = await api('GET', `/providers/${encodeURIComponent(p.name)}/models`);
      models.replaceChildren(h('h3', {}, 'Models offered'), ids.length
        ? h('ul', {}, ids.map(id => h('li', {}, id))) : h('p', {}, 'This provider lists no models.'));
    } catch (e) { models.replaceChildren(); fail(e); }
  };
  const remove = async () => {
    try {
      await api('DELETE', `/providers/${encodeURIComponent(p.name)}`);
      status(`Provider ${p.name} removed.`);
      reload();
    } catch (e) { editor.replaceChildren(fail(e) || ''); }
  };
  return h('section', {class: 'card provider', 'data-name': p.name, 'aria-labelledby': 'p-' + p.name},
    h('h2', {id: 'p-' + p.name}, p.name, h('span', {class: 'hint'}, ' — type ' + d.type)),
    healthTable(p.health || []),
    h('div', {class: 'row'}, field('Model to test with', model),
      h('button', {type: 'button', onclick: test}, 'Test connection'),
      h('button', {type: 'button', onclick: listModels}, 'Models'),
      h('button', {type: 'button', onclick: () => edit(editor, types, p)}, 'Edit'),
      h('button', {type: 'button', class: 'danger', onclick: remove, 'aria-label': 'Remove provider ' + p.name}, 'Remove')),
    result, models);
}

/** Shows the provider form in editor: a new provider (p null) or an existing one. */
function edit(editor, types, p) {
  const d = p ? p.definition : {};
  const name = h('input', {type: 'text', name: 'provider-name', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]*', title: 'letters, digits, dot, dash, underscore',
    value: p ? p.name : '', readonly: !!p});
  const type = h('select', {name: 'provider-type', required: true},
    p ? null : h('option', {value: ''}, 'Choose a type…'), types.map(t => h('option', {value: t.id}, t.id)));
  type.value = d.type || '';
  const fields = h('div', {});
  const keys = h('div', {});
  const out = h('div', {});
  let config = null;
  let keyForms = [];
  const typeOf = () => types.find(t => t.id === type.value) || {config: [], keys: []};
  const addKey = values => {
    const own = typeOf().keys || [];
    const spec = [...KEY_FIELDS.filter(k => !own.some(o => o.key === k.key)), ...own];
    const f = form(spec, values, 'key.');
    const box = h('fieldset', {class: 'key'}, h('legend', {}, 'Key'), f.el,
      h('button', {type: 'button', class: 'danger', onclick: () => {
        keyForms = keyForms.filter(k => k !== f);
        box.remove();
      }}, 'Remove key'));
    keyForms.push(f);
    keys.append(box);
  };
  const draw = keep => {
    const t = typeOf();
    config = form(t.config, keep ? d : {}, 'provider.', ['type', 'keys']);
    fields.replaceChildren(h('p', {class: 'hint'}, t.description || ''), config.el);
    keys.replaceChildren();
    keyForms = [];
    ((keep && d.keys) || []).forEach(k => addKey(typeof k === 'string' ? {value: k} : k));
  };
  type.addEventListener('change', () => draw(false));
  draw(true);
  const submit = async e => {
    e.preventDefault();
    let body;
    try {
      body = {type: type.value, ...config.value()};
      body.keys = keyForms.map(f => f.value());
      if (!body.keys.length) delete body.keys;
    } catch (err) {
      out.replaceChildren(problems(['A JSON field is not valid JSON: ' + err.message]));
      return;
    }
    try {
      const r = await api('PUT', `/providers/${encodeURIComponent(name.value.trim())}`, body);
      const literal = (body.keys || []).some(k => typeof k.value === 'string' && !/^(\$\{env:|<masked:)/.test(k.value));
      status(`Provider ${name.value.trim()} saved (config version ${r.version}).` + (literal
        ? ' Its key is written to the config file as typed; a ${env:NAME} reference keeps it out of the file.' : ''));
      reload();
    } catch (err) {
      out.replaceChildren(fail(err) || '');
    }
  };
  const formEl = h('form', {class: 'card', 'aria-labelledby': 'provider-form-title'},
    h('h2', {id: 'provider-form-title'}, p ? 'Edit provider ' + p.name : 'Add a provider'),
    h('div', {class: 'row'}, field('Name', name, 'how models are named: <name>/<model>'), field('Type', type)),
    fields,
    h('h3', {}, 'Keys'), keys,
    h('div', {class: 'actions'},
      h('button', {type: 'button', onclick: () => addKey({})}, 'Add key'),
      h('button', {type: 'submit', class: 'primary'}, 'Save provider'),
      h('button', {type: 'button', onclick: () => editor.replaceChildren()}, 'Cancel')),
    out);
  formEl.addEventListener('submit', submit);
  editor.replaceChildren(formEl);
  (p ? type : name).focus();
}
