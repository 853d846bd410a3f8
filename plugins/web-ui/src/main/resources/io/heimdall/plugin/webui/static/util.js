// Shared helpers: DOM building, the admin API client (with the admin token), status messages, a line diff.

const TOKEN_KEY = 'heimdall.admin-token';
let uid = 0;

/** Builds an element: h('button', {class: 'primary', onclick: f}, 'Save'). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value' || k === 'checked') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** A labelled input: returns [label, control]; the control gets a fresh id unless attrs has one. */
export function field(text, control, hint) {
  if (!control.id) control.id = 'f' + (++uid);
  return h('div', {class: 'field'},
    h('label', {for: control.id}, text, hint ? h('span', {class: 'hint'}, ' — ' + hint) : null), control);
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
}

/** An error from the admin API, with its status, OpenAI-shaped error and any config problems. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || ('HTTP ' + status));
    this.status = status;
    this.code = body?.error?.code || '';
    this.problems = body?.problems || [];
  }
}

let onUnauthorized = () => {};
export function whenUnauthorized(f) { onUnauthorized = f; }

/** Calls the admin API: api('GET', '/health'), api('PUT', '/models/x', {...}). Answers the parsed JSON. */
export async function api(method, path, body, raw = false) {
  const headers = {};
  if (token()) headers.authorization = 'Bearer ' + token();
  const init = {method, headers, cache: 'no-store', credentials: 'omit'};
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch('/api/admin' + path, init);
  if (raw && res.ok) return res;
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) {
    const err = new ApiError(res.status, json);
    if (res.status === 401) onUnauthorized(err);
    throw err;
  }
  return json;
}

/** Shows a message in the polite live region (kind: 'ok' or 'bad'). */
export function status(message, kind = 'ok') {
  const el = document.getElementById('status');
  el.replaceChildren(message ? h('span', {class: kind}, message) : '');
}

/** Reports an error in the live region; returns its problems list element (or null). */
export function fail(e) {
  status(e.message, 'bad');
  return problems(e.problems || []);
}

export function problems(list) {
  return list.length ? h('ul', {class: 'problems', 'aria-label': 'Problems'}, list.map(p => h('li', {}, p))) : null;
}

/** Renders diff lines (' ', '-', '+' prefixed) as a pre. */
export function diffView(lines) {
  return h('pre', {class: 'diff', tabindex: '0', 'aria-label': 'Diff'},
    lines.map(l => h('span', {class: l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : ''}, l + '\n')));
}

/** A line diff (longest common subsequence) of two texts; unchanged lines far from a change are left out. */
export function lineDiff(before, after) {
  const a = before.split('\n'), b = after.split('\n');
  if (a.length * b.length > 4_000_000) return [...a.map(l => '-' + l), ...b.map(l => '+' + l)];
  const n = a.length, m = b.length, dp = Array.from({length: n + 1}, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--)
    dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { out.push(' ' + a[i]); i++; j++; }
    else if (j < m && (i === n || dp[i][j + 1] >= dp[i + 1][j])) out.push('+' + b[j++]);
    else out.push('-' + a[i++]);
  }
  const keep = out.map((l, k) => l[0] !== ' ' || out.slice(Math.max(0, k - 2), k + 3).some(x => x[0] !== ' '));
  return out.filter((_, k) => keep[k]);
}

export function fmt(n, digits = 1) {
  return n === undefined || n === null || Number.isNaN(n) ? '–' : Number(n).toFixed(digits);
}

export function pct(n) {
  return n === undefined || n === null ? '–' : (n * 100).toFixed(1) + ' %';
}

/** Draws the current page again (after a change), keeping the status message. */
export function reload() {
  window.dispatchEvent(new Event('heimdall:reload'));
}
