// The dashboard page: loads /api/state once (with the metric history), then follows /api/stream (server-sent
// events, one "state" event per push). Map pictures are PNGs drawn by the server; a picture is fetched again only
// when its revision moves. Charts are plain SVG. No library, no build step.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const MAX_HISTORY = 5000;
const MAPS = ['prototypes', 'umatrix', 'hits', 'labels'];
const CHARTS = [
  {id: 'qe', title: 'Quantization error', series: [{key: 'quantization_error', label: 'QE', color: '#2563eb'}]},
  {id: 'te', title: 'Topographic error', zero: true, series: [
    {key: 'topographic_error', label: 'TE', color: '#dc2626'},
    {key: 'topographic_error_8', label: 'TE8', color: '#f59e0b'}]},
  {id: 'dead', title: 'Dead units', zero: true, percent: true,
    series: [{key: 'dead_unit_share', label: 'share of units without a hit', color: '#6b7280'}]},
  {id: 'entropy', title: 'Hit entropy', series: [{key: 'hit_entropy', label: 'nats', color: '#16a34a'}]},
  {id: 'purity', title: 'Purity and NMI', zero: true, series: [
    {key: 'purity', label: 'purity', color: '#9333ea'},
    {key: 'nmi', label: 'NMI', color: '#0891b2'}]},
];

let history = [];
const shown = {};    // map key -> revision on screen (or being loaded)
let linksDrawn = false;

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, text) {
  const e = tag === 'svg' || ['path', 'line', 'text', 'circle'].includes(tag)
    ? document.createElementNS(SVG, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmt(v, digits = 3) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString();
  if (v !== 0 && Math.abs(v) < 1e-3) return Number(v).toExponential(Math.max(0, digits - 1));
  return String(Number(Number(v).toPrecision(digits)));
}

function setupCharts() {
  const root = $('charts');
  for (const c of CHARTS) {
    const box = el('div', {class: 'chart', id: 'chart-' + c.id});
    const h = el('h3', {}, c.title);
    h.append(el('span', {class: 'value'}));
    const svg = el('svg', {viewBox: '0 0 300 120', 'data-points': '0'});
    const legend = el('div', {class: 'legend'});
    for (const s of c.series) {
      const swatch = el('i');
      swatch.style.background = s.color;
      legend.append(swatch, s.label);
    }
    box.append(h, svg, legend);
    root.append(box);
  }
}

function drawChart(c) {
  const box = $('chart-' + c.id);
  const svg = box.querySelector('svg');
  const pts = history.filter((s) => c.series.some((se) => s[se.key] !== null && s[se.key] !== undefined));
  svg.replaceChildren();
  svg.setAttribute('data-points', String(pts.length));
  const last = pts[pts.length - 1];
  box.querySelector('.value').textContent = last
    ? c.series.map((se) => c.percent ? fmt(100 * last[se.key]) + '%' : fmt(last[se.key])).join(' / ') : '';
  if (!pts.length) {
    svg.append(el('text', {x: 150, y: 62, 'text-anchor': 'middle'}, 'no samples yet'));
    return;
  }
  const W = 300, H = 120, L = 46, R = 6, T = 6, B = 16;
  const t0 = pts[0].time, t1 = Math.max(last.time, t0 + 1);
  let lo = Infinity, hi = -Infinity;
  for (const s of pts) for (const se of c.series) {
    const v = s[se.key];
    if (v !== null && v !== undefined) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  if (c.zero) lo = Math.min(lo, 0);
  if (hi - lo < 1e-9) { hi += 0.5 * (Math.abs(hi) || 1) * 0.1; lo -= 0.5 * (Math.abs(lo) || 1) * 0.1; }
  const x = (t) => L + (W - L - R) * (t - t0) / (t1 - t0);
  const y = (v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  svg.append(el('line', {class: 'axis', x1: L, y1: T, x2: L, y2: H - B}),
             el('line', {class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B}));
  // Enough digits that the two ends of a narrow range differ.
  const digits = Math.min(5, Math.max(3, 2 + Math.ceil(-Math.log10((hi - lo) / (Math.max(Math.abs(hi), Math.abs(lo)) || 1)))));
  const label = (v) => c.percent ? fmt(100 * v, digits) + '%' : fmt(v, digits);
  svg.append(el('text', {x: L - 3, y: T + 8, 'text-anchor': 'end'}, label(hi)),
             el('text', {x: L - 3, y: H - B, 'text-anchor': 'end'}, label(lo)),
             el('text', {x: L, y: H - 3}, '−' + span(t1 - t0)),
             el('text', {x: W - R, y: H - 3, 'text-anchor': 'end'}, new Date(last.time).toLocaleTimeString()));
  for (const se of c.series) {
    let d = '', pen = false;
    for (const s of pts) {
      const v = s[se.key];
      if (v === null || v === undefined) { pen = false; continue; }
      d += (pen ? 'L' : 'M') + x(s.time).toFixed(1) + ' ' + y(v).toFixed(1);
      pen = true;
    }
    const path = el('path', {d, stroke: se.color, class: 'line'});
    svg.append(path);
    const lv = last[se.key];
    if (lv !== null && lv !== undefined) {
      svg.append(el('circle', {cx: x(last.time), cy: y(lv), r: 2.2, fill: se.color}));
    }
  }
}

function span(ms) {
  const s = Math.round(ms / 1000);
  if (s < 120) return s + ' s';
  if (s < 7200) return Math.round(s / 60) + ' min';
  return (s / 3600).toFixed(1) + ' h';
}

function drawCharts() {
  CHARTS.forEach(drawChart);
  $('history-span').textContent = history.length
    ? history.length + ' samples over ' + span(history[history.length - 1].time - history[0].time) : '';
}

function updateMaps(images) {
  for (const key of MAPS) {
    const rev = images ? images[key] : null;
    if (rev === null || rev === undefined || shown[key] === rev) continue;
    const img = $('map-' + key);
    if (img.dataset.loading === 'true') continue;
    img.dataset.loading = 'true';
    img.onload = img.onerror = () => { img.dataset.loading = 'false'; };
    shown[key] = rev;
    img.src = '/map/' + key + '.png?v=' + rev;
  }
}

function row(cells, title) {
  const tr = el('tr');
  for (const c of cells) {
    const td = el('td', {}, c === null || c === undefined ? '–' : String(c));
    tr.append(td);
  }
  if (title) tr.title = title;
  return tr;
}

function updateLive(assignments) {
  const body = $('live').querySelector('tbody');
  body.replaceChildren(...assignments.map((a) => row([
    a.key, a.unit, '(' + a.row + ', ' + a.col + ')', a.label, fmt(a.distance, 4), 'v' + a.model_version,
    a.latency_ms + ' ms'])));
}

function updateModels(models) {
  const table = $('models');
  table.classList.toggle('no-drift', !models.some((m) => m.drift_mean !== null || m.drift_max !== null));
  table.querySelector('tbody').replaceChildren(...models.map((m) => {
    const offsets = Object.entries(m.offsets || {}).map(([tp, o]) => tp + ': ' + o).join(', ');
    const tr = row([]);
    const cells = ['v' + m.version, m.step.toLocaleString(), m.images_trained.toLocaleString(),
      m.created ? new Date(m.created).toLocaleTimeString() : '–', fmt(m.drift_mean, 3), fmt(m.drift_max, 3),
      m.checkpoint.split('/').pop(), offsets];
    cells.forEach((c, i) => {
      const td = el('td', {}, c);
      if (i === 4 || i === 5) td.className = 'drift';
      if (i === 6) { td.className = 'path'; td.title = m.checkpoint; }
      if (i === 7) td.className = 'wrap';
      tr.append(td);
    });
    return tr;
  }));
}

function updateLag(lag) {
  $('lag-topic').textContent = lag.topic ? 'on ' + lag.topic
    + (lag.measured_at ? ', ' + new Date(lag.measured_at).toLocaleTimeString() : '') : '';
  $('lag').querySelector('tbody').replaceChildren(...lag.groups.map((g) => row([
    g.group, g.total.toLocaleString(),
    g.partitions.map((p) => 'p' + p.partition + ': ' + p.lag + (p.committed === null ? ' (nothing committed)' : ''))
      .join(' · ')])));
  $('lag-error').hidden = !lag.error;
  $('lag-error').textContent = lag.error || '';
}

function updateChips(s) {
  const m = s.models[0];
  $('chip-model').textContent = m ? 'model v' + m.version + ' · step ' + m.step.toLocaleString() : 'no model yet';
  $('chip-map').textContent = s.grid ? s.grid.rows + '×' + s.grid.cols + ' ' + s.grid.topology : '';
  $('chip-window').textContent = s.window ? 'window ' + s.window.images.toLocaleString() + ' / '
    + s.window.size.toLocaleString() : '';
  $('chip-read').textContent = s.assignments_read.toLocaleString() + ' assignments read';
  $('feed-failure').hidden = !s.feed_failure;
  $('feed-failure').textContent = s.feed_failure ? 'The Kafka feed stopped: ' + s.feed_failure : '';
}

function updateLinks(links) {
  if (linksDrawn) return;
  linksDrawn = true;
  $('links').replaceChildren(...links.map((l) => {
    const a = el('a', {href: l.url}, l.name);
    a.title = l.url;
    return a;
  }));
}

function apply(s, pushed) {
  if (pushed) {
    const lastTime = history.length ? history[history.length - 1].time : -1;
    if (s.sample && s.sample.time > lastTime) history.push(s.sample);
    if (history.length > MAX_HISTORY) history.splice(0, history.length - MAX_HISTORY);
  } else {
    history = s.history || [];
  }
  drawCharts();
  updateMaps(s.images);
  updateLive(s.assignments);
  updateModels(s.models);
  updateLag(s.lag);
  updateChips(s);
  updateLinks(s.links);
}

function connection(live) {
  const chip = $('chip-connection');
  chip.textContent = live ? 'live' : 'reconnecting…';
  chip.className = 'chip ' + (live ? 'live' : 'down');
}

function follow() {
  const events = new EventSource('/api/stream');
  events.addEventListener('state', (e) => {
    connection(true);
    apply(JSON.parse(e.data), true);
  });
  events.onerror = () => connection(false); // EventSource reconnects by itself
}

setupCharts();
fetch('/api/state')
  .then((r) => r.json())
  .then((s) => apply(s, false))
  .catch(() => {})
  .finally(follow);
