/*
 * No Relay Chat's page script (served from /static/, so it runs under dropSTAR's CSP). It keeps
 * the page's view of the chat from two sources:
 *
 * - snapshots: the RPCs `session` (everything, fetched each time the event stream opens: the
 *   dropSTAR client's `pb:open`) and `join` (one channel) answer with the data as it is now;
 * - changes: `pb:queue` (messages) and `pb:state` (channels, topics, members) events, in the
 *   order the server applied them (with Redis, the order of every process).
 *
 * Messages carry their channel's sequence number: a page shows them sorted by it, each once,
 * whichever way it came. Topics, members and channels are key = value changes: the events that
 * arrive while a snapshot is on its way are applied again on top of it, so a snapshot never
 * hides a later change. Every name and line is inserted as text (textContent), never as HTML.
 * The actions of one page go to the server one after the other, in the order they were made.
 */
(function () {
  'use strict';

  var HISTORY = 100;
  var QUEUE_PREFIX = 'chat.msg.';
  var root = document.getElementById('nrc');
  if (!root) return;
  var $ = function (id) {
    return document.getElementById(id);
  };

  var me = root.getAttribute('data-nick') || null;
  /** name → topic, for every channel. */
  var channels = new Map();
  /** name → {topic, members: Set, messages: [sorted by seq], seqs: Set}, for channels joined. */
  var rooms = new Map();
  var current = null;
  /** Changes that arrived while a snapshot was on its way (null: no snapshot in flight). */
  var replay = null;

  // ---- talking to the server: one action after the other -----------------------------------

  var chain = Promise.resolve();
  var ignore = function () {};

  /**
   * Send one action after those before it. With `snapshot`, the answer is data as it is now:
   * the changes that arrive while it is on its way are applied again on top of it.
   */
  function call(name, fields, snapshot) {
    var run = function () {
      var init = { method: fields === null ? 'GET' : 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } };
      if (fields !== null) {
        init.headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(fields);
      }
      if (snapshot) replay = [];
      return fetch('/rpc/' + name, init)
        .then(function (res) {
          return res.json().then(function (body) {
            if (!res.ok || (body && body.error)) throw new Error((body && body.error) || 'the server answered ' + res.status);
            return body;
          });
        })
        .then(
          function (body) {
            if (snapshot) {
              var again = replay;
              replay = null;
              snapshot(body);
              again.forEach(applyChange);
            }
            showError('');
            return body;
          },
          function (e) {
            if (snapshot) replay = null;
            showError(e.message);
            throw e;
          },
        );
    };
    var p = chain.then(run);
    chain = p.catch(function () {});
    return p.then(function (body) {
      render();
      return body;
    });
  }

  function showError(text) {
    $('chat-error').textContent = text;
  }

  // ---- the model ---------------------------------------------------------------------------

  function room(name) {
    var r = rooms.get(name);
    if (!r) {
      r = { topic: channels.get(name) || '', members: new Set(), messages: [], seqs: new Set() };
      rooms.set(name, r);
    }
    return r;
  }

  /** Insert by sequence number, once; keep the last HISTORY. */
  function addMessage(r, m) {
    if (!m || typeof m.seq !== 'number' || r.seqs.has(m.seq)) return;
    r.seqs.add(m.seq);
    var i = r.messages.length;
    while (i > 0 && r.messages[i - 1].seq > m.seq) i--;
    r.messages.splice(i, 0, m);
    while (r.messages.length > HISTORY) r.seqs.delete(r.messages.shift().seq);
  }

  function applyChange(change) {
    if (change.type === 'queue') {
      if (change.name.indexOf(QUEUE_PREFIX) !== 0) return;
      var r = rooms.get(change.name.slice(QUEUE_PREFIX.length));
      if (r) addMessage(r, change.message);
      return;
    }
    if (change.bucket === 'chat.channels') {
      if (change.deleted) channels.delete(change.key);
      else if (!channels.has(change.key)) channels.set(change.key, '');
    } else if (change.bucket === 'chat.topics') {
      var topic = change.deleted || !change.value ? '' : String(change.value.topic || '');
      channels.set(change.key, topic);
      if (rooms.has(change.key)) rooms.get(change.key).topic = topic;
    } else if (change.bucket === 'chat.members') {
      var slash = change.key.indexOf('/');
      var joined = rooms.get(change.key.slice(0, slash));
      var nick = change.key.slice(slash + 1);
      if (joined && change.deleted) joined.members.delete(nick);
      else if (joined) joined.members.add(nick);
    }
  }

  function onChange(change) {
    applyChange(change);
    if (replay) replay.push(change);
    render();
  }

  function applyRoom(info) {
    var r = room(info.channel);
    r.topic = info.topic || '';
    r.members = new Set(info.members || []);
    (info.history || []).forEach(function (m) {
      addMessage(r, m);
    });
    channels.set(info.channel, r.topic);
  }

  function applySession(body) {
    var s = body.session;
    me = s.nick;
    channels = new Map();
    s.channels.forEach(function (c) {
      channels.set(c.name, c.topic);
    });
    var still = new Set();
    s.joined.forEach(function (info) {
      still.add(info.channel);
      applyRoom(info);
    });
    Array.from(rooms.keys()).forEach(function (name) {
      if (!still.has(name)) rooms.delete(name);
    });
    if (current === null || !rooms.has(current)) current = rooms.size > 0 ? Array.from(rooms.keys()).sort()[0] : null;
  }

  // ---- the view (text only) ----------------------------------------------------------------

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var NOTICES = {
    join: ' joined',
    leave: ' left',
    quit: ' quit',
    topic: ' set the topic: ',
    nick: ' is now known as ',
  };

  function messageItem(m) {
    var li = el('li', m.kind === 'message' ? 'nrc-msg' : 'nrc-notice');
    li.setAttribute('data-seq', String(m.seq));
    li.appendChild(el('span', 'pb-time', new Date(m.time).toLocaleTimeString()));
    li.appendChild(el('span', 'nrc-nick', m.nick));
    if (m.kind === 'message') li.appendChild(el('span', 'nrc-text', m.text));
    else li.appendChild(el('span', 'nrc-text', (NOTICES[m.kind] || ' ') + (m.text || '')));
    return li;
  }

  function renderMessages(r) {
    var list = $('messages');
    var shown = list.children;
    // Usually one new message at the end: keep what is there when it is still in order.
    var same = shown.length <= r.messages.length;
    for (var i = 0; same && i < shown.length; i++) same = shown[i].getAttribute('data-seq') === String(r.messages[i].seq);
    if (!same) list.replaceChildren();
    var stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    for (var j = list.children.length; j < r.messages.length; j++) list.appendChild(messageItem(r.messages[j]));
    if (stick) list.scrollTop = list.scrollHeight;
  }

  function render() {
    $('my-nick').textContent = me || '(none yet)';
    root.classList.toggle('nrc-anonymous', !me);

    var list = $('channel-list');
    list.replaceChildren();
    Array.from(channels.keys())
      .sort()
      .forEach(function (name) {
        var li = el('li', rooms.has(name) ? 'nrc-joined' : '');
        var b = el('button', 'nrc-channel', '#' + name);
        b.type = 'button';
        b.setAttribute('data-channel', name);
        li.appendChild(b);
        if (channels.get(name)) li.appendChild(el('span', 'nrc-channel-topic', channels.get(name)));
        list.appendChild(li);
      });

    var tabs = $('room-tabs');
    tabs.replaceChildren();
    Array.from(rooms.keys())
      .sort()
      .forEach(function (name) {
        var b = el('button', 'nrc-tab', '#' + name);
        b.type = 'button';
        b.setAttribute('data-channel', name);
        if (name === current) b.setAttribute('aria-current', 'true');
        tabs.appendChild(b);
      });

    var r = current === null ? undefined : rooms.get(current);
    $('room').hidden = !r;
    $('no-room').hidden = !!r;
    if (!r) return;
    if ($('room').getAttribute('data-channel') !== current) {
      $('room').setAttribute('data-channel', current);
      $('messages').replaceChildren();
    }
    $('room-name').textContent = '#' + current;
    $('room-topic').textContent = r.topic;
    var members = $('members');
    members.replaceChildren();
    Array.from(r.members)
      .sort(function (a, b) {
        return a.localeCompare(b);
      })
      .forEach(function (nick) {
        members.appendChild(el('li', nick === me ? 'nrc-member nrc-self' : 'nrc-member', nick));
      });
    $('member-count').textContent = '(' + r.members.size + ')';
    renderMessages(r);
  }

  // ---- actions -----------------------------------------------------------------------------

  function join(name) {
    return call('join', { channel: name }, function (body) {
      applyRoom(body.room);
      current = body.room.channel;
    });
  }

  function onForm(id, handle) {
    $(id).addEventListener('submit', function (ev) {
      ev.preventDefault();
      handle(ev.target);
    });
  }

  onForm('nick-form', function (form) {
    var nick = form.elements.nick.value;
    call('nick', { nick: nick }).then(function (body) {
      me = body.nick;
      form.reset();
      render();
    }, ignore);
  });

  onForm('join-form', function (form) {
    var name = form.elements.channel.value;
    join(name).then(function () {
      form.reset();
    }, ignore);
  });

  onForm('say-form', function (form) {
    var input = form.elements.text;
    var text = input.value;
    var channel = current;
    // Cleared now: the next line can be typed while this one is on its way.
    input.value = '';
    if (channel !== null && text.trim() !== '') call('say', { channel: channel, text: text }).catch(ignore);
  });

  onForm('topic-form', function (form) {
    if (current === null) return;
    call('topic', { channel: current, topic: form.elements.topic.value }).then(function () {
      form.reset();
    }, ignore);
  });

  $('leave-button').addEventListener('click', function () {
    var name = current;
    if (name === null) return;
    call('leave', { channel: name }).then(function () {
      rooms.delete(name);
      current = rooms.size > 0 ? Array.from(rooms.keys()).sort()[0] : null;
      render();
    }, ignore);
  });

  $('quit-button').addEventListener('click', function () {
    call('quit', {}).then(function () {
      me = null;
      rooms.clear();
      current = null;
      render();
    }, ignore);
  });

  root.addEventListener('click', function (ev) {
    var b = ev.target && ev.target.closest ? ev.target.closest('button[data-channel]') : null;
    if (!b) return;
    var name = b.getAttribute('data-channel');
    if (rooms.has(name)) {
      current = name;
      render();
    } else if (me) join(name).catch(ignore);
  });

  // ---- live ----------------------------------------------------------------------------------

  document.addEventListener('pb:open', function () {
    call('session', null, applySession).catch(ignore);
  });
  document.addEventListener('pb:queue', function (ev) {
    var d = ev.detail;
    onChange({ type: 'queue', name: d.name, message: d.message });
  });
  document.addEventListener('pb:state', function (ev) {
    var d = ev.detail;
    onChange({ type: 'state', bucket: d.bucket, key: d.key, value: d.value, deleted: d.deleted });
  });

  render();
})();
