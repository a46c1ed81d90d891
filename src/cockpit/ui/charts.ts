import { svg } from './dom.js';

/** Horizontal bars (e.g. PSI per feature) with an optional threshold line; values over it are drawn as warnings. */
export function barChart(items: Array<{ label: string; value: number }>, options: { threshold?: number | null; title: string; format?: (n: number) => string }): SVGElement {
  const format = options.format ?? ((n: number) => n.toFixed(3));
  const rowHeight = 24;
  const labelWidth = 140;
  const width = 460;
  const plot = width - labelWidth - 60;
  const max = Math.max(options.threshold ?? 0, ...items.map((i) => i.value), 1e-9) * 1.1;
  const height = items.length * rowHeight + 24;
  const chart = svg('svg', { class: 'chart bar-chart', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': options.title });
  chart.append(svg('title', {}, options.title));
  items.forEach((item, i) => {
    const y = i * rowHeight + 4;
    const over = options.threshold !== undefined && options.threshold !== null && item.value > options.threshold;
    const w = Math.max(1, (item.value / max) * plot);
    chart.append(
      svg('text', { x: labelWidth - 8, y: y + 14, 'text-anchor': 'end', class: 'chart-label' }, item.label),
      svg('rect', { x: labelWidth, y, width: w, height: rowHeight - 8, class: over ? 'bar bar-over' : 'bar', 'data-feature': item.label },
        svg('title', {}, `${item.label}: ${format(item.value)}${over ? ' (over the threshold)' : ''}`)),
      svg('text', { x: labelWidth + w + 6, y: y + 14, class: 'chart-value' }, format(item.value)),
    );
  });
  if (options.threshold !== undefined && options.threshold !== null) {
    const x = labelWidth + (options.threshold / max) * plot;
    chart.append(
      svg('line', { x1: x, x2: x, y1: 0, y2: height - 18, class: 'threshold-line' }),
      svg('text', { x, y: height - 4, 'text-anchor': 'middle', class: 'chart-label' }, `threshold ${format(options.threshold)}`),
    );
  }
  return chart;
}

export interface Series {
  name: string;
  points: Array<{ x: number; y: number }>;
}

const PALETTE = ['#1f6feb', '#d9480f', '#2b8a3e', '#862e9c', '#e67700', '#0b7285'];

/** Lines over time (e.g. test metrics per backtest); x is epoch ms. */
export function lineChart(series: Series[], options: { title: string; height?: number }): SVGElement {
  const width = 640;
  const height = options.height ?? 240;
  const pad = { left: 48, right: 130, top: 12, bottom: 30 };
  const all = series.flatMap((s) => s.points);
  const chart = svg('svg', { class: 'chart line-chart', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': options.title });
  chart.append(svg('title', {}, options.title));
  if (all.length === 0) return chart;
  const xMin = Math.min(...all.map((p) => p.x));
  const xMax = Math.max(...all.map((p) => p.x));
  const yMin = Math.min(0, ...all.map((p) => p.y));
  const yMax = Math.max(...all.map((p) => p.y), yMin + 1e-9);
  const px = (x: number) => pad.left + (xMax === xMin ? 0.5 : (x - xMin) / (xMax - xMin)) * (width - pad.left - pad.right);
  const py = (y: number) => height - pad.bottom - ((y - yMin) / (yMax - yMin)) * (height - pad.top - pad.bottom);
  for (const t of [0, 0.5, 1]) {
    const y = yMin + t * (yMax - yMin);
    chart.append(
      svg('line', { x1: pad.left, x2: width - pad.right, y1: py(y), y2: py(y), class: 'grid-line' }),
      svg('text', { x: pad.left - 6, y: py(y) + 4, 'text-anchor': 'end', class: 'chart-label' }, y.toFixed(2)),
    );
  }
  const day = (x: number) => new Date(x).toISOString().slice(0, 10);
  chart.append(
    svg('text', { x: pad.left, y: height - 8, class: 'chart-label' }, day(xMin)),
    svg('text', { x: width - pad.right, y: height - 8, 'text-anchor': 'end', class: 'chart-label' }, day(xMax)),
  );
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const points = [...s.points].sort((a, b) => a.x - b.x);
    chart.append(svg('polyline', { points: points.map((p) => `${px(p.x)},${py(p.y)}`).join(' '), fill: 'none', stroke: color, 'stroke-width': 2 }));
    for (const p of points) chart.append(svg('circle', { cx: px(p.x), cy: py(p.y), r: 3, fill: color }, svg('title', {}, `${s.name} ${p.y.toFixed(3)} on ${day(p.x)}`)));
    chart.append(
      svg('rect', { x: width - pad.right + 12, y: pad.top + i * 18, width: 10, height: 10, fill: color }),
      svg('text', { x: width - pad.right + 28, y: pad.top + i * 18 + 9, class: 'chart-label' }, s.name),
    );
  });
  return chart;
}

/** ROC curves (false-positive rate against true-positive rate, both 0..1) with the chance diagonal. */
export function rocChart(curves: Array<{ name: string; points: Array<{ fpr: number; tpr: number }> }>, options: { title: string }): SVGElement {
  const size = 260;
  const pad = 36;
  const chart = svg('svg', { class: 'chart roc-chart', viewBox: `0 0 ${size + 120} ${size}`, width: size + 120, height: size, role: 'img', 'aria-label': options.title });
  chart.append(svg('title', {}, options.title));
  const px = (x: number) => pad + x * (size - 2 * pad);
  const py = (y: number) => size - pad - y * (size - 2 * pad);
  chart.append(
    svg('rect', { x: px(0), y: py(1), width: px(1) - px(0), height: py(0) - py(1), class: 'grid-line', fill: 'none' }),
    svg('line', { x1: px(0), y1: py(0), x2: px(1), y2: py(1), class: 'grid-line', 'stroke-dasharray': '4 4' }),
    svg('text', { x: px(0.5), y: size - 6, 'text-anchor': 'middle', class: 'axis-label' }, 'false-positive rate'),
    svg('text', { x: 10, y: py(0.5), 'text-anchor': 'middle', class: 'axis-label', transform: `rotate(-90 10 ${py(0.5)})` }, 'true-positive rate'));
  curves.forEach((curve, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const sorted = [...curve.points].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr);
    chart.append(
      svg('polyline', { points: sorted.map((p) => `${px(p.fpr)},${py(p.tpr)}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': 2, class: 'roc-line', 'data-model': curve.name }),
      svg('text', { x: size + 4, y: pad + 16 * i, fill: colour, class: 'legend' }, curve.name));
  });
  return chart;
}
