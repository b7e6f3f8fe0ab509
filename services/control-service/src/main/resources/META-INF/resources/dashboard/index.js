// The experiments list and the submit form.
import { getJson, html, postJson } from './api.js';
import { fill, read, showErrors } from './form.js';

const LIST_EVERY_MS = 5000;

async function list() {
  const status = document.getElementById('list-status');
  try {
    const experiments = await getJson('experiments');
    const rows = experiments.map((e) => {
      const row = html('tr', { 'data-experiment': e.experimentId, 'data-state': e.state });
      const cell = html('td', {}, null, row);
      html('a', { href: `experiment.html?id=${encodeURIComponent(e.experimentId)}` }, e.experimentId, cell);
      html('td', {}, null, row).appendChild(html('span', { class: 'state', 'data-state': e.state }, e.state));
      html('td', {}, e.model ? (e.model.ref || e.model.repoId || JSON.stringify(e.model)) : '–', row);
      html('td', {}, Array.isArray(e.blockSizes) ? e.blockSizes.join(', ') : String(e.blockSizes ?? '–'), row);
      html('td', {}, e.updated ? new Date(e.updated).toLocaleString() : '–', row);
      return row;
    });
    document.querySelector('#experiments tbody').replaceChildren(...rows);
    status.textContent = rows.length === 0 ? 'none yet: submit one below' : '';
  } catch (error) {
    status.textContent = `cannot list experiments: ${error.message}`;
  }
}

async function form() {
  const form = document.getElementById('submit-form');
  const errors = document.getElementById('form-errors');
  const status = document.getElementById('submit-status');
  let template;
  try {
    template = await getJson('experiments/template');
  } catch (error) {
    status.textContent = `no defaults: ${error.message}`;
    return;
  }
  fill(form, template);
  const kind = form.elements['model.kind'];
  const showKind = () => form.querySelectorAll('[data-kind]').forEach((e) => { e.hidden = e.dataset.kind !== kind.value; });
  kind.addEventListener('change', showKind);
  showKind();
  // an edited field is no longer the one the last check marked
  form.addEventListener('input', (event) => {
    const holder = event.target.closest('.invalid');
    if (holder) {
      holder.classList.remove('invalid');
      holder.querySelectorAll('.field-error').forEach((e) => e.remove());
    }
  });
  form.dataset.ready = 'true';
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { body, errors: invalid } = read(form, template);
    showErrors(form, errors, invalid);
    if (invalid.length > 0) {
      status.textContent = 'not sent: fix the fields marked';
      form.dataset.outcome = 'invalid';
      return;
    }
    status.textContent = 'sending…';
    const answer = await postJson('experiments', body);
    if (answer.status === 202) {
      form.dataset.outcome = 'accepted';
      location.href = `experiment.html?id=${encodeURIComponent(answer.body.experimentId)}`;
    } else {
      form.dataset.outcome = 'rejected';
      status.textContent = `the API answered ${answer.status}: ${answer.body.title || ''}`;
      showErrors(form, errors, answer.body.errors || []);
    }
  });
}

list();
setInterval(list, LIST_EVERY_MS);
form();
