// Plugins: the plugins: entries in order, enable/disable, config forms from each plugin's spec, add and remove.
import {api, h, field, status, fail, reload, problems} from './util.js';
import {form} from './form.js';

export async function render(main) {
  const [raw, types] = await Promise.all([api('GET', '/plugins'), api('GET', '/plugin-types')]);
  const entries = raw.map(e => (typeof e === 'string' ? {id: e} : e));
  const pluginTypes = types.filter(t => t.kind === 'plugin');
  const editor = h('div', {});
  const save = async (index, entry, what) => {
    try {
      const r = index === null ? await api('POST', '/plugins', entry) : await api('PUT', '/plugins/' + index, entry);
      status(`${what} (config version ${r.version}).`);
      reload();
    } catch (e) { editor.replaceChildren(fail(e) || ''); }
  };
  const cards = entries.map((entry, i) => {
    const enabled = entry.enabled !== false;
    const box = h('input', {type: 'checkbox', checked: enabled, name: 'enabled-' + i});
    box.addEventListener('change', () => save(i, {...entry, enabled: box.checked},
      `Plugin ${entry.id} ${box.checked ? 'enabled' : 'disabled'}`));
    const type = pluginTypes.find(t => t.id === entry.id);
    return h('section', {class: 'card plugin', 'aria-labelledby': 'pl-' + i},
      h('h2', {id: 'pl-' + i}, `${i + 1}. ${entry.id}`),
      h('p', {class: 'hint'}, type ? type.description + ' (' + type.origin + ')' : 'not loaded: no such plugin folder'),
      h('label', {class: 'inline'}, box, 'Enabled'),
      entry.config && Object.keys(entry.config).length ? h('pre', {}, JSON.stringify(entry.config, null, 2)) : null,
      h('div', {class: 'actions'},
        h('button', {type: 'button', onclick: () => edit(editor, pluginTypes, entry, e => save(i, e, `Plugin ${entry.id} saved`)),
          'aria-label': 'Configure ' + entry.id}, 'Configure'),
        h('button', {type: 'button', class: 'danger', 'aria-label': 'Remove plugin ' + entry.id, onclick: async () => {
          try {
            await api('DELETE', '/plugins/' + i);
            status(`Plugin ${entry.id} removed.`);
            reload();
          } catch (e) { editor.replaceChildren(fail(e) || ''); }
        }}, 'Remove')));
  });
  const loaded = pluginTypes.map(t => h('li', {}, h('strong', {}, t.id), ' — ', t.description));
  main.replaceChildren(h('h1', {}, 'Plugins'),
    h('p', {}, 'Feature plugins run in this order. Changes are applied through the hot reload.'),
    h('div', {class: 'actions'}, h('button', {type: 'button', class: 'primary',
      onclick: () => edit(editor, pluginTypes, null, e => save(null, e, `Plugin ${e.id} added`))}, 'Add plugin')),
    editor, h('div', {}, cards), h('h2', {}, 'Loaded plugin types'), h('ul', {}, loaded));
}

function edit(editor, types, entry, save) {
  const type = h('select', {name: 'plugin-id', disabled: !!entry}, types.map(t => h('option', {value: t.id}, t.id)));
  if (entry) type.value = entry.id;
  const fields = h('div', {});
  const out = h('div', {});
  let f = null;
  const draw = () => {
    const t = types.find(x => x.id === type.value) || {config: []};
    f = form(t.config, entry?.config || {}, 'plugin.');
    fields.replaceChildren(h('p', {class: 'hint'}, t.description || ''), f.el);
  };
  type.addEventListener('change', draw);
  draw();
  const el = h('form', {class: 'card', 'aria-labelledby': 'plugin-form-title'},
    h('h2', {id: 'plugin-form-title'}, entry ? 'Configure ' + entry.id : 'Add a plugin'),
    field('Plugin', type), fields,
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Save plugin'),
      h('button', {type: 'button', onclick: () => editor.replaceChildren()}, 'Cancel')), out);
  el.addEventListener('submit', e => {
    e.preventDefault();
    let config;
    try { config = f.value(); } catch (err) { out.replaceChildren(problems(['Not valid JSON: ' + err.message])); return; }
    const next = {...(entry || {}), id: type.value};
    if (Object.keys(config).length) next.config = config; else delete next.config;
    save(next);
  });
  editor.replaceChildren(el);
  type.focus();
}
