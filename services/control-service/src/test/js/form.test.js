// The submit form of index.html, filled from and read back into the paper's template (the body GET
// /experiments/template serves by default): the real page's inputs, so a renamed input or changed rule shows here.
import './dom.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { at, fill, parseBlockSizes, read, showErrors } from '../../main/resources/META-INF/resources/dashboard/form.js';

const MAIN = new URL('../../main/resources/', import.meta.url);
const PAGE = readFileSync(new URL('META-INF/resources/index.html', MAIN), 'utf8');
const TEMPLATE = JSON.parse(readFileSync(new URL('org/layerprune/control/template/experiment-template.json', MAIN),
  'utf8'));

/** A fresh copy of the page's form in the document, and its error list. */
function page() {
  const parsed = new window.DOMParser().parseFromString(PAGE, 'text/html');
  const form = document.importNode(parsed.querySelector('#submit-form'), true);
  // in a section, as on the page: showErrors looks up from a field to the nearest label or div
  document.body.appendChild(document.createElement('section')).appendChild(form);
  return { form, list: form.querySelector('.errors') };
}

function filled(template = TEMPLATE) {
  const { form, list } = page();
  fill(form, template);
  return { form, list, input: (name) => form.elements[name] };
}

/** The form filled from TEMPLATE, `edits` (input name to text) typed in and `change` made, read back. */
function readEdited(edits, change = () => {}) {
  const { form, input } = filled();
  Object.entries(edits).forEach(([name, text]) => { input(name).value = text; });
  change(form);
  return { ...read(form, TEMPLATE), form };
}

function copy(value) {
  return JSON.parse(JSON.stringify(value));
}

test('at reads a dotted path, undefined where any step is absent', () => {
  assert.equal(at(TEMPLATE, 'heal.steps'), 5000);
  assert.equal(at(TEMPLATE, 'metric'), 'angular-last-token');
  assert.equal(at(TEMPLATE, 'heal.nothing'), undefined);
  assert.equal(at(TEMPLATE, 'nothing.steps'), undefined);
  assert.equal(at({ heal: null }, 'heal.steps'), undefined);
});

test('parseBlockSizes takes "all"', () => {
  assert.deepEqual(parseBlockSizes('all'), { value: 'all' });
  assert.deepEqual(parseBlockSizes('  all '), { value: 'all' });
});

test('parseBlockSizes takes whole numbers separated by commas or spaces', () => {
  assert.deepEqual(parseBlockSizes('1, 2, 4'), { value: [1, 2, 4] });
  assert.deepEqual(parseBlockSizes('8 4,2'), { value: [8, 4, 2] });
  assert.deepEqual(parseBlockSizes(' 16 '), { value: [16] });
});

test('parseBlockSizes refuses what is neither "all" nor block sizes of at least 1', () => {
  for (const text of ['', '  ', 'ALL', 'all, 2', '0', '1, 0', '-1', '1.5', '01', 'two', '1;2']) {
    assert.ok(parseBlockSizes(text).error, JSON.stringify(text));
    assert.equal(parseBlockSizes(text).value, undefined, JSON.stringify(text));
  }
});

test('parseBlockSizes refuses a block size given twice', () => {
  assert.deepEqual(parseBlockSizes('1, 2, 1'), { error: 'each block size at most once' });
});

test('fill shows each template value in the input named by its path', () => {
  const { input } = filled();
  assert.equal(input('model.kind').value, 'huggingface');
  assert.equal(input('model.repoId').value, 'meta-llama/Llama-2-7b-hf');
  assert.equal(input('model.ref').value, '');
  assert.equal(input('heal.steps').value, '5000');
  assert.equal(input('heal.learningRate').value, '0.0003');
  assert.equal(input('blockSizes').value, 'all');
  assert.deepEqual(JSON.parse(input('evalTasks').value), TEMPLATE.evalTasks);
  assert.equal(input('experimentId').value, '');
});

test('fill ticks exactly the template\'s heal targets', () => {
  const { form } = filled();
  const ticked = [...form.querySelectorAll('input[name="heal.targets"]:checked')].map((c) => c.value);
  assert.deepEqual(ticked, TEMPLATE.heal.targets);
});

test('fill writes a list of block sizes as the user would type it', () => {
  const { input } = filled({ ...TEMPLATE, blockSizes: [1, 2, 4] });
  assert.equal(input('blockSizes').value, '1, 2, 4');
});

test('read gives back the template it was filled from, unedited', () => {
  const { form } = filled();
  assert.deepEqual(read(form, TEMPLATE), { body: TEMPLATE, errors: [] });
});

test('read gives back an artifact model\'s template too, and leaves out the other kind\'s inputs', () => {
  const template = { ...copy(TEMPLATE), model: { kind: 'artifact', ref: 'models/stories260K' }, blockSizes: [1, 2] };
  const { form } = filled(template);
  assert.deepEqual(read(form, template), { body: template, errors: [] });
});

test('read takes the edits: numbers as numbers, block sizes as a list, an id when given', () => {
  const { body, errors } = readEdited({ experimentId: 'llama-short', 'heal.steps': '200', 'heal.learningRate': '1e-4',
    blockSizes: '2, 4', 'model.revision': 'abc123' });
  assert.deepEqual(errors, []);
  assert.equal(body.experimentId, 'llama-short');
  assert.equal(body.heal.steps, 200);
  assert.equal(body.heal.learningRate, 0.0001);
  assert.deepEqual(body.blockSizes, [2, 4]);
  assert.deepEqual(body.model, { kind: 'huggingface', repoId: 'meta-llama/Llama-2-7b-hf', revision: 'abc123' });
  // the template is the next submit's starting point: reading must not change it
  assert.equal(TEMPLATE.heal.steps, 5000);
});

test('read names each field it can tell is wrong, by its path', () => {
  const { errors, form } = readEdited({ experimentId: 'Not_An_Id', 'calibration.samples': '0', blockSizes: '1, 1',
    evalTasks: '[]', 'heal.data': '/etc/passwd', 'model.repoId': '' }, (form) => {
    form.querySelectorAll('input[name="heal.targets"]').forEach((c) => { c.checked = false; });
  });
  assert.deepEqual(errors.map((e) => e.field).sort(), ['blockSizes', 'calibration.samples', 'evalTasks',
    'experimentId', 'heal.data', 'heal.targets', 'model.repoId']);
  assert.equal(errors.find((e) => e.field === 'experimentId').message, form.elements.experimentId.title);
});

test('read refuses a ref that leaves the artifact root, as the schema does, and keeps dotted names', () => {
  for (const ref of ['../data', 'data/../../x', './data', 'data/.', '/data', 'data//x']) {
    const { errors } = readEdited({ 'heal.data': ref });
    assert.deepEqual(errors.map((e) => e.field), ['heal.data'], ref);
  }
  for (const ref of ['data/calib.v2.jsonl', '.cache/x', 'a..b/c']) {
    assert.deepEqual(readEdited({ 'heal.data': ref }).errors, [], ref);
  }
});

test('showErrors lists every error and marks the field it names', () => {
  const { form, list } = filled();
  showErrors(form, list, [{ field: 'heal.steps', message: 'must be at least 1' }]);
  assert.deepEqual([...list.children].map((li) => [li.dataset.field, li.textContent]),
    [['heal.steps', 'heal.steps: must be at least 1']]);
  const label = form.elements['heal.steps'].closest('label');
  assert.ok(label.classList.contains('invalid'));
  assert.equal(label.querySelector('.field-error').textContent, 'must be at least 1');
});

test('showErrors marks a list field for an error about one of its items, and the targets by their box', () => {
  const { form, list } = filled();
  showErrors(form, list, [{ field: 'blockSizes[1]', message: 'too large' },
    { field: 'heal.targets', message: 'at least one projection' }]);
  assert.ok(form.elements.blockSizes.closest('label').classList.contains('invalid'));
  assert.ok(form.querySelector('[data-field="heal.targets"]').classList.contains('invalid'));
});

test('showErrors lists an error about the whole body without marking a field', () => {
  const { form, list } = filled();
  showErrors(form, list, [{ field: '', message: 'not JSON' }]);
  assert.equal(list.textContent, 'body: not JSON');
  assert.equal(form.querySelectorAll('.invalid, .field-error').length, 0);
});

test('showErrors lists an error about a field without an input once, without marking a field', () => {
  const { form, list } = filled();
  showErrors(form, list, [{ field: 'evalTasks[0].data', message: 'needed' }]);
  assert.equal(list.textContent, 'evalTasks[0].data: needed');
  assert.equal(form.querySelectorAll('.invalid, .field-error').length, 0);
});

test('showErrors clears the marks of the errors shown before', () => {
  const { form, list } = filled();
  showErrors(form, list, [{ field: 'heal.steps', message: 'must be at least 1' }]);
  showErrors(form, list, []);
  assert.equal(list.children.length, 0);
  assert.equal(form.querySelectorAll('.invalid, .field-error').length, 0);
});
