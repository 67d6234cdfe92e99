/*
 * dropSTAR's page client (SPEC §7), served as /_dropstar/client.js. No framework; works under
 * the CSP `script-src 'self'` (no inline code, no eval). Pages opt in with attributes:
 *
 *   <body data-pb-events="thread:cpu counter:requests queue:wall">   what /events sends here
 *   <span id="user"></span>                 filled from any result key `user` (RPC results,
 *                                           RunThread ticks; `cpu.user` for thread `cpu` only)
 *   <img src="/graph/cpu.png">              reloaded when its series gets a new sample
 *   <form data-pb-rpc="wall" data-pb-reset> POSTs its fields as JSON to /rpc/wall
 *   <button data-pb-rpc="toggle" name="x" value="1">   POSTs {x: "1"} to /rpc/toggle
 *   <input type="range" name="delay" data-pb-rpc="set_delay">  POSTs {delay} on change
 *   <div data-pb-rpc="log_tail" data-pb-poll="5">      GETs /rpc/log_tail every 5 s
 *   <ul id="lines" data-pb-list data-pb-max="20">       an array result becomes list items
 *   <ol data-pb-queue="wall" data-pb-max="25">          a queue add is prepended (newest first)
 *   <span id="wall.length"> <span id="requests">        a queue's length, a counter's value,
 *   <span id="requests.delay">                          a state key (bucket.key), as they change
 *   <section data-pb-alert="sla">           gets data-pb-alert-state="ok|pending|firing|resolved"
 *   <span id="alert.sla.state">             alert `sla`'s state, `.value`, `.since` (a time),
 *                                           from its events (the current state arrives first)
 *
 * Every result, tick and change is also dispatched on `document` as a CustomEvent
 * (`pb:rpc`, `pb:tick`, `pb:counter`, `pb:state`, `pb:queue`, `pb:alert`) for a page's own script, and
 * `pb:open` each time the event stream (re)connects: from then on no change is missed, so a
 * page that keeps its own view fetches what changed before.
 */
(function () {
  'use strict';

  function isObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  }

  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  function format(el, v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') {
      var digits = el.getAttribute('data-pb-digits');
      if (digits !== null) return v.toFixed(Number(digits));
      return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
    }
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  function listItem(item) {
    var li = document.createElement('li');
    if (isObject(item)) {
      if (typeof item.time === 'number') {
        var t = document.createElement('span');
        t.className = 'pb-time';
        t.textContent = new Date(item.time * 1000).toLocaleTimeString();
        li.appendChild(t);
      }
      li.appendChild(document.createTextNode(item.text === undefined ? JSON.stringify(item) : String(item.text)));
      var cls = typeof item.class === 'string' ? item.class.replace(/[^A-Za-z0-9_-]/g, '') : '';
      if (cls) li.className = cls;
    } else {
      li.textContent = String(item);
    }
    return li;
  }

  function maxItems(el) {
    var max = Number(el.getAttribute('data-pb-max'));
    return max > 0 ? max : Infinity;
  }

  function renderList(el, items) {
    var max = maxItems(el);
    var frag = document.createDocumentFragment();
    for (var i = 0; i < items.length && i < max; i++) frag.appendChild(listItem(items[i]));
    el.replaceChildren(frag);
  }

  function render(el, value) {
    if (el.hasAttribute('data-pb-list') && Array.isArray(value)) return renderList(el, value);
    var tag = el.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') {
      if (document.activeElement === el) return; // never move a control the user is holding
      if (el.type === 'checkbox') el.checked = Boolean(value);
      else el.value = format(el, value);
      return;
    }
    if (tag === 'IMG') return;
    el.textContent = format(el, value);
  }

  /** Fill elements whose id is a key of `obj` (nested mappings too, a few levels deep). */
  function fill(obj, prefix, depth) {
    if (!isObject(obj) || depth > 3) return;
    Object.keys(obj).forEach(function (key) {
      if (key.slice(0, 2) === '__') return;
      var value = obj[key];
      var el = document.getElementById(key);
      if (el) render(el, value);
      if (prefix) {
        var scoped = document.getElementById(prefix + '.' + key);
        if (scoped) render(scoped, value);
      }
      if (isObject(value)) fill(value, '', depth + 1);
    });
  }

  function reloadGraphs(names, time) {
    if (!names || names.length === 0) return;
    var imgs = document.getElementsByTagName('img');
    for (var i = 0; i < imgs.length; i++) {
      var img = imgs[i];
      var url = new URL(img.src, location.href);
      if (url.origin !== location.origin || url.pathname.indexOf('/graph/') !== 0) continue;
      var name = decodeURIComponent(url.pathname.slice(7).replace(/\.png$/, ''));
      if (names.indexOf(name) < 0) continue;
      url.searchParams.set('t', String(time));
      img.src = url.pathname + url.search;
    }
  }

  function queueAdd(change) {
    var counter = document.getElementById(change.name + '.length');
    if (counter) render(counter, change.length);
    var lists = document.querySelectorAll('[data-pb-queue]');
    for (var i = 0; i < lists.length; i++) {
      var el = lists[i];
      if (el.getAttribute('data-pb-queue') !== change.name) continue;
      var li = listItem(change.message);
      if (el.getAttribute('data-pb-order') === 'oldest-first') {
        el.appendChild(li);
        while (el.children.length > maxItems(el)) el.removeChild(el.firstElementChild);
      } else {
        el.insertBefore(li, el.firstElementChild);
        while (el.children.length > maxItems(el)) el.removeChild(el.lastElementChild);
      }
    }
  }

  function alertChange(d) {
    // since 0: the alert has been ok since it was first evaluated (no transition yet).
    var shown = { state: d.to, value: d.value, since: d.since > 0 ? new Date(d.since).toLocaleTimeString() : '' };
    Object.keys(shown).forEach(function (key) {
      var el = document.getElementById('alert.' + d.alert + '.' + key);
      if (el) render(el, shown[key]);
    });
    var boxes = document.querySelectorAll('[data-pb-alert]');
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].getAttribute('data-pb-alert') === d.alert) boxes[i].setAttribute('data-pb-alert-state', d.to);
    }
  }

  /** What `rpc` resolves to when the call did not go through (never a result: results are JSON). */
  var FAILED = {};

  /**
   * Calls `/rpc/<name>`; resolves to its result, or to FAILED after logging why. An error answer
   * (4xx, 5xx) still fills the page from its fields, so a block's own message for the user (the
   * wall's `wall_status`) is shown where the page put it.
   */
  function rpc(name, fields, method) {
    var init = { credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (method !== 'GET') {
      init.method = 'POST';
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(fields || {});
    }
    return fetch('/rpc/' + encodeURIComponent(name), init)
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) {
            fill(body, '', 0);
            throw new Error('RPC ' + name + ' failed: ' + res.status + ' ' + JSON.stringify(body));
          }
          return body;
        });
      })
      .then(function (result) {
        fill(result, '', 0);
        emit('pb:rpc', { name: name, result: result });
        return result;
      })
      .catch(function (e) {
        console.error(String(e && e.message ? e.message : e));
        return FAILED;
      });
  }

  function formFields(form) {
    var out = {};
    new FormData(form).forEach(function (value, key) {
      if (typeof value !== 'string') return;
      if (key.slice(-2) === '[]') (out[key] = out[key] || []).push(value);
      else out[key] = value;
    });
    return out;
  }

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form || !form.hasAttribute || !form.hasAttribute('data-pb-rpc')) return;
    ev.preventDefault();
    var fields = formFields(form);
    var sent = JSON.stringify(fields);
    rpc(form.getAttribute('data-pb-rpc'), fields, 'POST').then(function (result) {
      // Cleared once the post went through, and only if the form still holds what was sent: a
      // refused or failed post leaves the text for another try, and what the user typed while it
      // was on its way is not wiped.
      if (result !== FAILED && form.hasAttribute('data-pb-reset') && JSON.stringify(formFields(form)) === sent) form.reset();
    });
  });

  document.addEventListener('click', function (ev) {
    var btn = ev.target && ev.target.closest ? ev.target.closest('button[data-pb-rpc]') : null;
    if (!btn || btn.closest('form[data-pb-rpc]')) return;
    ev.preventDefault();
    var fields = {};
    if (btn.name) fields[btn.name] = btn.value;
    rpc(btn.getAttribute('data-pb-rpc'), fields, 'POST');
  });

  document.addEventListener('change', function (ev) {
    var el = ev.target;
    if (!el || !el.hasAttribute || !el.hasAttribute('data-pb-rpc') || el.closest('form[data-pb-rpc]')) return;
    if (el.tagName !== 'INPUT' && el.tagName !== 'SELECT' && el.tagName !== 'TEXTAREA') return;
    var fields = {};
    fields[el.name || el.id] = el.type === 'checkbox' ? el.checked : el.value;
    rpc(el.getAttribute('data-pb-rpc'), fields, 'POST');
  });

  var polled = document.querySelectorAll('[data-pb-poll][data-pb-rpc]');
  for (var i = 0; i < polled.length; i++) {
    (function (el) {
      var seconds = Number(el.getAttribute('data-pb-poll'));
      if (!(seconds > 0)) return;
      setInterval(function () {
        rpc(el.getAttribute('data-pb-rpc'), null, 'GET');
      }, seconds * 1000);
    })(polled[i]);
  }

  function connect() {
    var topics = (document.body.getAttribute('data-pb-events') || '').trim();
    var source = new EventSource('/events' + (topics ? '?topics=' + encodeURIComponent(topics) : ''));
    var on = function (type, handle) {
      source.addEventListener(type, function (ev) {
        var data = JSON.parse(ev.data);
        handle(data);
        emit('pb:' + type, data);
      });
    };
    on('tick', function (d) {
      fill(d.fields, d.thread, 0);
      reloadGraphs(d.graphs, d.time);
    });
    on('counter', function (d) {
      var el = document.getElementById(d.name);
      if (el) render(el, d.value);
    });
    on('state', function (d) {
      var el = document.getElementById(d.bucket + '.' + d.key);
      if (el) render(el, d.value);
    });
    on('queue', queueAdd);
    on('alert', alertChange);
    // A hot reload of the block (procblock --watch / SIGHUP): only the `pb:reload` DOM event,
    // which a page's own script may answer (e.g. location.reload() when d.outcome is 'applied').
    on('reload', function () {});
    // The stream is (re)connected: every change from now on arrives here. A page's own script
    // fetches what it may have missed before (while it was loading, or disconnected).
    source.addEventListener('open', function () {
      emit('pb:open', {});
    });
    // The server is stopping: do not reconnect to a server that is going away.
    source.addEventListener('bye', function () {
      source.close();
    });
    window.addEventListener('pagehide', function () {
      source.close();
    });
  }

  // The stream opens once every deferred script of the page has run (DOMContentLoaded), so a
  // page's own script has its pb:* listeners in place before the first event, pb:open included.
  if (typeof EventSource === 'function' && document.body.getAttribute('data-pb-events') !== 'none') {
    var connected = false;
    var start = function () {
      if (connected) return;
      connected = true;
      connect();
    };
    if (document.readyState === 'complete') start();
    else {
      document.addEventListener('DOMContentLoaded', start);
      window.addEventListener('load', start);
    }
  }
})();
