// Charts drawn as SVG by hand: the page loads nothing from outside the hub (its CSP allows 'self' only), and a bar
// chart with a limit line is all the operations views need. Colours come from admin.css (.series-KEY classes).
const svgNs = 'http://www.w3.org/2000/svg';
const size = { width: 800, height: 200, left: 44, right: 8, top: 10, bottom: 22 };

function svg(name, attributes = {}, text = undefined) {
  const node = document.createElementNS(svgNs, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

// 1, 2 or 5 times a power of ten, at least `value`: round numbers on the axis.
function niceCeiling(value) {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((n) => n >= value);
}

export function timeLabel(iso, hourly) {
  const time = new Date(iso);
  return hourly
    ? time.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit' })
    : time.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

// One stacked bar per bucket ({ start, [series.key]: count }), series from the bottom up, and an optional dashed
// line at `limit` (e.g. HubSpot's budget per bucket). Each bar carries a <title>: hovering it reads the counts.
export function stackedBars(container, { buckets, series, label, hourly = false, limit = 0, limitLabel = '' }) {
  const { width, height, left, right, top, bottom } = size;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const totals = buckets.map((b) => series.reduce((sum, s) => sum + (b[s.key] ?? 0), 0));
  const max = niceCeiling(Math.max(1, limit * 1.1, ...totals));
  const step = plotWidth / Math.max(1, buckets.length);
  const y = (value) => top + plotHeight - (value / max) * plotHeight;

  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label });
  for (const value of [0, max / 2, max]) {
    chart.append(svg('line', { x1: left, x2: width - right, y1: y(value), y2: y(value), class: 'axis' }));
    chart.append(svg('text', { x: left - 6, y: y(value) + 4, 'text-anchor': 'end' }, String(value)));
  }
  buckets.forEach((bucket, i) => {
    const bar = svg('g', { class: 'bar' });
    bar.append(svg('title', {}, `${timeLabel(bucket.start, hourly)}: ${series.map((s) => `${s.label} ${bucket[s.key] ?? 0}`).join(', ')}`));
    let base = 0;
    for (const s of series) {
      const value = bucket[s.key] ?? 0;
      if (value <= 0) continue;
      bar.append(svg('rect', {
        x: left + i * step + step * 0.1, width: Math.max(1, step * 0.8), y: y(base + value), height: y(base) - y(base + value), class: `series-${s.key}`,
      }));
      base += value;
    }
    chart.append(bar);
  });
  const every = Math.max(1, Math.ceil(buckets.length / 8));
  buckets.forEach((bucket, i) => {
    if (i % every === 0) chart.append(svg('text', { x: left + i * step + step / 2, y: height - 6, 'text-anchor': 'middle' }, timeLabel(bucket.start, hourly)));
  });
  if (limit > 0) {
    chart.append(svg('line', { x1: left, x2: width - right, y1: y(limit), y2: y(limit), class: 'limit' }));
    chart.append(svg('text', { x: width - right, y: y(limit) - 4, 'text-anchor': 'end', class: 'limit-label' }, limitLabel));
  }

  const legend = document.createElement('ul');
  legend.className = 'legend';
  for (const s of series) {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = `swatch series-${s.key}`;
    const total = buckets.reduce((sum, b) => sum + (b[s.key] ?? 0), 0);
    item.append(swatch, `${s.label}: ${total}`);
    legend.append(item);
  }
  container.replaceChildren(chart, legend);
}
