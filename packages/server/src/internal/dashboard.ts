// The real-time dashboard: one static page, its script and its style, served as they are (no build step).
// The page holds no data: the script fetches it from /v1 and renders every user-controlled string (metric
// names, metadata, insight texts) with textContent, never innerHTML, so a metric named `<script>` is text.
// The Content-Security-Policy below allows scripts from this server only, as a second lock.

/** Sent with the page: scripts, styles and connections to this origin only, no inline script, no framing. */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// Relative URLs (`assets/…`, `v1/…`) keep the page working behind a reverse proxy that mounts it under a path.
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>autodev metrics</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/uPlot.min.css">
<link rel="stylesheet" href="assets/dashboard.css">
<script src="assets/uPlot.iife.min.js" defer></script>
<script src="assets/dashboard.js" defer></script>
</head>
<body>
<header class="top">
  <h1>autodev metrics</h1>
  <span id="status" data-state="connecting">connecting…</span>
</header>
<main>
  <section id="insights" aria-labelledby="insights-title">
    <h2 id="insights-title">Latest insights</h2>
    <p id="insights-empty" class="muted">No insights yet: a metric needs at least 5 points.</p>
    <ul id="insight-list"></ul>
  </section>
  <section id="metrics" aria-label="metrics">
    <p id="empty" class="muted">No metrics yet. POST records to <code>v1/records</code> and they appear here live.</p>
  </section>
</main>
</body>
</html>
`;

export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --fg: #1f2933; --muted: #6b7280; --card: #ffffff; --bg: #f3f4f6; --line: #2563eb; --border: #e5e7eb; }
@media (prefers-color-scheme: dark) { :root { --fg: #e5e7eb; --muted: #9ca3af; --card: #1f2937; --bg: #111827; --line: #60a5fa; --border: #374151; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
.top { display: flex; align-items: baseline; gap: 1rem; padding: 0.75rem 1.25rem; border-bottom: 1px solid var(--border); background: var(--card); }
.top h1 { font-size: 1.1rem; margin: 0; }
#status { font-size: 0.85rem; color: var(--muted); }
#status[data-state="live"]::before { content: "● "; color: #16a34a; }
#status[data-state="down"]::before, #status[data-state="error"]::before { content: "● "; color: #dc2626; }
main { display: grid; grid-template-columns: minmax(16rem, 22rem) 1fr; gap: 1rem; padding: 1rem 1.25rem; }
@media (max-width: 800px) { main { grid-template-columns: 1fr; } }
section h2 { font-size: 1rem; margin: 0 0 0.5rem; }
.muted { color: var(--muted); }
#insight-list { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
.insight { background: var(--card); border: 1px solid var(--border); border-radius: 6px; padding: 0.5rem 0.75rem; overflow-wrap: anywhere; }
.insight .head { display: flex; gap: 0.5rem; font-size: 0.75rem; color: var(--muted); }
.insight .kind, .insight .confidence { flex: none; }
.insight .insight-metric { min-width: 0; overflow-wrap: anywhere; }
.insight .kind { text-transform: uppercase; letter-spacing: 0.04em; }
.insight .confidence { margin-left: auto; }
.insight[data-kind="regression"] .kind, .insight[data-kind="budget-breach"] .kind, .insight[data-kind="anomaly"] .kind { color: #dc2626; }
.insight[data-kind="improvement"] .kind { color: #16a34a; }
.insight .action { color: var(--muted); margin: 0.25rem 0 0; }
#metrics { display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); gap: 1rem; align-content: start; }
#metrics > .muted { grid-column: 1 / -1; }
.metric { background: var(--card); border: 1px solid var(--border); border-radius: 6px; padding: 0.75rem; min-width: 0; }
.metric header { display: flex; justify-content: space-between; gap: 0.5rem; align-items: baseline; }
.metric h2 { margin: 0; font-size: 0.95rem; overflow-wrap: anywhere; }
.metric .latest { font-variant-numeric: tabular-nums; font-weight: 600; }
.metric .chart { min-height: 160px; }
.metric .meta, .metric .count { margin: 0.25rem 0 0; font-size: 0.8rem; color: var(--muted); overflow-wrap: anywhere; }
.metric .note { margin: 0.25rem 0 0; font-size: 0.8rem; color: #b45309; }
`;

export const DASHBOARD_JS = `'use strict';
(function () {
  // Points kept per metric in the page; older ones scroll off the chart.
  var MAX_POINTS = 1000;
  var byId = function (id) { return document.getElementById(id); };
  var metricsEl = byId('metrics'), emptyEl = byId('empty'), statusEl = byId('status');
  var insightList = byId('insight-list'), insightsEmpty = byId('insights-empty');
  var series = new Map();
  var loading = false, buffered = [], insightTimer = 0, source = null, loads = 0;
  // Drawing each record once (see loadAll): the number of the last live event on this stream, and the keys of loaded
  // records whose live event may still be on its way (events up to retainedFence).
  var lastEventId = 0, retained = null, retainedFence = 0;
  // The id of the last event received ('<epoch>-<n>'), to resume from after the stream was refused and opened anew
  // (EventSource's own reconnects send it as Last-Event-ID by themselves).
  var streamId = '';

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function setStatus(text, state) { statusEl.textContent = text; statusEl.dataset.state = state; }
  function fetchJson(path) {
    return fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (res.ok) return { body: body, headers: res.headers };
        var err = new Error((body && body.error && body.error.message) || ('HTTP ' + res.status));
        err.code = body && body.error && body.error.code;
        throw err;
      });
    });
  }
  function getJson(path) { return fetchJson(path).then(function (r) { return r.body; }); }
  function showError(e) {
    setStatus(e && e.code === 'UNAUTHORIZED' ? 'this server needs a token: open ?token=<token> once' : 'error: ' + (e && e.message), 'error');
  }
  function fmt(v) {
    if (Number.isInteger(v)) return String(v);
    var a = Math.abs(v);
    return a >= 1e6 || a < 0.01 ? v.toPrecision(4) : v.toFixed(2);
  }
  // Key order of stored metadata may differ by backend (PostgreSQL's jsonb sorts keys), so sort them.
  function stable(v) {
    if (Array.isArray(v)) return '[' + v.map(stable).join(',') + ']';
    if (v && typeof v === 'object') return '{' + Object.keys(v).sort().map(function (k) { return JSON.stringify(k) + ':' + stable(v[k]); }).join(',') + '}';
    return JSON.stringify(v);
  }
  // An event id is '<epoch>-<n>': n counts the events of one server process.
  function seqOf(id) { return Number(String(id).slice(String(id).lastIndexOf('-') + 1)); }
  function keyOf(r) { return r.name + '\\u0000' + r.timestamp + '\\u0000' + r.value + '\\u0000' + stable(r.metadata); }
  // Takes one record with r's key out of a multiset of keys; false when there is none left. Records with the same
  // key (name, timestamp, value, metadata) are interchangeable on a chart, so which one is taken does not matter.
  function take(keys, r) {
    var k = keyOf(r), n = keys.get(k) || 0;
    if (n === 0) return false;
    keys.set(k, n - 1);
    return true;
  }
  function describeMeta(m) {
    return Object.keys(m || {}).map(function (k) { var v = m[k]; return k + '=' + (typeof v === 'string' ? v : JSON.stringify(v)); }).join('  ');
  }

  // A name with an unpaired UTF-16 surrogate cannot travel in a URL: URLSearchParams turns it into U+FFFD, which
  // would load another metric's records (or none) onto this card. Such a card loads no history and says why.
  var LONE_SURROGATE = /[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?:^|[^\\ud800-\\udbff])[\\udc00-\\udfff]/;
  var NO_HISTORY = 'History not loaded: this name has an unpaired surrogate (invalid UTF-16), which cannot travel in a URL; ' +
    'only records that arrive while the page is open are shown. Read its history with POST /v1/query.';

  function card(name) {
    var s = series.get(name);
    if (s) return s;
    var article = el('article', 'metric');
    article.dataset.metric = name;
    var head = el('header');
    var latest = el('span', 'latest');
    head.append(el('h2', 'metric-name', name), latest);
    var chartEl = el('div', 'chart');
    var meta = el('p', 'meta');
    var count = el('p', 'count');
    var unloadable = LONE_SURROGATE.test(name);
    var note = el('p', 'note', unloadable ? NO_HISTORY : '');
    note.hidden = !unloadable;
    article.append(head, chartEl, meta, count, note);
    // Same order as /v1/names (code units), whatever order metrics first appear in.
    var next = null;
    for (var i = 0; i < metricsEl.children.length; i++) {
      var c = metricsEl.children[i];
      if (c.dataset.metric !== undefined && c.dataset.metric > name) { next = c; break; }
    }
    metricsEl.insertBefore(article, next);
    emptyEl.hidden = true;
    s = { name: name, xs: [], ys: [], lastMeta: {}, article: article, chartEl: chartEl, latest: latest, meta: meta, count: count, chart: null };
    series.set(name, s);
    return s;
  }
  function add(s, r) {
    var x = r.timestamp / 1000, n = s.xs.length;
    // uPlot needs ascending x; records usually arrive in order, so this is almost always a push.
    var i = n;
    while (i > 0 && s.xs[i - 1] > x) i--;
    s.xs.splice(i, 0, x);
    s.ys.splice(i, 0, r.value);
    if (i === s.xs.length - 1) s.lastMeta = r.metadata;
    if (s.xs.length > MAX_POINTS) { s.xs.shift(); s.ys.shift(); }
  }
  function width(s) { return Math.max(200, s.chartEl.clientWidth || 360); }
  function draw(s) {
    if (typeof uPlot === 'undefined') return;
    var data = [s.xs, s.ys];
    if (!s.chart) {
      s.chart = new uPlot({
        width: width(s), height: 160, legend: { show: false }, cursor: { drag: { x: true, y: false } },
        // One point (or several at one time): an hour either side. uPlot widens such a range itself before this is
        // called, to 86400 / 1e-3 s (1,000 days: an axis from Feb 2026 to Aug 2028 under a single point).
        scales: { x: { time: true, range: function (u, min, max) {
          var xs = u.data[0], n = xs.length;
          return n > 0 && xs[0] === xs[n - 1] ? [xs[0] - 3600, xs[0] + 3600] : [min, max];
        } } },
        series: [{}, { label: 'value', stroke: getComputedStyle(document.documentElement).getPropertyValue('--line').trim() || '#2563eb', width: 2, points: { size: 4 } }],
      }, data, s.chartEl);
    } else {
      s.chart.setData(data);
    }
    var last = s.ys.length - 1;
    s.latest.textContent = last >= 0 ? fmt(s.ys[last]) : '';
    s.article.dataset.latest = last >= 0 ? String(s.ys[last]) : '';
    s.article.dataset.points = String(s.xs.length);
    s.meta.textContent = describeMeta(s.lastMeta);
    s.count.textContent = s.xs.length + (s.xs.length === 1 ? ' point' : ' points') + (s.xs.length >= MAX_POINTS ? ' (newest ' + MAX_POINTS + ')' : '');
  }

  function renderInsights(insights) {
    insightList.replaceChildren();
    insightsEmpty.hidden = insights.length > 0;
    insights.slice(0, 50).forEach(function (i) {
      var li = el('li', 'insight');
      li.dataset.kind = i.kind;
      var head = el('div', 'head');
      // As @autodev/learning's confidenceText (this page cannot import it): a statistical finding is never "100%".
      head.append(el('span', 'kind', i.kind), el('span', 'insight-metric', i.metric || ''), el('span', 'confidence', i.confidence >= 0.995 && i.kind !== 'budget-breach' && i.kind !== 'lint-errors' ? '>99%' : Math.round(i.confidence * 100) + '%'));
      li.append(head, el('div', 'description', i.description), el('p', 'action', i.suggestedAction));
      insightList.append(li);
    });
  }
  // An error shown for a failed request (the store failed once) is taken back by the next request that succeeds while
  // the stream is open: the page is live again, and must not go on saying otherwise.
  function recovered() {
    if (statusEl.dataset.state === 'error' && source && source.readyState === EventSource.OPEN) setStatus('live', 'live');
  }
  function loadInsights() {
    return getJson('v1/insights').then(function (body) { renderInsights(body.insights); recovered(); }, showError);
  }
  function scheduleInsights() {
    clearTimeout(insightTimer);
    insightTimer = setTimeout(loadInsights, 1000);
  }

  // Loads everything, and draws every record once. Each v1/records answer says (Autodev-Event-Id) the last live event
  // whose records it may hold: the server answers only once the events of the records it returns are out. Live
  // events up to that id may repeat loaded records, whether they arrive during the load (buffered, then merged) or
  // after it (the stream and the fetch are separate connections, so an event can come after the answer that already
  // holds its records): their records are matched against the loaded ones (a multiset of keys) and dropped once
  // each. Later events cannot be in the load and are drawn as they come.
  // A load started before a later one (a reset while loading) is dropped when it ends: only the newest may draw.
  function loadAll() {
    var load = ++loads;
    loading = true;
    buffered = [];
    retained = null;
    return getJson('v1/names').then(function (body) {
      return Promise.all(body.names.map(function (name) {
        if (LONE_SURROGATE.test(name)) return { name: name, records: [], fence: 0 }; // its card says why
        var q = new URLSearchParams({ name: name, order: 'desc', limit: String(MAX_POINTS) });
        return fetchJson('v1/records?' + q).then(function (r) {
          // Without the header (a proxy dropped it), keep the keys until the next reload rather than draw twice.
          var fence = r.headers.get('autodev-event-id');
          return { name: name, records: r.body.records.reverse(), fence: fence === null ? Infinity : seqOf(fence) };
        });
      }));
    }).then(function (loaded) {
      if (load !== loads) return;
      var seen = new Map(), fence = 0;
      loaded.forEach(function (l) {
        var s = card(l.name);
        s.xs = []; s.ys = []; s.lastMeta = {};
        l.records.forEach(function (r) { add(s, r); var k = keyOf(r); seen.set(k, (seen.get(k) || 0) + 1); });
        fence = Math.max(fence, l.fence);
      });
      buffered.forEach(function (b) {
        b.records.forEach(function (r) { if (!(b.id <= fence && take(seen, r))) add(card(r.name), r); });
      });
      loading = false;
      buffered = [];
      // Events up to the fence still to come may repeat loaded records; none can once the fence has passed.
      retained = lastEventId >= fence ? null : seen;
      retainedFence = fence;
      series.forEach(draw);
      return loadInsights();
    }, function (e) { if (load === loads) { loading = false; showError(e); } });
  }

  function onRecords(ev) {
    var records = JSON.parse(ev.data), id = seqOf(ev.lastEventId);
    lastEventId = id;
    streamId = ev.lastEventId;
    if (loading) { buffered.push({ id: id, records: records }); return; }
    var touched = new Set();
    records.forEach(function (r) {
      if (retained && id <= retainedFence && take(retained, r)) return; // the load already drew it
      var s = card(r.name); add(s, r); touched.add(s);
    });
    if (retained && id >= retainedFence) retained = null;
    touched.forEach(draw);
    scheduleInsights();
  }
  function connect() {
    var ready = false;
    source = new EventSource('v1/events' + (streamId ? '?lastEventId=' + encodeURIComponent(streamId) : ''));
    // The server could not replay what was missed (too long away, or it restarted): the 'ready' that follows says
    // resumed: false, and everything is reloaded.
    source.addEventListener('reset', function () { setStatus('missed events: reloading…', 'down'); });
    // 'ready' comes on every (re)connect. Resumed: the events missed while down are replayed next, in order, so the
    // charts just go on. Otherwise (first connect, or after a reset) load everything.
    source.addEventListener('ready', function (ev) {
      ready = true;
      streamId = ev.lastEventId;
      setStatus('live', 'live');
      if (!JSON.parse(ev.data).resumed) { lastEventId = 0; loadAll(); }
    });
    source.addEventListener('records', onRecords);
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        // A stream refused before 'ready' may have been refused for its id (a server of another version): the next
        // one starts afresh (and reloads) rather than being refused every time.
        if (!ready) streamId = '';
        // A refused stream (401, 503) is not retried by EventSource itself: find out why, retry later.
        getJson('v1/health').then(function () { setStatus('reconnecting…', 'down'); }, showError);
        setTimeout(connect, 5000);
      } else {
        setStatus('reconnecting…', 'down');
      }
    };
  }
  window.addEventListener('resize', function () { series.forEach(function (s) { if (s.chart) s.chart.setSize({ width: width(s), height: 160 }); }); });
  connect();
})();
`;
