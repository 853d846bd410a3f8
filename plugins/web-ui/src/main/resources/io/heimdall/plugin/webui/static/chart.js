// A small SVG line chart: several series of numbers, oldest first, drawn into a fixed-ratio box.
const NS = 'http://www.w3.org/2000/svg';
const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];

function s(tag, attrs) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/** Draws series [{name, values}] into an svg element (replacing its content); answers a caption of its scale. */
export function lineChart(svg, label, series, unit = '') {
  const W = 600, H = 110, P = 4;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  const last = series.map(x => `${x.name} ${x.values.length ? Number(x.values.at(-1)).toFixed(1) : '–'}${unit}`);
  svg.setAttribute('aria-label', `${label}: ${last.join(', ')}`);
  const max = Math.max(1e-9, ...series.flatMap(x => x.values));
  const n = Math.max(2, ...series.map(x => x.values.length));
  const parts = [s('line', {x1: 0, y1: H - P, x2: W, y2: H - P, stroke: 'currentColor', 'stroke-opacity': '0.25'})];
  series.forEach((x, i) => {
    if (!x.values.length) return;
    const pts = x.values.map((v, k) => `${(k + n - x.values.length) * W / (n - 1)},${H - P - (v / max) * (H - 2 * P - 12)}`);
    parts.push(s('polyline', {points: pts.join(' '), fill: 'none', stroke: COLOURS[i % COLOURS.length],
      'stroke-width': 2, 'vector-effect': 'non-scaling-stroke'}));
  });
  svg.replaceChildren(...parts);
  return 'scale: up to ' + (max < 10 ? max.toFixed(2) : Math.round(max)) + unit;
}
