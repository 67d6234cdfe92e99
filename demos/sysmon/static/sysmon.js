/*
 * The graphs page of demos/sysmon (served from /static/, so it runs under dropSTAR's CSP). It
 * lists the graphs dropSTAR serves (`GET /graph/`), one section per collector, each image drawn
 * for the chosen period (`/graph/<name>.png?period=1h|1d|1w|1m|1y`). The dropSTAR client reloads
 * an image when its collector ticks; a tick naming a graph not on the page (a disk, mount or
 * interface that just appeared: a `key:` collect's new file) makes this script list them again.
 * Names and titles are inserted as text.
 */
(function () {
  'use strict';

  var root = document.getElementById('sysmon');
  if (!root) return;
  var period = root.getAttribute('data-period') || '1h';
  var ORDER = ['cpu', 'load', 'memory', 'disk_space', 'disk_io', 'network'];
  var HEADINGS = { cpu: 'CPU', load: 'Load', memory: 'Memory and swap', disk_space: 'Disk space', disk_io: 'Disk I/O', network: 'Network' };
  /** graph name → its <img>. */
  var shown = new Map();

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function graphUrl(name) {
    return '/graph/' + encodeURIComponent(name) + '.png?period=' + encodeURIComponent(period);
  }

  /** The section of a collector (RunThread), made in the collectors' order when first needed. */
  function section(thread) {
    var sections = document.getElementById('sections');
    var found = sections.querySelector('section[data-thread="' + CSS.escape(thread) + '"]');
    if (found) return found.querySelector('.sysmon-graphs');
    var s = el('section', 'pb-panel sysmon-section');
    s.setAttribute('data-thread', thread);
    s.appendChild(el('h2', '', HEADINGS[thread] || thread));
    s.appendChild(el('div', 'sysmon-graphs'));
    var rank = function (t) {
      var i = ORDER.indexOf(t);
      return i < 0 ? ORDER.length : i;
    };
    var before = Array.prototype.find.call(sections.children, function (other) {
      return rank(other.getAttribute('data-thread')) > rank(thread);
    });
    sections.insertBefore(s, before || null);
    return s.querySelector('.sysmon-graphs');
  }

  function add(g) {
    if (shown.has(g.name) || g.last_update === null) return;
    var figure = el('figure', 'sysmon-graph');
    figure.setAttribute('data-graph', g.name);
    var img = el('img', 'pb-graph');
    img.alt = g.title;
    img.src = graphUrl(g.name);
    figure.appendChild(img);
    var caption = el('figcaption');
    caption.appendChild(el('span', 'sysmon-file', g.file));
    var link = el('a', 'sysmon-internals', 'view internals');
    link.href = '/internals?graph=' + encodeURIComponent(g.name);
    caption.appendChild(link);
    figure.appendChild(caption);
    section(g.thread).appendChild(figure);
    shown.set(g.name, img);
  }

  var listing = null;
  var again = false;
  /** List the graphs again (one request at a time; a request asked for meanwhile follows it). */
  function refresh() {
    if (listing) {
      again = true;
      return;
    }
    listing = fetch('/graph/', { headers: { Accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw new Error('GET /graph/ answered ' + res.status);
        return res.json();
      })
      .then(function (body) {
        body.graphs.forEach(add);
        document.getElementById('sysmon-status').textContent = shown.size + ' graphs, the last ' + label(period) + '. Each one reloads when its collector takes a sample.';
      })
      .catch(function (e) {
        console.error(String(e && e.message ? e.message : e));
      })
      .then(function () {
        listing = null;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  function label(p) {
    var a = document.querySelector('#periods a[data-period="' + p + '"]');
    return a ? a.textContent : p;
  }

  function choose(p) {
    period = p;
    root.setAttribute('data-period', p);
    document.querySelectorAll('#periods a').forEach(function (a) {
      if (a.getAttribute('data-period') === p) a.setAttribute('aria-current', 'true');
      else a.removeAttribute('aria-current');
    });
    shown.forEach(function (img, name) {
      img.src = graphUrl(name);
    });
    var status = document.getElementById('sysmon-status');
    if (shown.size > 0) status.textContent = shown.size + ' graphs, the last ' + label(p) + '. Each one reloads when its collector takes a sample.';
  }

  document.getElementById('periods').addEventListener('click', function (ev) {
    var a = ev.target && ev.target.closest ? ev.target.closest('a[data-period]') : null;
    if (!a) return;
    ev.preventDefault();
    history.replaceState(null, '', '?period=' + encodeURIComponent(a.getAttribute('data-period')));
    choose(a.getAttribute('data-period'));
  });

  document.addEventListener('pb:tick', function (ev) {
    var names = (ev.detail && ev.detail.graphs) || [];
    if (names.some(function (n) { return !shown.has(n); })) refresh();
  });

  choose(period);
  refresh();
})();
