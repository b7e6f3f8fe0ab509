// fmt writes every number the dashboard shows: scores, losses, the curves' tick labels, tokens per second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmt } from '../../main/resources/META-INF/resources/dashboard/api.js';

test('fmt shows a dash for a missing value, so an unscored cell is not read as 0', () => {
  assert.equal(fmt(null), '–');
  assert.equal(fmt(undefined), '–');
  assert.equal(fmt(NaN), '–');
});

test('fmt rounds to four significant digits by default', () => {
  assert.equal(fmt(0.123456), '0.1235');
  assert.equal(fmt(2.718281828), '2.718');
});

test('fmt honours the digits asked for', () => {
  assert.equal(fmt(0.123456, 6), '0.123456');
  assert.equal(fmt(0.123456, 2), '0.12');
});

test('fmt drops trailing zeros of the fraction, and the point with them', () => {
  assert.equal(fmt(1.5), '1.5');
  assert.equal(fmt(10), '10');
  assert.equal(fmt(0), '0');
  assert.equal(fmt(0.25, 3), '0.25');
});

test('fmt keeps the zeros of a whole number', () => {
  // tokens/s are shown with 3 digits: 500 must not read as 5
  assert.equal(fmt(500, 3), '500');
  assert.equal(fmt(1000), '1000');
  assert.equal(fmt(1200), '1200');
  assert.equal(fmt(-300, 3), '-300');
});

test('fmt keeps the exponent of a large or small number, without the mantissa\'s trailing zeros', () => {
  assert.equal(fmt(1000, 3), '1e+3');
  assert.equal(fmt(123456), '1.235e+5');
  assert.equal(fmt(1e-7), '1e-7');
});

test('fmt reads a numeric string as the number it spells', () => {
  assert.equal(fmt('0.50'), '0.5');
});
