// Config: the YAML as it stands (secrets masked), the diff of a pending change, validate, apply, download,
// and the applied versions with their diffs and rollback.
import {api, h, field, status, fail, problems, diffView, lineDiff, reload} from './util.js';

export async function render(main) {
  const [cfg, versions] = await Promise.all([api('GET', '/config'), api('GET', '/history')]);
  const editor = h('textarea', {class: 'code', name: 'config-text', spellcheck: 'false', value: cfg.text});
  const out = h('div', {class: 'config-result'});
  const pending = h('div', {});
  const showDiff = () => {
    const d = lineDiff(cfg.text, editor.value);
    pending.replaceChildren(d.some(l => l[0] !== ' ')
      ? h('div', {}, h('h2', {}, 'Pending change'), diffView(d)) : '');
  };
  let timer = null;
  editor.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(showDiff, 300); });
  const validate = async () => {
    try {
      const r = await api('POST', '/config/validate', {text: editor.value});
      out.replaceChildren(r.valid ? h('p', {class: 'ok'}, 'The config is valid.') : problems(r.problems));
      status(r.valid ? 'Valid.' : `${r.problems.length} problem(s).`, r.valid ? 'ok' : 'bad');
    } catch (e) { out.replaceChildren(fail(e) || ''); }
  };
  const apply = async () => {
    try {
      const r = await api('PUT', '/config', {text: editor.value});
      status(`Config applied as version ${r.version}.`);
      reload();
    } catch (e) { out.replaceChildren(fail(e) || ''); }
  };
  const download = async () => {
    try {
      const res = await api('GET', '/config/download', undefined, true);
      const url = URL.createObjectURL(await res.blob());
      const a = h('a', {href: url, download: 'heimdall.yaml'});
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) { fail(e); }
  };
  const masked = (cfg.text.match(/<masked:[0-9a-f]{8}>/g) || []).length;
  const maskedNote = masked ? h('p', {class: 'hint masked-note'}, `The file holds ${masked} secret value(s) written `
    + 'literally. The editor and the download show them as <masked:…> tokens, so the download differs from the file on '
    + 'disk at those lines. Write ${env:NAME} references instead to keep secrets out of the file (and out of version control).') : '';
  const detail = h('div', {});
  const history = versions.slice().reverse().map(v => h('tr', {},
    h('td', {}, v.version), h('td', {}, new Date(v.time).toLocaleString()), h('td', {}, v.who),
    h('td', {}, h('div', {class: 'actions'},
      h('button', {type: 'button', 'aria-label': `Show version ${v.version}`, onclick: async () => {
        try {
          const d = await api('GET', '/history/' + v.version);
          detail.replaceChildren(h('div', {class: 'card'}, h('h3', {}, `Version ${v.version}: change from the version before`),
            diffView(d.diff), h('h3', {}, 'From this version to the running config'), diffView(d.diff_to_running)));
        } catch (e) { fail(e); }
      }}, 'Diff'),
      v.version === cfg.version ? h('span', {class: 'hint'}, 'running') :
        h('button', {type: 'button', class: 'rollback', 'data-version': v.version, onclick: async () => {
          try {
            const r = await api('POST', `/history/${v.version}/rollback`);
            status(`Rolled back to version ${v.version}: now version ${r.version}.`);
            reload();
          } catch (e) { detail.replaceChildren(fail(e) || ''); }
        }}, `Roll back to version ${v.version}`)))));
  main.replaceChildren(h('h1', {}, 'Config'),
    h('p', {}, 'File ', h('code', {}, cfg.file || '(none: this gateway runs without a config file)'),
      '. Secrets show as <masked:…> tokens; sending them back keeps the values they stand for.'),
    h('div', {class: 'card'}, field('Config (YAML)', editor),
      h('div', {class: 'actions'},
        h('button', {type: 'button', onclick: validate}, 'Validate'),
        h('button', {type: 'button', class: 'primary', onclick: apply}, 'Apply'),
        h('button', {type: 'button', onclick: () => { editor.value = cfg.text; showDiff(); out.replaceChildren(); }}, 'Revert edits'),
        h('button', {type: 'button', onclick: download}, 'Download')),
      maskedNote, out, pending),
    h('h2', {}, 'History'),
    versions.length ? h('table', {}, h('thead', {}, h('tr', {}, ['Version', 'Time', 'By', ''].map(t => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, history)) : h('p', {}, 'No versions yet.'),
    detail);
}
