// The dashboard page: loads /api/state once (with the metric history), then follows /api/stream (server-sent
// events, one "state" event per push). Map pictures are PNGs drawn by the server; a picture is fetched again only
// when its revision moves. Charts are plain SVG. No library, no build step.
// Everything read from Kafka (keys, labels, event messages, ...) reaches the DOM as textContent or an attribute
// value, never as markup.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const MAX_HISTORY = 5000;
const MAX_EVENTS = 200;    // what the server keeps (LearnerActivity.EVENTS_KEPT)
const MAX_LEARNING = 720;  // likewise (LearnerActivity.LEARNING_KEPT)
// Events drawn as vertical lines on the time charts; the others are only listed.
const MARKED = {'drift': 'marker-drift', 'shadow-promoted': 'marker-promoted'};
const EVENT_TYPES = ['drift', 'shadow-started', 'shadow-promoted', 'novel-released', 'units-reseeded'];
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
const LEARNING_CHARTS = [
  {id: 'plasticity', title: 'Plasticity', zero: true, one: true,
    series: [{key: 'plasticity', label: 'plasticity', color: '#db2777'}]},
  {id: 'rates', title: 'Images trained per second', zero: true, series: [
    {key: 'fresh_per_second', label: 'fresh', color: '#2563eb'},
    {key: 'rehearsed_per_second', label: 'rehearsed', color: '#f59e0b'}]},
  {id: 'maps', title: 'Learner quantization error', series: [
    {get: (s) => s.live && s.live.quantization_error, label: 'live map', color: '#16a34a'},
    {get: (s) => s.shadow && s.shadow.quantization_error, label: 'shadow map', color: '#9333ea'}]},
];

let history = [];
let learning = [];   // learning states, oldest first
let events = [];     // map events, newest first
const shown = {};    // map key -> revision on screen (or being loaded)
let linksDrawn = false;

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, text) {
  const e = tag === 'svg' || ['path', 'line', 'text', 'circle', 'title'].includes(tag)
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

function setupCharts(root, charts) {
  for (const c of charts) {
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

// One series' value in one point: a field, or what its getter reads (nested fields); null when absent.
function value(s, se) {
  const v = se.get ? se.get(s) : s[se.key];
  return v === null || v === undefined ? null : v;
}

// Draws chart c over pts (objects with an epoch-ms "time"), with a vertical line at every marked event in range.
function drawChart(c, data) {
  const box = $('chart-' + c.id);
  const svg = box.querySelector('svg');
  const pts = data.filter((s) => c.series.some((se) => value(s, se) !== null));
  svg.replaceChildren();
  svg.setAttribute('data-points', String(pts.length));
  const last = pts[pts.length - 1];
  box.querySelector('.value').textContent = last
    ? c.series.map((se) => c.percent ? fmt(100 * value(last, se)) + '%' : fmt(value(last, se))).join(' / ') : '';
  if (!pts.length) {
    svg.append(el('text', {x: 150, y: 62, 'text-anchor': 'middle'}, 'no samples yet'));
    return;
  }
  const W = 300, H = 120, L = 46, R = 6, T = 6, B = 16;
  const t0 = pts[0].time, t1 = Math.max(last.time, t0 + 1);
  let lo = Infinity, hi = -Infinity;
  for (const s of pts) for (const se of c.series) {
    const v = value(s, se);
    if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  if (c.zero) lo = Math.min(lo, 0);
  if (c.one) hi = Math.max(hi, 1);
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
  let marks = 0;
  for (const e of events) {
    if (!MARKED[e.type] || e.time < t0 || e.time > t1) continue;
    const line = el('line', {class: 'marker ' + MARKED[e.type], x1: x(e.time), y1: T, x2: x(e.time), y2: H - B});
    line.append(el('title', {}, describeEvent(e)));
    svg.append(line);
    marks++;
  }
  svg.setAttribute('data-markers', String(marks));
  for (const se of c.series) {
    let d = '', pen = false;
    for (const s of pts) {
      const v = value(s, se);
      if (v === null) { pen = false; continue; }
      d += (pen ? 'L' : 'M') + x(s.time).toFixed(1) + ' ' + y(v).toFixed(1);
      pen = true;
    }
    const path = el('path', {d, stroke: se.color, class: 'line'});
    svg.append(path);
    const lv = value(last, se);
    if (lv !== null) {
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
  CHARTS.forEach((c) => drawChart(c, history));
  for (const [type, cls] of Object.entries(MARKED)) {
    $('key-' + cls).hidden = !events.some((e) => e.type === type);
  }
  $('history-span').textContent = history.length
    ? history.length + ' samples over ' + span(history[history.length - 1].time - history[0].time) : '';
}

// A time of day, with the date when it is not today (events are kept for as long as the topic keeps them).
function when(ms) {
  const d = new Date(ms);
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
}

function describeEvent(e) {
  return [when(e.time), e.type, e.series, e.detector, e.magnitude === null ? null : 'magnitude ' + fmt(e.magnitude),
    e.message].filter((p) => p !== null && p !== undefined && p !== '').join(' · ');
}

// Pushes carry the newest events only: add the ones not shown yet (ids are partition-offset, unique on the topic).
function mergeEvents(incoming, replace) {
  if (replace) {
    events = incoming.slice(0, MAX_EVENTS);
    return;
  }
  const known = new Set(events.map((e) => e.id));
  const fresh = incoming.filter((e) => !known.has(e.id));
  if (fresh.length) events = fresh.concat(events).slice(0, MAX_EVENTS);
}

function updateEvents() {
  $('events-empty').hidden = events.length > 0;
  $('events').hidden = events.length === 0;
  $('events').querySelector('tbody').replaceChildren(...events.map((e) => {
    const tr = row([when(e.time), e.type, e.series, e.detector, e.magnitude === null ? null : fmt(e.magnitude, 4),
      'v' + e.model_version, Number(e.detected_at_images).toLocaleString(), e.message], e.detected_at);
    // The class comes from a fixed list, never from the record itself.
    tr.className = 'event ' + (EVENT_TYPES.includes(e.type) ? 'event-' + e.type : 'event-other');
    tr.lastChild.className = 'wrap';
    return tr;
  }));
}

function updateLearning() {
  const l = learning[learning.length - 1];
  $('learning-empty').hidden = !!l;
  $('learning-body').hidden = !l;
  if (!l) return;
  $('learning-time').textContent = 'as of ' + when(l.time) + ' · model v' + l.model_version + ' · step '
    + Number(l.step).toLocaleString();
  $('plasticity-value').textContent = fmt(l.plasticity, 2);
  const p = l.plasticity === null ? 0 : Math.min(1, Math.max(0, l.plasticity));
  $('plasticity-bar').style.width = (100 * p).toFixed(1) + '%';
  const counts = [
    ['novel images quarantined', Number(l.novel_images).toLocaleString()],
    ['fresh images/s', fmt(l.fresh_per_second)],
    ['rehearsed images/s', fmt(l.rehearsed_per_second)],
    ['rehearsal reservoir', Number(l.reservoir_images).toLocaleString() + ' images'],
    ['drift detections', Number(l.detections).toLocaleString()],
    ['re-seeded units', Number(l.reseeded_units).toLocaleString()],
    ['drift detectors', l.detectors_armed ? 'armed' : 'not armed (warm-up or quiet period)'],
    ['temperature', fmt(l.temperature)],
    ['learning rate', fmt(l.learning_rate)],
  ];
  $('learning-counts').replaceChildren(...counts.map(([k, v]) => {
    const pair = el('div');
    pair.append(el('dt', {}, k), el('dd', {}, v));
    return pair;
  }));
  const q = (m, key) => m ? fmt(m[key], 4) : '–';
  $('quality').classList.toggle('no-shadow', !l.shadow);
  $('quality-live-qe').textContent = q(l.live, 'quantization_error');
  $('quality-live-te').textContent = q(l.live, 'topographic_error');
  $('quality-shadow-qe').textContent = q(l.shadow, 'quantization_error');
  $('quality-shadow-te').textContent = q(l.shadow, 'topographic_error');
  LEARNING_CHARTS.forEach((c) => drawChart(c, learning));
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
    const lastLearning = learning.length ? learning[learning.length - 1].time : -Infinity;
    if (s.learning && s.learning.time > lastLearning) learning.push(s.learning);
    if (learning.length > MAX_LEARNING) learning.splice(0, learning.length - MAX_LEARNING);
  } else {
    history = s.history || [];
    learning = s.learning_history || [];
  }
  // Absent with a dashboard server older than the page's script: the sections then say "no data yet".
  mergeEvents(s.events || [], !pushed);
  drawCharts();
  updateLearning();
  updateEvents();
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

setupCharts($('charts'), CHARTS);
setupCharts($('learning-charts'), LEARNING_CHARTS);
fetch('/api/state')
  .then((r) => r.json())
  .then((s) => apply(s, false))
  .catch(() => {})
  .finally(follow);
