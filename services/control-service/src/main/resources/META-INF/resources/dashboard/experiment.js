// One experiment: the heat map, the pruning curves and every variant's state, kept current by the experiment's
// server-sent events. Each event redraws from the view (GET /experiments/{id}, /curve), so the page shows what the
// API serves; heal.progress also updates its row at once, from the event itself.
import { artifactUrl, fmt, getJson, html } from './api.js';
import { drawCurves } from './curves.js';
import { drawHeatMap } from './heatmap.js';

const EVENT_TYPES = ['experiments.requested', 'similarity.probed', 'variants.pruned', 'heal.progress',
  'variants.healed', 'variants.evaluated', 'stage.failed'];
const id = new URLSearchParams(location.search).get('id');
const base = `experiments/${encodeURIComponent(id)}`;
// per variant n, the first heal.progress seen on this page: with the latest, it gives the rate for an ETA
const firstProgress = new Map();
// per variant n, the latest heal.progress event: the view folds it a moment later, and a redraw from a view that has
// not folded it yet must not take the progress off the page
const liveProgress = new Map();
let probeTime = null;
let refreshing = null;
let again = false;
let settle = null;
// Kafka Streams folds an event into the view a moment after the event reaches this page: until the view has folded
// the latest event seen here (its time), the view is read again, so that the page ends on what the view ends on
let latestEvent = 0;
const SETTLE_MS = 1000;

document.getElementById('experiment-id').textContent = id;
document.title = `layerprune: ${id}`;

/** Reads the view and the curve and redraws; a refresh asked for while one runs runs once after it. */
async function refresh() {
  if (refreshing) { again = true; return; }
  refreshing = (async () => {
    try {
      const view = await getJson(base);
      render(view);
      clearTimeout(settle);
      if (!view.updated || Date.parse(view.updated) < latestEvent) settle = setTimeout(refresh, SETTLE_MS);
      drawCurves(document.getElementById('curves'), await getJson(`${base}/curve`));
    } catch (error) {
      clearTimeout(settle);
      if (latestEvent > 0) settle = setTimeout(refresh, SETTLE_MS); // events seen, the view not there yet
      document.getElementById('summary').textContent = error.status === 404
        ? 'no event of this experiment seen yet' : `cannot read the experiment: ${error.message}`;
    }
  })();
  await refreshing;
  refreshing = null;
  if (again) { again = false; refresh(); }
}

function render(view) {
  const state = document.getElementById('state');
  state.textContent = view.state;
  state.dataset.state = view.state;
  document.body.dataset.state = view.state;
  const request = view.request || {};
  const model = request.model ? (request.model.ref || request.model.repoId) : '?';
  document.getElementById('summary').textContent = `${model}, metric ${request.metric || '?'}, strategy `
    + `${request.strategy || '?'}, ${view.probe ? `L = ${view.probe.layers}` : 'L unknown until the probe reports'}`
    + (view.updated ? `; updated ${new Date(view.updated).toLocaleString()}` : '');
  const failures = document.getElementById('failures');
  failures.replaceChildren(...(view.failures || []).map((f) => html('li', { class: f.resolved ? 'resolved' : '' },
    `${f.stage}${f.variantId ? ` ${f.variantId}` : ''}: ${f.code} ${f.message}${f.resolved ? ' (made good since)' : ''}`)));
  if (view.probe && view.probe.time !== probeTime) {
    probeTime = view.probe.time;
    drawHeatMap(document.getElementById('heatmap-box'), document.getElementById('heat-tooltip'), view.probe);
  }
  renderVariants(view);
}

function renderVariants(view) {
  const layers = view.probe ? view.probe.layers : null;
  const body = document.querySelector('#variants tbody');
  const rows = Object.values(view.variants || {}).sort((a, b) => a.n - b.n).map((v) => {
    const row = html('tr', { 'data-n': v.n, 'data-state': v.state });
    html('td', {}, v.n === 0 ? '0 (baseline)' : String(v.n), row);
    html('td', {}, layers ? `${(100 * v.n / layers).toFixed(1)}%` : '–', row);
    html('td', { class: 'lstar' }, v.lStar === null || v.lStar === undefined ? '–' : String(v.lStar), row);
    html('td', {}, v.removedLayers ? v.removedLayers.join(', ') : '–', row);
    html('td', {}, null, row).appendChild(html('span', { class: 'state', 'data-state': v.state }, v.state));
    const heal = html('td', { class: 'heal' }, null, row);
    if (v.n === 0) {
      heal.textContent = 'nothing removed, nothing to heal';
    } else if (v.healed) {
      heal.textContent = `done: ${v.healed.steps} updates, ${v.healed.tokens} tokens; held-out loss `
        + `${fmt(v.healed.evalLossBefore)} → ${fmt(v.healed.evalLossAfter)}`;
    } else if (v.heal || liveProgress.has(v.n)) {
      showProgress(heal, v.n, newest(v.heal, liveProgress.get(v.n)));
    } else {
      heal.textContent = '–';
    }
    html('td', { class: 'scores' }, scores(v), row);
    links(html('td', { class: 'artifacts' }, null, row), v);
    return row;
  });
  body.replaceChildren(...rows);
}

/** The later of two heal progress reports, either of which may be missing. */
function newest(a, b) {
  if (!a || !b) return a || b;
  const byTime = Date.parse(a.time) - Date.parse(b.time);
  return byTime > 0 || (byTime === 0 && a.step >= b.step) ? a : b;
}

/** Heal progress of variant n: a bar, the step, loss, tokens/s and an ETA from the rate this page has seen. */
function showProgress(cell, n, progress) {
  if (!firstProgress.has(n) || firstProgress.get(n).step > progress.step) firstProgress.set(n, progress);
  const first = firstProgress.get(n);
  let eta = '–';
  const steps = progress.step - first.step;
  const seconds = (Date.parse(progress.time) - Date.parse(first.time)) / 1000;
  if (steps > 0 && seconds > 0) {
    eta = `${Math.ceil(((progress.totalSteps - progress.step) * seconds) / steps)} s`;
  }
  const bar = html('progress', { max: progress.totalSteps, value: progress.step });
  document.body.dataset.healShown = `${n}:${progress.step}/${progress.totalSteps}`; // the latest progress drawn
  cell.replaceChildren(bar, html('span', { class: 'heal-progress', 'data-step': progress.step,
    'data-total': progress.totalSteps },
  ` step ${progress.step}/${progress.totalSteps}, loss ${fmt(progress.loss)}, `
    + `${fmt(progress.tokensPerSecond, 3)} tokens/s, ETA ${eta}`));
}

function scores(v) {
  const parts = [];
  const stages = v.n === 0 ? ['baseline'] : ['pruned', 'healed'];
  const tasks = new Set(stages.flatMap((s) => Object.keys((v.scores || {})[s] || {})));
  for (const task of [...tasks].sort()) {
    const metric = task === 'loss' ? 'loss' : 'accuracy';
    const values = stages.map((s) => fmt((((v.scores || {})[s] || {})[task] || {})[metric]));
    parts.push(`${task} ${values.join(' → ')}`);
  }
  return parts.join('; ') || '–';
}

/** Links to the variant's artifacts: checkpoint (for n = 0 the source model), adapter, merged model, mergekit YAML. */
function links(cell, v) {
  const add = (text, ref, kind) => {
    const a = html('a', { href: artifactUrl(ref), 'data-artifact': kind, target: '_blank' }, text, cell);
    cell.append(' ');
    return a;
  };
  if (v.pruned) {
    add(v.n === 0 ? 'model' : 'pruned checkpoint', v.pruned.checkpoint, 'checkpoint');
    // the prune stage writes mergekit's passthrough recipe of the same cut beside the checkpoint
    if (v.n > 0) add('mergekit.yaml', `${v.pruned.checkpoint}/mergekit.yaml`, 'mergekit');
  }
  if (v.healed) {
    add('adapter', v.healed.adapter, 'adapter');
    add('merged model', v.healed.checkpoint, 'merged');
  }
  if (!cell.hasChildNodes()) cell.textContent = '–';
}

/** Live events: every event redraws from the view; heal.progress updates its row at once. */
function listen() {
  const live = document.getElementById('live');
  const source = new EventSource(`${base}/events`);
  source.addEventListener('subscribed', () => {
    live.textContent = 'live events: connected';
    live.dataset.live = 'open';
    refresh(); // whatever happened before the stream opened
  });
  source.onerror = () => {
    live.textContent = 'live events: reconnecting…';
    live.dataset.live = 'closed';
  };
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (message) => {
      // what arrived, for whoever watches the page (the browser test among them)
      live.dataset.lastEvent = type;
      live.dataset.events = String(Number(live.dataset.events || 0) + 1);
      const seen = new Set((live.dataset.seen || '').split(',').filter((t) => t));
      live.dataset.seen = [...seen.add(type)].sort().join(',');
      live.textContent = `live events: connected, ${live.dataset.events} received (latest ${type})`;
      const event = JSON.parse(message.data);
      latestEvent = Math.max(latestEvent, Date.parse(event.time) || 0);
      if (type === 'heal.progress') {
        const match = /-n(\d+)-healed$/.exec(event.variantId);
        if (match) {
          const n = Number(match[1]);
          liveProgress.set(n, newest(liveProgress.get(n), event));
          const cell = document.querySelector(`#variants tr[data-n="${n}"] td.heal`);
          if (cell) showProgress(cell, n, liveProgress.get(n));
        }
      }
      refresh();
    });
  }
}

if (!id) {
  document.getElementById('summary').textContent = 'no experiment named: open experiment.html?id=<experimentId>';
} else {
  refresh();
  listen();
}
