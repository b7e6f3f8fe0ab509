// A browser-like global scope for the dashboard modules: they call document.createElement(NS) and CSS.escape as a
// page's scripts do, so each test file imports this before them. jsdom has no CSS.escape; css.escape is the
// spec's algorithm, as browsers implement it.
import { JSDOM } from 'jsdom';
import cssEscape from 'css.escape';

const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.CSS = { escape: cssEscape };

/** A fresh element to draw into, in the document so that closest() and querySelector() see a real tree. */
export function container() {
  const box = document.createElement('div');
  document.body.appendChild(box);
  return box;
}

/** The numbers an SVG polyline's points attribute lists, as [x, y] pairs. */
export function polylinePoints(polyline) {
  return polyline.getAttribute('points').trim().split(/\s+/).map((pair) => pair.split(',').map(Number));
}
