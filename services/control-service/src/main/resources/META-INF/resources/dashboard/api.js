// The control service's REST API, as the pages use it. Paths are relative to the page, so the dashboard works
// behind a proxy that mounts the service under a prefix.

/** GET a JSON document; throws with the problem's title on an error answer. */
export async function getJson(path) {
  const answer = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await answer.text();
  if (!answer.ok) {
    let title = body;
    try { title = JSON.parse(body).title || body; } catch (e) { /* not a problem document */ }
    const error = new Error(`${path}: ${answer.status} ${title}`);
    error.status = answer.status;
    throw error;
  }
  return JSON.parse(body);
}

/** POST a JSON body; the answer's status and parsed body, whatever the status. */
export async function postJson(path, body) {
  const answer = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await answer.text();
  let json = null;
  try { json = JSON.parse(text); } catch (e) { json = { title: text }; }
  return { status: answer.status, body: json };
}

/** The artifact download link of a ref. */
export function artifactUrl(ref) {
  return 'artifacts/' + ref.split('/').map(encodeURIComponent).join('/');
}

/** Creates an element of the SVG namespace with attributes. */
export function svg(name, attributes = {}, parent = null) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', name);
  for (const [key, value] of Object.entries(attributes)) {
    element.setAttribute(key, value);
  }
  if (parent) parent.appendChild(element);
  return element;
}

/** Creates an HTML element with attributes and text. */
export function html(name, attributes = {}, text = null, parent = null) {
  const element = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) {
    element.setAttribute(key, value);
  }
  if (text !== null) element.textContent = text;
  if (parent) parent.appendChild(element);
  return element;
}

/** A number to a few significant digits, '–' when missing. */
export function fmt(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const text = Number(value).toPrecision(digits);
  // trailing zeros only of a fraction: 500 to 3 digits is "500", not "5"
  return text.includes('.') ? text.replace(/\.?0+(e|$)/, '$1') : text;
}
