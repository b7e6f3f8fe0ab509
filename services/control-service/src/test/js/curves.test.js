// The pruning curves as GET /experiments/{id}/curve serves them, with all three tasks the schema knows (loss, mmlu,
// boolq): the browser test's stories260K run scores only loss, so the accuracy charts are checked only here.
import './dom.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { container, polylinePoints } from './dom.js';
import { drawCurves, metricOf, tasksOf } from '../../main/resources/META-INF/resources/dashboard/curves.js';

const BASELINE = {
  loss: { loss: 2.0, normalized_loss: 0.25, perplexity: 7.389 },
  mmlu: { accuracy: 0.46, macro_accuracy: 0.45 },
  boolq: { accuracy: 0.78 },
};

// L = 8. n = 3 is pruned and partly evaluated (no boolq yet) and not healed; n = 4 is not evaluated at all.
const CURVE = {
  experimentId: 'llama-8',
  layers: 8,
  points: [
    { n: 0, fraction: 0, lStar: null, pruned: BASELINE, healed: BASELINE },
    {
      n: 1, fraction: 0.125, lStar: 5,
      pruned: { loss: { loss: 2.4, normalized_loss: 0.3 }, mmlu: { accuracy: 0.44, macro_accuracy: 0.43 },
        boolq: { accuracy: 0.75 } },
      healed: { loss: { loss: 2.16, normalized_loss: 0.27 }, mmlu: { accuracy: 0.45, macro_accuracy: 0.44 },
        boolq: { accuracy: 0.77 } },
    },
    {
      n: 2, fraction: 0.25, lStar: 4,
      pruned: { loss: { loss: 3.2, normalized_loss: 0.4 }, mmlu: { accuracy: 0.4, macro_accuracy: 0.38 },
        boolq: { accuracy: 0.7 } },
      healed: { loss: { loss: 2.4, normalized_loss: 0.3 }, mmlu: { accuracy: 0.43, macro_accuracy: 0.41 },
        boolq: { accuracy: 0.74 } },
    },
    { n: 3, fraction: 0.375, lStar: 3, pruned: { loss: { normalized_loss: 0.55 }, mmlu: { accuracy: 0.3 } }, healed: {} },
    { n: 4, fraction: 0.5, lStar: 3, pruned: {}, healed: {} },
  ],
};

/** Draws `curve` and answers its charts by task. */
function draw(curve) {
  const box = container();
  drawCurves(box, curve);
  return Object.fromEntries([...box.querySelectorAll('svg.curve')].map((chart) => [chart.dataset.task, chart]));
}

/** A stage's dots in drawing order, as {n, value, x, y}. */
function dots(chart, stage) {
  return [...chart.querySelectorAll(`circle.point.${stage}`)].map((dot) => ({
    n: Number(dot.dataset.n), value: Number(dot.dataset.value),
    x: Number(dot.getAttribute('cx')), y: Number(dot.getAttribute('cy')),
  }));
}

/** The chart's value-to-pixel map, read off two of its dots (the y axis is linear). */
function yScale(chart) {
  const all = [...dots(chart, 'pruned'), ...dots(chart, 'healed')];
  const a = all[0];
  const b = all.find((d) => d.value !== a.value);
  return (value) => a.y + ((value - a.value) * (b.y - a.y)) / (b.value - a.value);
}

/** The chart's plot area: where its axis lines start and end. */
function plotArea(chart) {
  const [xAxis, yAxis] = chart.querySelectorAll('line.axis-line');
  return { left: Number(yAxis.getAttribute('x1')), top: Number(yAxis.getAttribute('y1')),
    bottom: Number(xAxis.getAttribute('y1')) };
}

test('tasksOf lists every task scored before or after healing, sorted', () => {
  assert.deepEqual(tasksOf(CURVE.points), ['boolq', 'loss', 'mmlu']);
  assert.deepEqual(tasksOf([{ n: 1, pruned: {}, healed: { boolq: { accuracy: 0.7 } } }]), ['boolq']);
  assert.deepEqual(tasksOf([{ n: 1 }]), []);
});

test('metricOf takes the paper\'s metric of each task when the scores have it', () => {
  assert.equal(metricOf('loss', CURVE.points), 'normalized_loss');
  assert.equal(metricOf('mmlu', CURVE.points), 'accuracy');
  assert.equal(metricOf('boolq', CURVE.points), 'accuracy');
});

test('metricOf falls back to the next preferred metric, then to the first in alphabetical order', () => {
  const scores = (task, metrics) => [{ n: 1, pruned: { [task]: metrics }, healed: {} }];
  assert.equal(metricOf('mmlu', scores('mmlu', { macro_accuracy: 0.4 })), 'macro_accuracy');
  assert.equal(metricOf('loss', scores('loss', { perplexity: 9, loss: 2.2 })), 'loss');
  assert.equal(metricOf('hellaswag', scores('hellaswag', { acc_norm: 0.5, acc: 0.4 })), 'acc');
});

test('metricOf sees metrics that only the healed scores have', () => {
  assert.equal(metricOf('mmlu', [{ n: 1, pruned: {}, healed: { mmlu: { accuracy: 0.4 } } }]), 'accuracy');
});

test('drawCurves draws one chart per task, labelled with its metric', () => {
  const box = container();
  drawCurves(box, CURVE);
  const charts = [...box.children];
  assert.deepEqual(charts.map((c) => [c.dataset.task, c.dataset.metric]),
    [['boolq', 'accuracy'], ['loss', 'normalized_loss'], ['mmlu', 'accuracy']]);
  assert.ok(charts.every((c) => c.matches('svg.curve')));
  assert.ok([...charts[2].querySelectorAll('text.axis')].some((t) => t.textContent === 'mmlu: accuracy'));
});

test('each series has a dot per scored point, with the chosen metric\'s value; absent scores are skipped', () => {
  const { mmlu, boolq } = draw(CURVE);
  // n = 3 has mmlu only before healing, and no boolq; n = 4 has nothing
  assert.deepEqual(dots(mmlu, 'pruned').map((d) => [d.n, d.value]), [[0, 0.46], [1, 0.44], [2, 0.4], [3, 0.3]]);
  assert.deepEqual(dots(mmlu, 'healed').map((d) => [d.n, d.value]), [[0, 0.46], [1, 0.45], [2, 0.43]]);
  assert.deepEqual(dots(boolq, 'pruned').map((d) => d.n), [0, 1, 2]);
  assert.deepEqual(dots(boolq, 'healed').map((d) => d.n), [0, 1, 2]);
});

test('a series runs left to right by fraction dropped, whatever order the points come in', () => {
  const { mmlu } = draw({ ...CURVE, points: [...CURVE.points].reverse() });
  const pruned = dots(mmlu, 'pruned');
  assert.deepEqual(pruned.map((d) => d.n), [0, 1, 2, 3]);
  assert.ok(pruned.every((d, i) => i === 0 || d.x > pruned[i - 1].x));
});

test('each series\' line joins its dots in order, pruned dashed and healed solid', () => {
  const { mmlu } = draw(CURVE);
  for (const [stage, dash] of [['pruned', '6 4'], ['healed', 'none']]) {
    const line = mmlu.querySelector(`polyline.series.${stage}`);
    assert.deepEqual(polylinePoints(line), dots(mmlu, stage).map((d) => [d.x, d.y]), stage);
    assert.equal(line.getAttribute('stroke-dasharray'), dash, stage);
  }
});

test('x is the fraction dropped, from the y axis at 0 to the right edge at (L-1)/L', () => {
  const { mmlu } = draw(CURVE);
  const pruned = dots(mmlu, 'pruned');
  const left = plotArea(mmlu).left;
  assert.equal(pruned[0].x, left);
  const [xAxis] = mmlu.querySelectorAll('line.axis-line');
  const right = Number(xAxis.getAttribute('x2'));
  const L = CURVE.layers;
  for (const d of pruned) {
    assert.ok(Math.abs(d.x - (left + ((d.n / L) / ((L - 1) / L)) * (right - left))) < 1e-9, `n = ${d.n}`);
  }
});

test('the baseline is a dotted line at the n = 0 score, across the chart', () => {
  const { mmlu, loss } = draw(CURVE);
  const line = mmlu.querySelector('line.baseline');
  assert.equal(Number(line.dataset.value), 0.46);
  assert.equal(Number(line.getAttribute('y1')), dots(mmlu, 'pruned')[0].y);
  assert.equal(line.getAttribute('y2'), line.getAttribute('y1'));
  assert.equal(Number(loss.querySelector('line.baseline').dataset.value), 0.25);
});

test('an accuracy axis spans 0 to 1 whatever the scores, so charts of different tasks compare', () => {
  const { mmlu, boolq } = draw(CURVE);
  for (const chart of [mmlu, boolq]) {
    const y = yScale(chart);
    const area = plotArea(chart);
    assert.ok(Math.abs(y(0) - area.bottom) < 1e-9, `${chart.dataset.task}: 0 on the x axis`);
    assert.ok(Math.abs(y(1) - area.top) < 1e-9, `${chart.dataset.task}: 1 at the top`);
  }
  assert.ok(Math.abs(yScale(mmlu)(0.5) - yScale(boolq)(0.5)) < 1e-9);
});

test('the loss chart shows normalized_loss on an axis fitted to its values', () => {
  const { loss } = draw(CURVE);
  assert.deepEqual(dots(loss, 'pruned').map((d) => d.value), [0.25, 0.3, 0.4, 0.55]);
  const y = yScale(loss);
  const area = plotArea(loss);
  // padded by a little on both sides: the lowest loss is just above the x axis, the highest just below the top
  assert.ok(y(0.25) < area.bottom && y(0.25) > area.bottom - 20);
  assert.ok(y(0.55) > area.top && y(0.55) < area.top + 20);
});

test('the loss chart shows the raw loss when the scores have no normalized_loss', () => {
  const points = CURVE.points.map((p) => ({ ...p, pruned: { loss: { loss: p.n + 2 } }, healed: {} }));
  const { loss } = draw({ ...CURVE, points });
  assert.equal(loss.dataset.metric, 'loss');
  assert.deepEqual(dots(loss, 'pruned').map((d) => d.value), [2, 3, 4, 5, 6]);
});

test('a series of one point is a dot without a line', () => {
  const { boolq } = draw({ ...CURVE, points: [{ n: 0, fraction: 0, lStar: null, pruned: BASELINE, healed: {} }] });
  assert.equal(dots(boolq, 'pruned').length, 1);
  assert.equal(boolq.querySelector('polyline.series'), null);
});

test('without scores, or before L is known (no fractions), the box says so instead of drawing', () => {
  for (const curve of [
    { ...CURVE, points: CURVE.points.map((p) => ({ ...p, pruned: {}, healed: {} })) },
    { ...CURVE, layers: null, points: CURVE.points.map((p) => ({ ...p, fraction: null })) },
    { experimentId: 'new', layers: null, points: [] },
  ]) {
    const box = container();
    drawCurves(box, curve);
    assert.equal(box.querySelector('svg'), null);
    assert.equal(box.querySelector('p.muted').textContent, 'no scores yet');
  }
});

test('a task whose every score is null says so in place of its chart, and the other charts are drawn', () => {
  const points = CURVE.points.map((p) => ({ ...p, pruned: { ...p.pruned, loss: { loss: null } }, healed: {} }));
  const box = container();
  drawCurves(box, { ...CURVE, points });
  assert.equal(box.querySelector('svg[data-task="loss"]'), null);
  assert.equal(box.querySelector('p.muted').textContent, 'loss: no scores yet');
  assert.equal(box.querySelectorAll('svg.curve').length, 2);
});
