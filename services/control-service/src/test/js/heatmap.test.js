// The heat map of the probe: the view's similarity.probed, distances[n-1][l] for block sizes n = 1..L-1 and starts
// l = 0..L-n, each row min-max normalised, with l*(n), the row's minimum, traced.
import './dom.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { container, polylinePoints } from './dom.js';
import { argmin, color, drawHeatMap } from '../../main/resources/META-INF/resources/dashboard/heatmap.js';

// L = 6: five rows, of 6, 5, 4, 3 and 2 starts. The minima move (l* = 4, 3, 2, 0, 1); n = 4 has a tie at l = 0 and
// l = 2, and n = 5 is flat.
const PROBE = {
  layers: 6,
  metric: 'angular-last-token',
  distances: [
    [0.3, 0.25, 0.2, 0.15, 0.1, 0.4],
    [0.4, 0.35, 0.3, 0.2, 0.5],
    [0.5, 0.45, 0.3, 0.6],
    [0.5, 0.6, 0.5],
    [0.7, 0.7],
  ],
};

/** Draws PROBE and answers the svg and the tooltip element. */
function draw(probe = PROBE) {
  const box = container();
  const tooltip = container();
  tooltip.hidden = true;
  drawHeatMap(box, tooltip, probe);
  // not by id (here nor below): every test's map is in the one document, and jsdom's #id finds the first one
  return { map: box.querySelector('svg'), tooltip };
}

function cells(row) {
  return [...row.querySelectorAll('rect.cell')];
}

test('argmin answers the start of the smallest distance', () => {
  assert.equal(argmin([0.3, 0.1, 0.2]), 1);
  assert.equal(argmin([0.1, 0.2, 0.3]), 0);
  assert.equal(argmin([0.3, 0.2, 0.1]), 2);
  assert.equal(argmin([0.5]), 0);
});

test('argmin breaks ties to the smallest start, as the probe does', () => {
  assert.equal(argmin([0.2, 0.1, 0.1]), 1);
  assert.equal(argmin([0.7, 0.7]), 0);
});

test('color maps 0 and 1 to the ends of viridis and 0.5 to its middle stop', () => {
  assert.equal(color(0), 'rgb(68,1,84)');
  assert.equal(color(0.5), 'rgb(33,145,140)');
  assert.equal(color(1), 'rgb(253,231,37)');
});

test('color interpolates between stops', () => {
  // halfway between the first two stops, (68,1,84) and (59,82,139), rounded
  assert.equal(color(0.125), 'rgb(64,42,112)');
});

test('color clamps values outside 0..1 to the ends', () => {
  assert.equal(color(-0.5), color(0));
  assert.equal(color(1.5), color(1));
});

test('drawHeatMap draws L-1 rows, row n with a cell for each start l = 0..L-n', () => {
  const { map } = draw();
  assert.equal(map.id, 'heatmap');
  assert.equal(map.dataset.layers, '6');
  assert.equal(map.dataset.rows, '5');
  assert.equal(map.dataset.metric, 'angular-last-token');
  const rows = [...map.querySelectorAll('g.heat-row')];
  assert.deepEqual(rows.map((r) => Number(r.dataset.n)), [1, 2, 3, 4, 5]);
  assert.deepEqual(rows.map((r) => cells(r).length), [6, 5, 4, 3, 2]);
  assert.deepEqual(cells(rows[1]).map((c) => Number(c.dataset.l)), [0, 1, 2, 3, 4]);
  assert.deepEqual(cells(rows[1]).map((c) => Number(c.dataset.distance)), PROBE.distances[1]);
});

test('each row marks its minimum as l*, the same start argmin answers', () => {
  const { map } = draw();
  const rows = [...map.querySelectorAll('g.heat-row')];
  assert.deepEqual(rows.map((r) => Number(r.dataset.lstar)), PROBE.distances.map(argmin));
  assert.deepEqual(rows.map((r) => Number(r.dataset.lstar)), [4, 3, 2, 0, 0]);
  for (const row of rows) {
    const marked = row.querySelectorAll('rect.lstar');
    assert.equal(marked.length, 1, `n = ${row.dataset.n}`);
    assert.equal(marked[0].dataset.l, row.dataset.lstar, `n = ${row.dataset.n}`);
  }
});

test('the trace runs through the centre of each row\'s l* cell, n = 1 first', () => {
  const { map } = draw();
  const trace = map.querySelector('polyline[id="lstar-trace"]');
  assert.equal(trace.dataset.lstar, PROBE.distances.map(argmin).join(','));
  const centres = [...map.querySelectorAll('rect.lstar')].map((rect) => {
    const size = Number(rect.getAttribute('width'));
    return [Number(rect.getAttribute('x')) + size / 2, Number(rect.getAttribute('y')) + size / 2];
  });
  assert.deepEqual(polylinePoints(trace), centres);
});

test('n = 1 is the bottom row, as in the paper\'s figure', () => {
  const { map } = draw();
  const top = (n) => Number(map.querySelector(`rect[data-n="${n}"]`).getAttribute('y'));
  assert.ok([1, 2, 3, 4].every((n) => top(n) > top(n + 1)));
});

test('each row is normalised on its own: its minimum darkest, its maximum brightest', () => {
  const { map } = draw();
  const row = cells(map.querySelector('g.heat-row[data-n="2"]'));
  assert.equal(row[3].getAttribute('fill'), color(0));
  assert.equal(row[4].getAttribute('fill'), color(1));
  assert.equal(Number(row[0].dataset.normalised), 0.6667);
  // a flat row has no spread: every cell reads as the minimum
  const flat = cells(map.querySelector('g.heat-row[data-n="5"]'));
  assert.deepEqual(flat.map((c) => c.getAttribute('fill')), [color(0), color(0)]);
});

test('hovering a cell shows its raw distance in the tooltip; leaving hides it', () => {
  const { map, tooltip } = draw();
  const cell = map.querySelector('rect[data-n="3"][data-l="2"]');
  cell.dispatchEvent(new window.MouseEvent('mouseenter'));
  assert.equal(tooltip.hidden, false);
  assert.match(tooltip.textContent, /^n = 3, l = 2 \(layers 2\.\.4\): distance 0\.300000 /);
  assert.equal(tooltip.textContent, cell.querySelector('title').textContent);
  cell.dispatchEvent(new window.MouseEvent('mouseleave'));
  assert.equal(tooltip.hidden, true);
});

test('drawing again replaces the earlier map', () => {
  const box = container();
  drawHeatMap(box, container(), PROBE);
  drawHeatMap(box, container(), { ...PROBE, layers: 3, distances: [[0.2, 0.1, 0.3], [0.4, 0.5]] });
  assert.equal(box.querySelectorAll('svg').length, 1);
  assert.equal(box.querySelectorAll('g.heat-row').length, 2);
});
