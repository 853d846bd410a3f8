// Forms generated from a config spec (GET /api/admin/plugin-types): one labelled control per option, nested specs
// as fieldsets. form(spec, values) answers {el, value()} where value() is the object to send (unset options left out).
import {h, field} from './util.js';

function describe(o) {
  const bits = [o.description];
  if (o.required) bits.push('required');
  if (o.default !== undefined) bits.push('default ' + JSON.stringify(o.default));
  if (o.min !== undefined || o.max !== undefined) bits.push(`${o.min ?? ''}…${o.max ?? ''}`);
  return bits.filter(Boolean).join('; ');
}

function control(o, value, prefix) {
  const name = prefix + o.key;
  const t = o.type;
  if (t === 'object' && o.fields) {
    const sub = form(o.fields, value && typeof value === 'object' ? value : {}, name + '.');
    return {el: h('fieldset', {}, h('legend', {}, o.key), h('p', {class: 'hint'}, o.description || ''), sub.el),
      read: () => { const v = sub.value(); return Object.keys(v).length ? v : undefined; }};
  }
  let input, read;
  if (t === 'boolean') {
    input = h('input', {type: 'checkbox', name, checked: value ?? o.default ?? false});
    read = () => (input.checked === (o.default ?? false) && value === undefined ? undefined : input.checked);
    return {el: h('div', {class: 'field'}, h('label', {class: 'inline'}, input, o.key,
      h('span', {class: 'hint'}, ' — ' + describe(o)))), read};
  }
  if (o.allowed && o.allowed.length) {
    input = h('select', {name}, h('option', {value: ''}, o.default !== undefined ? `(default: ${o.default})` : '(none)'),
      o.allowed.map(a => h('option', {value: a}, a)));
    input.value = value ?? '';
    read = () => input.value || undefined;
  } else if (t === 'integer' || t === 'number') {
    input = h('input', {type: 'number', name, step: t === 'integer' ? '1' : 'any', min: o.min, max: o.max,
      placeholder: o.default !== undefined ? String(o.default) : '', value: value ?? ''});
    read = () => (input.value === '' ? undefined : Number(input.value));
  } else if (t === 'string-list') {
    input = h('textarea', {name, rows: 2, placeholder: 'one per line', value: (value || []).join('\n')});
    read = () => { const v = input.value.split('\n').map(x => x.trim()).filter(Boolean); return v.length ? v : undefined; };
  } else if (t === 'string-map') {
    input = h('textarea', {name, rows: 2, placeholder: 'name: value, one per line',
      value: Object.entries(value || {}).map(([k, v]) => `${k}: ${v}`).join('\n')});
    read = () => {
      const m = {};
      for (const line of input.value.split('\n')) {
        const i = line.indexOf(':');
        if (i > 0) m[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      }
      return Object.keys(m).length ? m : undefined;
    };
  } else if (t === 'object' || t === 'object-list' || t === 'object-map') {
    input = h('textarea', {name, rows: 3, placeholder: 'JSON', value: value === undefined ? '' : JSON.stringify(value, null, 1)});
    read = () => (input.value.trim() ? JSON.parse(input.value) : undefined);
  } else {
    input = h('input', {type: t === 'secret' ? 'password' : 'text', name, autocomplete: 'off',
      placeholder: t === 'secret' ? '${env:NAME} or the value' : (o.default !== undefined ? String(o.default) : ''),
      value: value ?? ''});
    read = () => input.value.trim() || undefined;
  }
  if (o.required) input.required = true;
  return {el: field(o.key, input, describe(o)), read};
}

/** A form for a spec; values pre-fill it; skip lists option keys drawn elsewhere. */
export function form(spec, values = {}, prefix = '', skip = []) {
  const parts = spec.filter(o => !skip.includes(o.key)).map(o => ({o, c: control(o, values[o.key], prefix)}));
  return {
    el: h('div', {class: 'spec-form'}, parts.map(p => p.c.el)),
    value() {
      const out = {};
      for (const [k, v] of Object.entries(values)) {
        if (!spec.some(o => o.key === k) && !skip.includes(k)) out[k] = v;  // kept as they were
      }
      for (const {o, c} of parts) {
        const v = c.read();
        if (v !== undefined) out[o.key] = v;
      }
      return out;
    },
  };
}
