// Routing: model aliases, each with weighted targets (<provider>/<model>) and fallbacks in order.
import {api, h, field, status, fail, reload} from './util.js';

export async function render(main) {
  const aliases = await api('GET', '/models') || {};
  const editor = h('div', {});
  const rows = Object.entries(aliases).map(([alias, def]) => h('tr', {},
    h('th', {scope: 'row'}, alias),
    h('td', {}, (def.targets || []).map(t => h('div', {},
      `${t.model}${t.weight !== undefined ? ' × ' + t.weight : ''}${t.priority !== undefined ? ', priority ' + t.priority : ''}`))),
    h('td', {}, (def.fallbacks || []).map(f => h('div', {}, typeof f === 'string' ? f : f.model || JSON.stringify(f)))),
    h('td', {}, h('div', {class: 'actions'},
      h('button', {type: 'button', onclick: () => edit(editor, alias, def), 'aria-label': 'Edit alias ' + alias}, 'Edit'),
      h('button', {type: 'button', class: 'danger', 'aria-label': 'Remove alias ' + alias, onclick: async () => {
        try {
          await api('DELETE', '/models/' + encodeURIComponent(alias));
          status(`Alias ${alias} removed.`);
          reload();
        } catch (e) { editor.replaceChildren(fail(e) || ''); }
      }}, 'Remove')))));
  main.replaceChildren(h('h1', {}, 'Routing'),
    h('p', {}, 'Clients ask for an alias; it is served by one of its targets (chosen by weight), then by its fallbacks in order.'),
    h('div', {class: 'actions'}, h('button', {type: 'button', class: 'primary', onclick: () => edit(editor, '', {})}, 'Add alias')),
    editor,
    rows.length ? h('table', {}, h('thead', {}, h('tr', {}, ['Alias', 'Targets', 'Fallbacks', ''].map(t => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, rows)) : h('p', {}, 'No aliases yet.'));
}

function edit(editor, alias, def) {
  const name = h('input', {type: 'text', name: 'alias', required: true, value: alias, readonly: !!alias});
  const targets = h('div', {});
  const out = h('div', {});
  const addTarget = (t = {}) => {
    const model = h('input', {type: 'text', name: 'target-model', required: true, placeholder: 'provider/model', value: t.model || ''});
    const weight = h('input', {type: 'number', name: 'target-weight', min: '0', step: 'any', value: t.weight ?? 1});
    const priority = h('input', {type: 'number', name: 'target-priority', step: '1', placeholder: 'none',
      value: t.priority ?? ''});
    const row = h('div', {class: 'row target'}, field('Target model', model), field('Weight', weight),
      field('Priority', priority, 'lower first'),
      h('button', {type: 'button', class: 'danger', onclick: () => row.remove()}, 'Remove target'));
    targets.append(row);
  };
  (def.targets?.length ? def.targets : [{}]).forEach(addTarget);
  const fallbacks = h('textarea', {name: 'fallbacks', rows: 3, placeholder: 'provider/model, one per line',
    value: (def.fallbacks || []).map(f => (typeof f === 'string' ? f : f.model)).join('\n')});
  const f = h('form', {class: 'card', 'aria-labelledby': 'alias-form-title'},
    h('h2', {id: 'alias-form-title'}, alias ? 'Edit alias ' + alias : 'Add an alias'),
    field('Alias', name), h('h3', {}, 'Targets'), targets,
    h('div', {class: 'actions'}, h('button', {type: 'button', onclick: () => addTarget()}, 'Add target')),
    field('Fallbacks', fallbacks, 'tried in order when every target fails'),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Save alias'),
      h('button', {type: 'button', onclick: () => editor.replaceChildren()}, 'Cancel')), out);
  f.addEventListener('submit', async e => {
    e.preventDefault();
    const body = {...def};
    body.targets = [...targets.querySelectorAll('.target')].map(r => {
      const t = {model: r.querySelector('[name=target-model]').value.trim(),
        weight: Number(r.querySelector('[name=target-weight]').value || 1)};
      const p = r.querySelector('[name=target-priority]').value;
      if (p !== '') t.priority = Number(p);
      return t;
    });
    const fb = fallbacks.value.split('\n').map(x => x.trim()).filter(Boolean);
    if (fb.length) body.fallbacks = fb; else delete body.fallbacks;
    try {
      const r = await api('PUT', '/models/' + encodeURIComponent(name.value.trim()), body);
      status(`Alias ${name.value.trim()} saved (config version ${r.version}).`);
      reload();
    } catch (err) { out.replaceChildren(fail(err) || ''); }
  });
  editor.replaceChildren(f);
  name.focus();
}
