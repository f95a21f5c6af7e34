// The graph page: picks metrics, fetches each one's downsampled columns from
// /api/graph/series for the visible range and width, draws them with dygraphs,
// and keeps the whole view (metrics, commits, zoom, normalise) in the address.
(function () {
  'use strict';

  var app = document.getElementById('graph-app');
  if (!app) { return; }
  // Every address below is the daemon's own path under [web] base-path, which the page names.
  var base = document.body.getAttribute('data-base') || '';
  var graphElement = document.getElementById('graph');
  var statusElement = document.getElementById('graph-status');
  var search = document.getElementById('metric-search');
  var boxes = Array.prototype.slice.call(document.querySelectorAll('#metric-list input[name=m]'));
  var refsRadios = Array.prototype.slice.call(document.querySelectorAll('input[name=refs]'));
  var normaliseBox = document.getElementById('normalise');
  var logBox = document.getElementById('log-scale');
  var archiveBox = document.getElementById('include-archive');
  var groups = Array.prototype.slice.call(document.querySelectorAll('#metric-list details.metric-group'));
  var resetButton = document.getElementById('reset-zoom');

  var graph = null;
  var marks = [];        // detected changes: {x, kind, label, commit}
  var rowCommits = [];   // rowCommits[row][line] = commit hash of that point
  var loadNumber = 0;    // answers to an older load are dropped
  var fetches = 0;

  // The view, as the address says it.
  function readView() {
    var query = new URLSearchParams(window.location.search);
    var metrics = query.getAll('m');
    if (metrics.length === 0 && !query.has('none')) {
      metrics = JSON.parse(app.getAttribute('data-default-metrics') || '[]');
    }
    var from = parseInt(query.get('from'), 10);
    var to = parseInt(query.get('to'), 10);
    return {
      metrics: metrics,
      refs: query.get('refs') === 'all' ? 'all' : 'tracked',
      from: isFinite(from) ? from : null,
      to: isFinite(to) ? to : null,
      normalise: query.get('norm') === '1',
      log: query.get('log') === '1',
      archive: query.get('archive') === '1'
    };
  }

  function writeView(view, replace) {
    var query = new URLSearchParams();
    view.metrics.forEach(function (metric) { query.append('m', metric); });
    if (view.metrics.length === 0) { query.set('none', '1'); }
    if (view.refs === 'all') { query.set('refs', 'all'); }
    if (view.from !== null && view.to !== null) {
      query.set('from', String(view.from));
      query.set('to', String(view.to));
    }
    if (view.normalise) { query.set('norm', '1'); }
    if (view.log) { query.set('log', '1'); }
    if (view.archive) { query.set('archive', '1'); }
    var address = window.location.pathname + '?' + query.toString();
    if (replace) { history.replaceState(null, '', address); } else { history.pushState(null, '', address); }
  }

  function showControls(view) {
    boxes.forEach(function (box) { box.checked = view.metrics.indexOf(box.value) >= 0; });
    refsRadios.forEach(function (radio) { radio.checked = radio.value === view.refs; });
    normaliseBox.checked = view.normalise;
    logBox.checked = view.log;
    archiveBox.checked = view.archive;
    // Groups holding a drawn metric start open; the others stay folded.
    groups.forEach(function (group) {
      if (group.querySelector('input[name=m]:checked')) { group.open = true; }
    });
  }

  function viewFromControls(keepRange) {
    var current = readView();
    return {
      metrics: boxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; }),
      refs: refsRadios.filter(function (radio) { return radio.checked; }).map(function (radio) { return radio.value; })[0] || 'tracked',
      from: keepRange ? current.from : null,
      to: keepRange ? current.to : null,
      normalise: normaliseBox.checked,
      log: logBox.checked,
      archive: archiveBox.checked
    };
  }

  function setStatus(text, state) {
    statusElement.textContent = text;
    if (state) { graphElement.setAttribute('data-state', state); }
  }

  function seriesAddress(metric, view) {
    var query = new URLSearchParams();
    query.set('metric', metric);
    query.set('refs', view.refs);
    // Two points (lowest and highest) per pixel column keep spikes visible.
    var width = Math.max(200, graphElement.clientWidth || 1000);
    query.set('points', String(Math.min(20000, width * 2)));
    if (view.from !== null && view.to !== null) {
      query.set('from', String(view.from));
      query.set('to', String(view.to));
    }
    if (view.archive) { query.set('archive', '1'); }
    return base + '/api/graph/series?' + query.toString();
  }

  function fetchSeries(metric, view) {
    fetches += 1;
    graphElement.setAttribute('data-fetches', String(fetches));
    return fetch(seriesAddress(metric, view), { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (text) { throw new Error(metric + ': ' + text.trim()); });
      }
      return response.json();
    });
  }

  // dygraphs writes ylabel, xlabel and title with innerHTML (its legend escapes series
  // labels itself): a unit is whatever a benchmark printed, so it goes in escaped.
  // 18400000 as 18.4M, 0.000012 as 12µ: a suffix, and as many significant figures as
  // the axis's span needs to tell its ticks apart (18.455M beside 18.460M).
  function compactNumber(value, span) {
    if (value === 0 || !isFinite(value)) { return String(value); }
    var size = Math.abs(value);
    var figures = span > 0 ? Math.ceil(Math.log10(size / span)) + 2 : 4;
    figures = Math.min(10, Math.max(3, figures));
    var steps = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k'], [1, ''], [1e-3, 'm'], [1e-6, '\u00b5'], [1e-9, 'n']];
    for (var index = 0; index < steps.length; index++) {
      if (size >= steps[index][0] || index === steps.length - 1) {
        return String(Number((value / steps[index][0]).toPrecision(figures))) + steps[index][1];
      }
    }
    return String(value);
  }

  function escapeHTML(text) {
    return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }

  function median(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  // Columns per line → dygraphs rows [Date, y0, y1, …] on the union of all x values.
  function mergeLines(replies, view) {
    var labels = ['commit date'];
    var points = [];
    var units = {};
    marks = [];
    replies.forEach(function (reply) {
      units[reply.unit || ''] = true;
      reply.lines.forEach(function (line) {
        var column = labels.length - 1;
        var several = replies.length > 1 || reply.lines.length > 1;
        labels.push(several ? reply.metric + ' · ' + line.runner : reply.metric + ' (' + line.runner + ')');
        var scale = view.normalise ? median(line.y) : 1;
        if (!scale) { scale = 1; }
        for (var i = 0; i < line.x.length; i += 1) {
          points.push([line.x[i], column, line.y[i] / scale, line.commit[i]]);
        }
        (line.changes || []).forEach(function (change) {
          marks.push({ x: change.x, kind: change.kind, commit: change.commit, state: change.state,
                       label: labels[labels.length - 1], magnitude: change.magnitude });
        });
      });
    });
    points.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var columns = labels.length - 1;
    var rows = [];
    rowCommits = [];
    points.forEach(function (point) {
      var last = rows[rows.length - 1];
      if (!last || last[0].getTime() !== point[0] || last[point[1] + 1] !== null) {
        last = [new Date(point[0])];
        for (var c = 0; c < columns; c += 1) { last.push(null); }
        rows.push(last);
        rowCommits.push([]);
      }
      last[point[1] + 1] = point[2];
      rowCommits[rowCommits.length - 1][point[1]] = point[3];
    });
    var unitNames = Object.keys(units).filter(function (unit) { return unit; });
    var yLabel = view.normalise ? 'relative to each line\u2019s median' : (unitNames.length === 1 ? unitNames[0] : '');
    return { labels: labels, rows: rows, points: points.length, yLabel: yLabel };
  }

  var markColours = { regression: 'rgba(179, 38, 30, 0.6)', improvement: 'rgba(23, 115, 58, 0.6)', neutral: 'rgba(95, 107, 118, 0.5)' };

  // Detected changes: a vertical bar at the commit where each new level starts.
  function drawMarks(canvas, area, g) {
    marks.forEach(function (mark) {
      var x = g.toDomXCoord(mark.x);
      if (x < area.x || x > area.x + area.w) { return; }
      canvas.fillStyle = markColours[mark.kind] || markColours.neutral;
      canvas.fillRect(x - 1, area.y, 2, area.h);
    });
  }

  function listMarks() {
    var list = document.getElementById('graph-changes');
    list.textContent = '';
    marks.forEach(function (mark) {
      var item = document.createElement('li');
      item.className = mark.kind === 'regression' ? 'worse' : (mark.kind === 'improvement' ? 'better' : 'neutral');
      var link = document.createElement('a');
      link.href = base + '/commit/' + mark.commit + '/';
      link.textContent = mark.commit.slice(0, 10);
      var sign = mark.magnitude > 0 ? '+' : '';
      item.appendChild(document.createTextNode(mark.kind + ' ' + sign + (mark.magnitude * 100).toFixed(1) + '% in ' + mark.label + ' at '));
      item.appendChild(link);
      list.appendChild(item);
    });
    graphElement.setAttribute('data-marks', String(marks.length));
  }

  function openCommit(event, point) {
    var commits = rowCommits[point.idx];
    var line = graph ? graph.getLabels().indexOf(point.name) - 1 : -1;
    var hash = commits && line >= 0 ? commits[line] : null;
    if (hash) { window.location.href = base + '/commit/' + hash + '/'; }
  }

  function onZoom(minX, maxX) {
    var view = readView();
    if (graph && graph.isZoomed('x')) {
      view.from = Math.floor(minX);
      view.to = Math.ceil(maxX);
    } else {
      view.from = null;
      view.to = null;
    }
    writeView(view, false);
    load(view);
  }

  function draw(merged, view) {
    var options = {
      labels: merged.labels,
      labelsDiv: document.getElementById('graph-legend'),
      legend: 'always',
      labelsSeparateLines: false,
      connectSeparatedPoints: true,
      drawPoints: true,
      pointSize: 2,
      strokeWidth: 1.2,
      highlightCircleSize: 4,
      ylabel: escapeHTML(merged.yLabel),
      logscale: view.log,
      // Whole labels: values as 18.4M rather than a number the axis cuts off.
      axes: { y: { axisLabelWidth: 72, axisLabelFormatter: function (value, granularity, opts, g) {
        var range = g.yAxisRange();
        return compactNumber(value, Math.abs(range[1] - range[0]));
      } } },
      xlabel: 'commit date',
      dateWindow: view.from !== null && view.to !== null ? [view.from, view.to] : null,
      zoomCallback: onZoom,
      pointClickCallback: openCommit,
      underlayCallback: drawMarks
    };
    if (graph && graph.getLabels().join('\u0000') === merged.labels.join('\u0000')) {
      graph.updateOptions(Object.assign({ file: merged.rows }, options));
    } else {
      if (graph) { graph.destroy(); }
      graph = new Dygraph(graphElement, merged.rows, options);
    }
    window.tablejohnGraph = graph;
  }

  function load(view) {
    var number = ++loadNumber;
    if (view.metrics.length === 0) {
      if (graph) { graph.destroy(); graph = null; }
      marks = [];
      listMarks();
      graphElement.setAttribute('data-points', '0');
      setStatus('Pick one or more metrics to draw.', 'ready');
      return;
    }
    setStatus('Loading ' + view.metrics.length + (view.metrics.length === 1 ? ' metric…' : ' metrics…'), 'loading');
    Promise.all(view.metrics.map(function (metric) { return fetchSeries(metric, view); })).then(function (replies) {
      if (number !== loadNumber) { return; }
      var merged = mergeLines(replies, view);
      graphElement.setAttribute('data-points', String(merged.points));
      if (merged.points === 0) {
        if (graph) { graph.destroy(); graph = null; }
        listMarks();
        setStatus('No values for these metrics on ' + (view.refs === 'all' ? 'any commit' : 'tracked refs') + ' in this range.', 'ready');
        return;
      }
      draw(merged, view);
      listMarks();
      var inRange = 0;
      replies.forEach(function (reply) { reply.lines.forEach(function (line) { inRange += line.in_range; }); });
      setStatus(merged.points === inRange ? inRange + ' points' : merged.points + ' of ' + inRange + ' points drawn (zoom in for detail)', 'ready');
    }).catch(function (error) {
      if (number !== loadNumber) { return; }
      setStatus('Could not load the graph: ' + error.message, 'error');
    });
  }

  function changed() {
    var view = viewFromControls(true);
    writeView(view, false);
    load(view);
  }

  search.addEventListener('input', function () {
    var words = search.value.toLowerCase().split(/\s+/).filter(function (word) { return word; });
    boxes.forEach(function (box) {
      var name = box.value.toLowerCase();
      box.closest('li').hidden = !words.every(function (word) { return name.indexOf(word) >= 0; });
    });
    // While searching, groups with a match open and groups without one hide.
    groups.forEach(function (group) {
      var matches = group.querySelectorAll('li:not([hidden])').length;
      group.hidden = words.length > 0 && matches === 0;
      if (words.length > 0 && matches > 0) { group.open = true; }
    });
  });
  boxes.forEach(function (box) { box.addEventListener('change', changed); });
  refsRadios.forEach(function (radio) { radio.addEventListener('change', changed); });
  normaliseBox.addEventListener('change', changed);
  logBox.addEventListener('change', changed);
  archiveBox.addEventListener('change', changed);
  resetButton.addEventListener('click', function () {
    var view = readView();
    view.from = null;
    view.to = null;
    writeView(view, false);
    load(view);
  });
  window.addEventListener('popstate', function () {
    var view = readView();
    showControls(view);
    load(view);
  });

  var initial = readView();
  showControls(initial);
  writeView(initial, true);
  load(initial);
}());
