// The app shell: the admin token (login form or #token= fragment), hash routing between the pages.
import {api, h, field, setToken, token, status, whenUnauthorized} from './util.js';
import * as dashboard from './dashboard.js';
import * as providers from './providers.js';
import * as routing from './routing.js';
import * as plugins from './plugins.js';
import * as playground from './playground.js';
import * as requests from './requests.js';
import * as config from './config.js';

const PAGES = {dashboard, providers, routing, plugins, playground, requests, config};
const main = document.getElementById('main');
let cleanup = null;

function takeFragmentToken() {
  const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (!m) return;
  setToken(decodeURIComponent(m[1]));
  const rest = location.hash.replace(/(?:^#|&)token=[^&]*/, '').replace(/^&/, '');
  history.replaceState(null, '', location.pathname + location.search + (rest.startsWith('/') ? '#' + rest : '#/dashboard'));
}

function showLogin(message) {
  stop();
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  const input = h('input', {type: 'password', autocomplete: 'current-password', required: true, name: 'token'});
  const form = h('form', {class: 'card login', 'aria-labelledby': 'login-title'},
    h('h1', {id: 'login-title'}, 'Sign in'),
    h('p', {}, 'This gateway needs its admin token (admin.token in the config). It is kept for this browser tab only.'),
    field('Admin token', input),
    message ? h('p', {class: 'bad', role: 'alert'}, message) : null,
    h('div', {class: 'actions'}, h('button', {class: 'primary', type: 'submit'}, 'Sign in')));
  form.addEventListener('submit', e => {
    e.preventDefault();
    setToken(input.value.trim());
    start();
  });
  main.replaceChildren(form);
  input.focus();
}

function stop() {
  if (cleanup) cleanup();
  cleanup = null;
}

async function route(keepStatus = false) {
  stop();
  if (!keepStatus) status('');
  const name = (location.hash.match(/^#\/([a-z]+)/) || [])[1] || 'dashboard';
  const page = PAGES[name] || dashboard;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === '#/' + name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = 'Heimdall · ' + name;
  if (!keepStatus) main.replaceChildren(h('p', {class: 'meta'}, 'Loading…'));
  try {
    cleanup = (await page.render(main)) || null;
    // After a navigation, move focus to the page (unless the page focused a control itself).
    if (!keepStatus && (document.activeElement === document.body || document.activeElement.closest('nav'))) {
      main.focus({preventScroll: true});
    }
  } catch (e) {
    if (e.status !== 401) main.replaceChildren(h('p', {class: 'bad', role: 'alert'}, e.message));
  }
}

async function start() {
  takeFragmentToken();
  try {
    await api('GET', '/health');
  } catch (e) {
    if (e.status === 401) return showLogin(token() ? 'That token was not accepted.' : '');
    main.replaceChildren(h('div', {class: 'card', role: 'alert'}, h('h1', {}, 'No access to the admin API'),
      h('p', {}, e.message),
      h('p', {}, e.status === 404 ? 'Enable the admin-api plugin in the config.'
        : 'Open the UI from the gateway machine (loopback), or configure admin.token and sign in with it.')));
    return;
  }
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = !token();
  if (!/^#\//.test(location.hash)) history.replaceState(null, '', '#/dashboard');
  route();
}

window.addEventListener('heimdall:reload', () => route(true));
whenUnauthorized(() => showLogin(token() ? 'The admin token is no longer accepted.' : ''));
window.addEventListener('hashchange', () => {
  if (/token=/.test(location.hash)) start(); else if (!document.getElementById('nav').hidden) route();
});
document.getElementById('logout').addEventListener('click', () => {
  setToken('');
  showLogin('Signed out.');
});
start();
