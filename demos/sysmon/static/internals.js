/*
 * The "view internals" page of demos/sysmon: every round-robin file behind the graphs
 * (`GET /graph/`), and for the one chosen (`?graph=<name>`) what `procblock rrd info` says of it
 * (`GET /graph/<name>.json`): step, last update, data sources and archives, as tables of text.
 */
(function () {
  'use strict';

  var graph = new URLSearchParams(location.search).get('graph');
  var $ = function (id) {
    return document.getElementById(id);
  };

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function row(cells) {
    var tr = el('tr');
    cells.forEach(function (c) {
      tr.appendChild(el('td', '', c === undefined || c === null ? 'U' : String(c)));
    });
    return tr;
  }

  /** 600 → 10m, 8640 → 2h24m, 2678400 → 31d: the spans of rows and archives. */
  function span(seconds) {
    var units = [['y', 31536000], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
    var out = '';
    var rest = Math.round(seconds);
    units.forEach(function (u) {
      if (rest < u[1]) return;
      out += Math.floor(rest / u[1]) + u[0];
      rest %= u[1];
    });
    return out || '0s';
  }

  function fail(e) {
    $('internals-error').textContent = String(e && e.message ? e.message : e);
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: 'application/json' } }).then(function (res) {
      if (!res.ok) throw new Error(url + ' answered ' + res.status + (res.status === 404 ? ': no such graph, or its file has no sample yet' : ''));
      return res.json();
    });
  }

  getJson('/graph/')
    .then(function (body) {
      var files = new Map();
      body.graphs.forEach(function (g) {
        if (!files.has(g.file)) files.set(g.file, []);
        files.get(g.file).push(g);
      });
      var list = $('files');
      Array.from(files.keys())
        .sort()
        .forEach(function (file) {
          var graphs = files.get(file);
          var li = el('li');
          var a = el('a', '', file);
          a.href = '/internals?graph=' + encodeURIComponent(graphs[0].name);
          if (graphs.some(function (g) { return g.name === graph; })) a.setAttribute('aria-current', 'page');
          li.appendChild(a);
          li.appendChild(el('span', 'pb-muted', ' ' + graphs.map(function (g) { return g.title; }).join(', ')));
          list.appendChild(li);
        });
      if (graph !== null) {
        var mine = body.graphs.filter(function (g) {
          return g.name === graph;
        })[0];
        var same = mine ? files.get(mine.file) : [];
        $('rrd-graphs').textContent = same.map(function (g) { return g.title; }).join(', ');
      }
    })
    .catch(fail);

  if (graph !== null) {
    getJson('/graph/' + encodeURIComponent(graph) + '.json')
      .then(function (info) {
        $('rrd').hidden = false;
        $('rrd-name').textContent = info.filename;
        $('rrd-step').textContent = info.step + ' s';
        $('rrd-last').textContent = new Date(info.lastUpdate * 1000).toLocaleString();
        var ds = $('ds-table').querySelector('tbody');
        info.ds.forEach(function (d) {
          ds.appendChild(row([d.name, d.type, d.heartbeat + ' s', d.min, d.max, d.lastDs]));
        });
        var rra = $('rra-table').querySelector('tbody');
        info.rra.forEach(function (r, i) {
          rra.appendChild(row([i, r.cf, r.xff, r.steps, r.rows, span(r.steps * info.step), span(r.steps * info.step * r.rows), r.curRow]));
        });
      })
      .catch(fail);
  }
})();
