// The submit form: filled in from GET /experiments/template, read back into an experiments.requested body. Each
// input is named by the JSON path of its field (heal.steps), which is also how the API names a field at fault, so
// the API's errors land next to their inputs. Checks here are the schema's simple rules, for a quick answer; the API
// checks the whole schema again.

const ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
// the schema's artifact ref (schemas/common/v1.json): relative, and no segment is . or ..
const REF = /^(?!\.{1,2}(?:\/|$))(?!.*\/\.{1,2}(?:\/|$))[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

/** The value at a dotted path of an object; undefined when absent. */
export function at(object, path) {
  return path.split('.').reduce((o, key) => (o === undefined || o === null ? undefined : o[key]), object);
}

function put(object, path, value) {
  const keys = path.split('.');
  let o = object;
  keys.slice(0, -1).forEach((key) => { o = o[key] = o[key] || {}; });
  if (value === undefined) delete o[keys[keys.length - 1]]; else o[keys[keys.length - 1]] = value;
}

/**
 * Block sizes as typed: "all", or a list such as "1, 2, 4"; an error message when neither.
 */
export function parseBlockSizes(text) {
  const trimmed = text.trim();
  if (trimmed === 'all') return { value: 'all' };
  const parts = trimmed.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0 || parts.some((p) => !/^[1-9][0-9]*$/.test(p))) {
    return { error: 'all, or whole numbers of at least 1 separated by commas' };
  }
  const sizes = parts.map(Number);
  if (new Set(sizes).size !== sizes.length) return { error: 'each block size at most once' };
  return { value: sizes };
}

/** Fills `form` from `template`. */
export function fill(form, template) {
  for (const input of form.elements) {
    if (!input.name || input.type === 'submit') continue;
    const value = at(template, input.name);
    if (input.type === 'checkbox') {
      input.checked = Array.isArray(value) && value.includes(input.value);
    } else if (input.name === 'blockSizes') {
      input.value = Array.isArray(value) ? value.join(', ') : (value || 'all');
    } else if (input.name === 'evalTasks') {
      input.value = JSON.stringify(value || [], null, 2);
    } else if (input.name === 'model.kind') {
      input.value = (template.model && template.model.kind) || 'artifact';
    } else {
      input.value = value === undefined || value === null ? '' : value;
    }
  }
}

/**
 * The body the form asks for, from a copy of `template` with every input's value put at its path; errors by field
 * for what the page can tell is wrong. The body is only meaningful without errors.
 */
export function read(form, template) {
  const body = JSON.parse(JSON.stringify(template));
  const errors = [];
  const kind = form.elements['model.kind'].value;
  body.model = { kind };
  for (const input of form.elements) {
    if (!input.name || input.type === 'submit' || input.type === 'checkbox' || input.name === 'model.kind') continue;
    if (input.closest('[data-kind]') && input.closest('[data-kind]').dataset.kind !== kind) continue;
    const name = input.name;
    const text = input.value.trim();
    if (name === 'experimentId') {
      if (text === '') { delete body.experimentId; continue; }
      if (!ID.test(text)) errors.push({ field: name, message: input.title });
      body.experimentId = text;
    } else if (name === 'blockSizes') {
      const parsed = parseBlockSizes(text);
      if (parsed.error) errors.push({ field: name, message: parsed.error }); else body.blockSizes = parsed.value;
    } else if (name === 'evalTasks') {
      try {
        const tasks = JSON.parse(text);
        if (!Array.isArray(tasks) || tasks.length === 0) throw new Error('a non-empty JSON array');
        body.evalTasks = tasks;
      } catch (e) {
        errors.push({ field: name, message: `not a JSON array of tasks: ${e.message}` });
      }
    } else if (input.type === 'number') {
      if (!input.checkValidity() || text === '') {
        errors.push({ field: name, message: input.validationMessage || 'a number is needed' });
      } else {
        put(body, name, Number(text));
      }
    } else if (text === '') {
      if (input.required || name === 'model.ref' || name === 'model.repoId') {
        errors.push({ field: name, message: 'needed' });
      } else {
        put(body, name, undefined);
      }
    } else {
      if ((input.classList.contains('ref') || name === 'model.ref') && !REF.test(text)) {
        errors.push({ field: name, message: 'a relative path under the artifact root (letters, digits, . _ -; no . or .. segment)' });
      }
      put(body, name, text);
    }
  }
  const targets = [...form.querySelectorAll('input[name="heal.targets"]:checked')].map((c) => c.value);
  if (targets.length === 0) errors.push({ field: 'heal.targets', message: 'at least one projection' });
  body.heal.targets = targets;
  return { body, errors };
}

/** Shows `errors` ({field, message}) next to their inputs and in the list `list`; clears earlier ones. */
export function showErrors(form, list, errors) {
  form.querySelectorAll('.invalid').forEach((e) => e.classList.remove('invalid'));
  form.querySelectorAll('.field-error').forEach((e) => e.remove());
  list.replaceChildren(...errors.map((error) => {
    const li = document.createElement('li');
    li.dataset.field = error.field;
    li.textContent = `${error.field || 'body'}: ${error.message}`;
    return li;
  }));
  for (const error of errors) {
    const field = error.field.replace(/\[\d+\]$/, '');
    // a group's box (the heal targets) before its inputs, the note being about the group, not its first checkbox; the
    // list's own items carry data-field too and are no place for a note
    const group = [...form.querySelectorAll(`[data-field="${CSS.escape(field)}"]`)].find((e) => !list.contains(e));
    const target = group || form.querySelector(`[name="${CSS.escape(field)}"]`);
    if (target) {
      const holder = target.closest('label, div') || target;
      holder.classList.add('invalid');
      const note = document.createElement('span');
      note.className = 'field-error';
      note.textContent = error.message;
      holder.appendChild(note);
    }
  }
}
