// The paper's pruning curves (Gromov et al. 2024, figures 1 and 4) as plain SVG, one chart per task: the score
// against the fraction of layers dropped, before healing (dashed) and after (solid), with the unpruned baseline as a
// dotted line. Loss is shown normalised (loss / ln V), as in the paper; accuracies as they are.
import { fmt, svg } from './api.js';

const WIDTH = 420;
const HEIGHT = 260;
const MARGIN = { left: 56, right: 14, top: 14, bottom: 56 };
const PREFERRED = { loss: ['normalized_loss', 'loss'], mmlu: ['accuracy', 'macro_accuracy'], boolq: ['accuracy'] };
export const COLORS = { pruned: '#d95f02', healed: '#1b9e77' };

/** The metric a task's chart shows: the paper's, else the first the scores have. */
export function metricOf(task, points) {
  const seen = new Set();
  for (const point of points) {
    for (const stage of ['pruned', 'healed']) {
      Object.keys((point[stage] || {})[task] || {}).forEach((m) => seen.add(m));
    }
  }
  return (PREFERRED[task] || []).find((m) => seen.has(m)) || [...seen].sort()[0];
}

/** Every task any point has a score for. */
export function tasksOf(points) {
  const tasks = new Set();
  for (const point of points) {
    Object.keys(point.pruned || {}).forEach((t) => tasks.add(t));
    Object.keys(point.healed || {}).forEach((t) => tasks.add(t));
  }
  return [...tasks].sort();
}

/** Draws one chart per task of `curve` (GET /experiments/{id}/curve) into `box`. */
export function drawCurves(box, curve) {
  const points = (curve.points || []).filter((p) => p.fraction !== null && p.fraction !== undefined);
  const tasks = tasksOf(points);
  if (tasks.length === 0) {
    box.replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'no scores yet' }));
    return;
  }
  box.replaceChildren(...tasks.map((task) => chart(task, metricOf(task, points), points, curve.layers)));
}

/** In place of a chart whose task has no value yet (every score of its metric null). */
function noScores(task) {
  return Object.assign(document.createElement('p'), { className: 'muted', textContent: `${task}: no scores yet` });
}

function chart(task, metric, points, layers) {
  const series = {};
  for (const stage of ['pruned', 'healed']) {
    series[stage] = points
      .map((p) => ({ n: p.n, x: p.fraction, y: ((p[stage] || {})[task] || {})[metric] }))
      .filter((p) => p.y !== undefined && p.y !== null)
      .sort((a, b) => a.x - b.x);
  }
  const baseline = series.pruned.find((p) => p.n === 0) || series.healed.find((p) => p.n === 0);
  const values = [...series.pruned, ...series.healed].map((p) => p.y);
  if (values.length === 0) return noScores(task);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (task === 'loss') {
    if (hi === lo) { hi = lo + 1; }
    const pad = (hi - lo) * 0.06; // the lowest and highest loss off the axes
    lo -= pad;
    hi += pad;
  } else {
    lo = Math.min(lo, 0); // accuracies on their whole scale, ticks at quarters
    hi = Math.max(hi, 1);
  }
  const maxX = layers ? (layers - 1) / layers : Math.max(...points.map((p) => p.fraction), 1);
  const px = (x) => MARGIN.left + (x / maxX) * (WIDTH - MARGIN.left - MARGIN.right);
  const py = (y) => HEIGHT - MARGIN.bottom - ((y - lo) / (hi - lo)) * (HEIGHT - MARGIN.top - MARGIN.bottom);

  const root = svg('svg', {
    class: 'curve', width: WIDTH, height: HEIGHT, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img',
    'data-task': task, 'data-metric': metric,
  });
  // axes and ticks
  svg('line', { x1: MARGIN.left, y1: HEIGHT - MARGIN.bottom, x2: WIDTH - MARGIN.right, y2: HEIGHT - MARGIN.bottom,
    class: 'axis-line' }, root);
  svg('line', { x1: MARGIN.left, y1: MARGIN.top, x2: MARGIN.left, y2: HEIGHT - MARGIN.bottom, class: 'axis-line' },
    root);
  for (let i = 0; i <= 4; i++) {
    const x = (maxX * i) / 4;
    svg('text', { x: px(x), y: HEIGHT - MARGIN.bottom + 14, 'text-anchor': 'middle', class: 'tick' }, root)
      .textContent = `${Math.round(x * 100)}%`;
    const y = lo + ((hi - lo) * i) / 4;
    svg('text', { x: MARGIN.left - 6, y: py(y) + 4, 'text-anchor': 'end', class: 'tick' }, root).textContent = fmt(y, 3);
  }
  svg('text', { x: (MARGIN.left + WIDTH - MARGIN.right) / 2, y: HEIGHT - 24, 'text-anchor': 'middle', class: 'axis' },
    root).textContent = 'fraction of layers dropped';
  svg('text', { x: MARGIN.left + 6, y: MARGIN.top + 4, class: 'axis' }, root).textContent = `${task}: ${metric}`;
  if (baseline) {
    svg('line', { class: 'baseline', x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: py(baseline.y), y2: py(baseline.y),
      'data-value': baseline.y }, root);
    svg('text', { x: WIDTH - MARGIN.right - 4, y: py(baseline.y) - 4, 'text-anchor': 'end', class: 'tick' }, root)
      .textContent = `baseline ${fmt(baseline.y)}`;
  }
  for (const stage of ['pruned', 'healed']) {
    const line = series[stage];
    if (line.length > 1) {
      svg('polyline', { class: `series ${stage}`, points: line.map((p) => `${px(p.x)},${py(p.y)}`).join(' '),
        fill: 'none', stroke: COLORS[stage], 'stroke-width': 2,
        'stroke-dasharray': stage === 'pruned' ? '6 4' : 'none' }, root);
    }
    for (const p of line) {
      const dot = svg('circle', { class: `point ${stage}`, cx: px(p.x), cy: py(p.y), r: p.n === 0 ? 5 : 3.5,
        fill: COLORS[stage], 'data-n': p.n, 'data-stage': stage, 'data-value': p.y }, root);
      svg('title', {}, dot).textContent = `n = ${p.n} (${Math.round(p.x * 1000) / 10}% dropped), ${stage}: `
        + `${metric} ${fmt(p.y, 6)}${p.n === 0 ? ' (baseline)' : ''}`;
    }
  }
  // legend, under the axis label, clear of the data
  ['pruned', 'healed'].forEach((stage, i) => {
    const lx = MARGIN.left + 10 + i * 90;
    const ly = HEIGHT - 8;
    svg('line', { x1: lx, x2: lx + 22, y1: ly, y2: ly, stroke: COLORS[stage], 'stroke-width': 2,
      'stroke-dasharray': stage === 'pruned' ? '6 4' : 'none' }, root);
    svg('text', { x: lx + 26, y: ly + 4, class: 'tick' }, root).textContent = stage;
  });
  return root;
}
