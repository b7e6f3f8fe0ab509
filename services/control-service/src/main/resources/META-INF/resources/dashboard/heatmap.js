// The paper's heat map (Gromov et al. 2024, figure 2) drawn as plain SVG from the probe's distance matrix:
// x the start layer l, y the block size n, each row min-max normalised (the rows' scales differ a lot), and the
// minimum of each row, l*(n), traced. The raw distance of each cell is in its <title> and in data-distance, and a
// tooltip shows it on hover.
import { svg } from './api.js';

const CELL_MIN = 28;
const MARGIN = { left: 52, right: 16, top: 12, bottom: 44 };

// viridis at five stops, linearly interpolated: dark = most similar (small distance), yellow = least
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

export function color(t) {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const c = VIRIDIS[i].map((v, k) => Math.round(v + f * (VIRIDIS[i + 1][k] - v)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** The start l of the smallest distance in a row; ties go to the smallest l, as the probe breaks them. */
export function argmin(row) {
  let best = 0;
  for (let l = 1; l < row.length; l++) {
    if (row[l] < row[best]) best = l;
  }
  return best;
}

/**
 * Draws the heat map of `probe` (the view's similarity.probed: layers L, distances[n-1][l] for n = 1..L-1 and
 * l = 0..L-n) into `box`; `tooltip` is the element shown on hover.
 */
export function drawHeatMap(box, tooltip, probe) {
  const layers = probe.layers;
  const rows = probe.distances;
  const cell = Math.max(CELL_MIN, Math.floor(560 / layers));
  const width = MARGIN.left + cell * layers + MARGIN.right;
  const height = MARGIN.top + cell * rows.length + MARGIN.bottom;
  const root = svg('svg', {
    id: 'heatmap', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'data-layers': layers, 'data-rows': rows.length, 'data-metric': probe.metric,
  });
  const x = (l) => MARGIN.left + l * cell;
  // n = 1 at the bottom, as in the paper's figure
  const y = (n) => MARGIN.top + (rows.length - n) * cell;
  const trace = [];
  rows.forEach((row, index) => {
    const n = index + 1;
    const lo = Math.min(...row);
    const hi = Math.max(...row);
    const best = argmin(row);
    const group = svg('g', { class: 'heat-row', 'data-n': n, 'data-lstar': best }, root);
    row.forEach((distance, l) => {
      const normalised = hi > lo ? (distance - lo) / (hi - lo) : 0;
      const rect = svg('rect', {
        class: l === best ? 'cell lstar' : 'cell', x: x(l), y: y(n), width: cell, height: cell,
        fill: color(normalised), 'data-n': n, 'data-l': l, 'data-distance': distance,
        'data-normalised': normalised.toFixed(4),
      }, group);
      const text = describe(n, l, distance, normalised);
      svg('title', {}, rect).textContent = text;
      rect.addEventListener('mouseenter', (event) => show(tooltip, text, event));
      rect.addEventListener('mousemove', (event) => move(tooltip, event));
      rect.addEventListener('mouseleave', () => { tooltip.hidden = true; });
    });
    trace.push([x(best) + cell / 2, y(n) + cell / 2]);
  });
  svg('polyline', {
    id: 'lstar-trace', points: trace.map((p) => p.join(',')).join(' '), fill: 'none', stroke: '#e8175d',
    'stroke-width': 2.5, 'data-lstar': rows.map(argmin).join(','), 'pointer-events': 'none',
  }, root);
  trace.forEach(([cx, cy]) => svg('circle', { cx, cy, r: 4, fill: '#e8175d', 'pointer-events': 'none' }, root));
  // axes: a label per column and per row
  for (let l = 0; l < layers; l++) {
    svg('text', { x: x(l) + cell / 2, y: y(1) + cell + 16, 'text-anchor': 'middle', class: 'tick' }, root)
      .textContent = l;
  }
  rows.forEach((_, index) => {
    svg('text', { x: MARGIN.left - 8, y: y(index + 1) + cell / 2 + 4, 'text-anchor': 'end', class: 'tick' }, root)
      .textContent = index + 1;
  });
  svg('text', { x: MARGIN.left + (cell * layers) / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis' }, root)
    .textContent = 'start layer l';
  svg('text', {
    x: 14, y: MARGIN.top + (cell * rows.length) / 2, 'text-anchor': 'middle', class: 'axis',
    transform: `rotate(-90 14 ${MARGIN.top + (cell * rows.length) / 2})`,
  }, root).textContent = 'block size n';
  box.replaceChildren(root);
}

function describe(n, l, distance, normalised) {
  return `n = ${n}, l = ${l} (layers ${l}..${l + n - 1}): distance ${distance.toFixed(6)}`
    + ` (row-normalised ${normalised.toFixed(3)})`;
}

function show(tooltip, text, event) {
  tooltip.textContent = text;
  tooltip.hidden = false;
  move(tooltip, event);
}

function move(tooltip, event) {
  tooltip.style.left = `${event.pageX + 12}px`;
  tooltip.style.top = `${event.pageY + 12}px`;
}
