// The interviewer page (访谈员): sign in once while online, download the
// assigned links' questionnaires, then interview with or without network.
// Saved interviews wait in IndexedDB (store.js) with their client ids and
// upload when the network returns or on the button; an upload repeated
// after a lost answer is harmless (the server stores a client id once).
// The session is the HttpOnly cookie set at sign-in: the page never sees
// the token. When it has expired the queue stays and the page asks to sign
// in again before uploading.
'use strict';
(function () {
  var S = window.RenkeStore;
  var I = window.RenkeI18n;
  var T = I.t;
  var main = document.getElementById('main');
  var state = {
    bundle: null, // GET /api/interview/assignments, as downloaded
    username: null, // who signed in on this device last
    needLogin: false,
    message: null, // { kind: 'ok'|'warn', text }
    uploading: false,
    interview: null, // the interview in progress (also in kv 'draft')
  };

  // ---- small helpers -------------------------------------------------------
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k.indexOf('on') === 0) el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : v);
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return el;
  }
  function show(nodes) {
    main.textContent = '';
    nodes.forEach(function (n) { if (n) main.appendChild(n); });
    window.scrollTo(0, 0);
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var x = Array.prototype.map.call(b, function (v) { return (v + 256).toString(16).slice(1); }).join('');
    return x.slice(0, 8) + '-' + x.slice(8, 12) + '-' + x.slice(12, 16) + '-' + x.slice(16, 20) + '-' + x.slice(20);
  }
  function when(iso) {
    var d = new Date(iso);
    function p(n) { return (n < 10 ? '0' : '') + n; }
    if (I.lang() === 'en') return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' + p(d.getHours()) + ':' + p(d.getMinutes());
    return (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + p(d.getHours()) + ':' + p(d.getMinutes());
  }
  function online() { return navigator.onLine !== false; }
  function setNet() {
    var n = document.getElementById('net');
    n.setAttribute('data-online', online() ? '1' : '0');
    n.textContent = online() ? T('online') : T('offline');
    document.getElementById('who').textContent = state.username ? T('who', { name: state.username }) : '';
    document.getElementById('brand').textContent = T('brand');
    var sw = document.getElementById('lang');
    sw.textContent = T('switchTo');
    sw.title = T('switchTitle');
  }
  function say(kind, text) { state.message = { kind: kind, text: text }; }

  // fetch that tells "no network" (null) from an answer.
  function api(method, path, body) {
    var init = { method: method, credentials: 'same-origin', headers: {} };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch('/api' + path, init).then(function (resp) {
      return resp.text().then(function (t) {
        var json = null;
        try { json = t ? JSON.parse(t) : null; } catch (e) { json = null; }
        return { status: resp.status, body: json };
      });
    }, function () { return null; });
  }

  // ---- the data on the device ----------------------------------------------
  function roundOf(id) {
    return ((state.bundle && state.bundle.rounds) || []).filter(function (r) { return r.round_id === id; })[0];
  }
  function linkOf(round, id) {
    return round.links.filter(function (l) { return l.id === id; })[0];
  }
  function questionnaireOf(round, group) {
    return round.questionnaires.filter(function (q) { return q.group === group; })[0];
  }
  function linkLabel(l) { return (l.school_name ? l.school_name + ' · ' : T('county') + ' · ') + I.group(l.group, l.group_label); }

  // ---- sign in and download ------------------------------------------------
  function loginView(reason) {
    var user = h('input', { id: 'username', autocomplete: 'username', value: state.username || '' });
    var pass = h('input', { id: 'password', type: 'password', autocomplete: 'current-password' });
    var err = h('p', { class: 'warn', hidden: true });
    var btn = h('button', { class: 'primary wide', id: 'login', type: 'submit', text: T('loginButton') });
    var form = h('form', {
      onsubmit: function (e) {
        e.preventDefault();
        if (!online()) { err.hidden = false; err.textContent = T('noNetLogin'); return; }
        btn.disabled = true;
        api('POST', '/auth/login', { username: user.value.trim(), password: pass.value }).then(function (r) {
          btn.disabled = false;
          if (!r) { err.hidden = false; err.textContent = T('netDown'); return; }
          if (r.status !== 200) {
            err.hidden = false;
            err.textContent = (r.body && r.body.message) || T('loginFailed');
            return;
          }
          state.username = r.body.account.username;
          state.needLogin = false;
          S.set('username', state.username).then(download);
        });
      },
    }, [
      h('label', { for: 'username', text: T('username') }), user,
      h('label', { for: 'password', text: T('password') }), pass,
      err, btn,
    ]);
    var waiting = h('p', { class: 'hint', id: 'login-queue' });
    S.all().then(function (items) {
      var n = items.filter(function (i) { return i.state === 'waiting'; }).length;
      if (n) waiting.textContent = T('queuedAtLogin', { n: n });
    });
    show([
      h('section', {}, [
        h('h1', { text: T('loginTitle') }),
        reason ? h('p', { class: 'warn', id: 'login-reason', text: reason }) : null,
        h('p', { class: 'hint', text: T('loginHint') }),
        waiting, form,
      ]),
    ]);
  }

  function download() {
    say('ok', T('downloading'));
    refresh();
    return api('GET', '/interview/assignments').then(function (r) {
      if (!r) { say('warn', T('downloadNoNet')); return refresh(); }
      if (r.status === 401) { state.needLogin = true; return refresh(); }
      if (r.status !== 200) { say('warn', (r.body && r.body.message) || T('downloadFailed')); return refresh(); }
      r.body.downloaded_at = new Date().toISOString();
      state.bundle = r.body;
      state.username = r.body.username;
      return S.set('bundle', r.body).then(function () { return S.set('username', r.body.username); }).then(function () {
        var n = r.body.rounds.reduce(function (a, x) { return a + x.links.length; }, 0);
        say('ok', n ? T('downloaded', { n: n }) : T('noAssignments'));
        refresh();
        return upload();
      });
    });
  }

  // ---- upload ----------------------------------------------------------------
  function upload() {
    if (state.uploading) return Promise.resolve();
    return S.all().then(function (items) {
      var mine = items.filter(function (i) { return i.state === 'waiting' && i.username === state.username; });
      if (!mine.length) return;
      if (!online()) { say('warn', T('offlineWaiting', { n: mine.length })); return refresh(); }
      state.uploading = true;
      refresh();
      var rounds = {};
      mine.forEach(function (i) { (rounds[i.round_id] = rounds[i.round_id] || []).push(i); });
      var ids = Object.keys(rounds);
      var done = 0, refused = 0;
      function next() {
        if (!ids.length) return Promise.resolve(true);
        var roundId = ids.shift();
        var batch = rounds[roundId].slice(0, 50);
        if (rounds[roundId].length > 50) { rounds[roundId] = rounds[roundId].slice(50); ids.unshift(roundId); }
        var body = {
          interviews: batch.map(function (i) {
            return { client_id: i.client_id, link_id: i.link_id, answers: i.answers, duration_ms: i.duration_ms, recorded_at: i.recorded_at };
          }),
        };
        return api('POST', '/rounds/' + roundId + '/interviews', body).then(function (r) {
          if (!r) { say('warn', T('uploadCut')); return false; }
          if (r.status === 401) { state.needLogin = true; return false; }
          if (r.status !== 200) {
            say('warn', T('uploadRefused', { why: (r.body && r.body.message) || r.status }));
            return next();
          }
          var byId = {};
          batch.forEach(function (i) { byId[i.client_id] = i; });
          var writes = r.body.results.map(function (res) {
            var item = byId[res.client_id];
            if (!item) return null;
            if (res.status === 'refused') {
              refused++;
              item.state = 'refused';
              item.message = res.message;
            } else {
              done++;
              item.state = 'uploaded';
              item.counted = res.counted;
              item.message = res.message;
              item.uploaded_at = new Date().toISOString();
            }
            return S.put(item);
          });
          return Promise.all(writes).then(next);
        });
      }
      return next().then(function (finished) {
        state.uploading = false;
        if (finished) {
          say(refused ? 'warn' : 'ok', refused ? T('uploadedSome', { n: done, m: refused }) : T('uploadedN', { n: done }));
        }
        refresh();
      });
    });
  }

  // ---- home --------------------------------------------------------------------
  function homeView() {
    var bundle = state.bundle;
    var nodes = [];
    if (state.needLogin) {
      nodes.push(h('section', {}, [
        h('p', { class: 'warn', id: 'relogin', text: T('expired') }),
        h('button', { class: 'primary wide', id: 'relogin-button', text: T('relogin'), onclick: function () { loginView(T('expiredShort')); } }),
      ]));
    }
    if (state.message) nodes.push(h('p', { class: state.message.kind, id: 'message', text: state.message.text }));

    var pick = h('section', {}, [h('h1', { text: T('startTitle') })]);
    var rounds = (bundle && bundle.rounds) || [];
    if (!rounds.length) {
      pick.appendChild(h('p', { class: 'hint', text: T('noTasks') }));
    } else {
      var select = h('select', { id: 'link' }, []);
      rounds.forEach(function (r) {
        var g = h('optgroup', { label: r.round_name }, []);
        r.links.forEach(function (l) {
          g.appendChild(h('option', { value: r.round_id + ':' + l.id, text: linkLabel(l) }));
        });
        select.appendChild(g);
      });
      pick.appendChild(h('label', { for: 'link', text: T('pickLink') }));
      pick.appendChild(select);
      pick.appendChild(h('button', {
        class: 'primary wide', id: 'start', text: T('start'),
        onclick: function () {
          var v = select.value.split(':');
          start(Number(v[0]), Number(v[1]));
        },
      }));
      pick.appendChild(h('p', { class: 'hint', text: T('downloadedAt', { at: when(bundle.downloaded_at) }) }));
    }
    nodes.push(pick);

    var queue = h('section', { id: 'queue' }, [h('h2', { id: 'records-title', text: T('records') })]);
    nodes.push(queue);
    nodes.push(h('section', {}, [
      h('div', { class: 'row' }, [
        h('button', { class: 'primary', id: 'upload', disabled: state.uploading, text: state.uploading ? T('uploadingNow') : T('uploadNow'), onclick: function () { state.message = null; upload(); } }),
        h('button', { id: 'refresh', text: T('update'), onclick: function () { if (!online()) { say('warn', T('updateOffline')); render(); } else download(); } }),
      ]),
      h('button', { class: 'wide', id: 'logout', text: T('logout'), onclick: logout }),
    ]));
    show(nodes);
    S.all().then(function (items) {
      items.sort(function (a, b) { return a.recorded_at < b.recorded_at ? 1 : -1; });
      var count = function (s) { return items.filter(function (i) { return i.state === s; }).length; };
      queue.appendChild(h('div', { class: 'counts' }, [
        h('div', {}, [h('b', { id: 'waiting-count', text: String(count('waiting')) }), T('waiting')]),
        h('div', {}, [h('b', { id: 'uploaded-count', text: String(count('uploaded')) }), T('uploaded')]),
        h('div', {}, [h('b', { id: 'refused-count', text: String(count('refused')) }), T('refused')]),
      ]));
      var labels = { waiting: T('waiting'), uploaded: T('uploaded'), refused: T('refused') };
      queue.appendChild(h('ul', { class: 'list' }, items.slice(0, 200).map(function (i) {
        var other = i.state === 'waiting' && i.username !== state.username;
        return h('li', { 'data-state': i.state }, [
          h('span', { class: 'state', text: other ? T('otherUser', { name: i.username }) : labels[i.state] }),
          when(i.recorded_at) + ' ' + i.label,
          i.state === 'refused' ? h('div', { class: 'hint', text: i.message || '' }) : null,
        ]);
      })));
    });
  }

  function logout() {
    S.all().then(function (items) {
      var n = items.filter(function (i) { return i.state === 'waiting'; }).length;
      if (n && !window.confirm(T('logoutConfirm', { n: n }))) return;
      api('POST', '/auth/logout').then(function () {
        state.needLogin = true;
        loginView(null);
      });
    });
  }

  // ---- an interview --------------------------------------------------------------
  function start(roundId, linkId) {
    var round = roundOf(roundId);
    var link = round && linkOf(round, linkId);
    if (!link) return;
    state.interview = {
      client_id: uuid(), round_id: roundId, link_id: linkId, label: linkLabel(link),
      group: link.group, answers: {}, at: -1, started: Date.now(),
    };
    saveDraft().then(itemView);
  }
  function saveDraft() { return S.set('draft', state.interview); }
  // The questionnaire in the page's language when the round offers it (the
  // same ids and codes), else as written in Chinese.
  function inLanguage(q) {
    if (!q || I.lang() === 'zh') return q;
    var t = (q.translations || []).filter(function (x) { return x.language === I.lang(); })[0];
    return t ? { group: q.group, title: t.title, intro: t.intro, items: t.items, language: t.language } : q;
  }
  function questionnaire() {
    var iv = state.interview;
    var round = roundOf(iv.round_id);
    return inLanguage(round && questionnaireOf(round, iv.group));
  }

  function itemView() {
    var iv = state.interview;
    var q = questionnaire();
    if (!q) { state.interview = null; S.del('draft'); return render(); }
    var back = h('button', { id: 'back', text: T('previous'), onclick: function () { iv.at = Math.max(-1, iv.at - 1); saveDraft().then(itemView); } });
    var quit = h('button', {
      id: 'quit', text: T('quit'),
      onclick: function () {
        if (!window.confirm(T('quitConfirm'))) return;
        state.interview = null;
        S.del('draft').then(render);
      },
    });
    if (iv.at < 0) {
      return show([h('section', {}, [
        h('p', { class: 'progress', text: iv.label }),
        h('h1', { text: q.title }),
        h('p', { class: 'intro', text: q.intro }),
        I.lang() !== 'zh' && !q.language ? h('p', { class: 'hint', id: 'questionnaire-zh', text: T('questionnaireZh') }) : null,
        h('p', { class: 'hint', text: T('readIntro') }),
        h('button', { class: 'primary wide', id: 'begin', text: T('first'), onclick: function () { iv.at = 0; saveDraft().then(itemView); } }),
        h('div', { class: 'row' }, [quit]),
      ])]);
    }
    if (iv.at >= q.items.length) return finishView();
    var item = q.items[iv.at];
    var chosen = iv.answers[item.id];
    function answer(value) {
      if (value === undefined) delete iv.answers[item.id];
      else iv.answers[item.id] = value;
      iv.at += 1;
      saveDraft().then(itemView);
    }
    var body;
    if (item.kind === 'text') {
      var ta = h('textarea', { id: 'text-answer', maxlength: '2000' }, []);
      ta.value = (chosen && chosen.text) || '';
      body = h('div', {}, [
        ta,
        h('button', { class: 'primary wide', id: 'next', text: T('next'), onclick: function () {
          var t = ta.value.trim();
          answer(t ? { text: t } : undefined);
        } }),
      ]);
    } else {
      body = h('div', { class: 'options' }, item.options.map(function (o) {
        return h('button', {
          class: chosen && chosen.option === o.code ? 'chosen' : null,
          'data-code': String(o.code),
          text: o.label,
          onclick: function () { answer({ option: o.code }); },
        });
      }));
      if (!item.required) {
        body.appendChild(h('button', { id: 'skip', text: T('skip'), onclick: function () { answer(undefined); } }));
      }
    }
    show([h('section', {}, [
      h('p', { class: 'progress', id: 'progress', text: T('progress', { label: iv.label, at: iv.at + 1, n: q.items.length }) }),
      h('p', { class: 'item-text', id: 'item-text', text: item.text }),
      body,
      h('div', { class: 'row', style: 'margin-top:18px' }, [back, quit]),
    ])]);
  }

  function finishView() {
    var iv = state.interview;
    var q = questionnaire();
    var missing = q.items.filter(function (i) { return i.required && i.kind !== 'text' && !iv.answers[i.id]; });
    var answered = Object.keys(iv.answers).length;
    show([h('section', {}, [
      h('h1', { text: T('finished') }),
      h('p', { text: T('answered', { n: q.items.length, m: answered }) }),
      missing.length ? h('p', { class: 'warn', text: T('missing', { list: missing.map(function (m) { return q.items.indexOf(m) + 1; }).join(T('listSep')) }) }) : null,
      h('button', { class: 'primary wide', id: 'save', disabled: missing.length > 0, text: T('save'), onclick: save }),
      h('div', { class: 'row', style: 'margin-top:10px' }, [
        h('button', { id: 'back', text: T('edit'), onclick: function () { iv.at = q.items.length - 1; saveDraft().then(itemView); } }),
      ]),
    ])]);
  }

  function save() {
    var iv = state.interview;
    var answers = Object.keys(iv.answers).map(function (id) {
      var a = iv.answers[id];
      return a.text !== undefined ? { item: id, text: a.text } : { item: id, option: a.option };
    });
    var item = {
      client_id: iv.client_id, round_id: iv.round_id, link_id: iv.link_id, label: iv.label,
      answers: answers, duration_ms: Date.now() - iv.started, recorded_at: new Date().toISOString(),
      username: state.username, state: 'waiting',
    };
    // Stored (committed) before the page says so and before the draft goes.
    S.put(item).then(function () { return S.del('draft'); }).then(function () {
      state.interview = null;
      say('ok', online() ? T('savedUploading') : T('savedLater'));
      render();
      upload();
    }, function () {
      window.alert(T('saveFailed'));
    });
  }

  // ---- start -----------------------------------------------------------------------
  // Background work (uploads, downloads) never redraws an interview under way.
  function refresh() {
    if (state.interview) return setNet();
    render();
  }
  function render() {
    setNet();
    if (state.interview) return itemView();
    if (!state.bundle && !state.username) return loginView(null);
    if (!state.bundle && state.needLogin) return loginView(null);
    homeView();
  }

  document.getElementById('lang').addEventListener('click', function () {
    I.set(I.lang() === 'zh' ? 'en' : 'zh');
    if (state.message) state.message = null;
    if (state.interview) itemView(); else if (document.getElementById('login')) loginView(null); else render();
    setNet();
  });
  window.addEventListener('online', function () { setNet(); upload(); });
  window.addEventListener('offline', function () { setNet(); if (!state.interview) render(); });
  // Ask the browser not to evict the saved interviews under storage pressure.
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js', { scope: './' }).catch(function () {});
  }
  Promise.all([S.get('bundle'), S.get('username'), S.get('draft')]).then(function (v) {
    state.bundle = v[0] || null;
    state.username = v[1] || null;
    state.interview = v[2] || null;
    render();
    // Signed in still? Refresh the download (and upload) when online.
    if (online() && !state.interview) {
      api('GET', '/interview/assignments').then(function (r) {
        if (!r) return;
        if (r.status === 401) {
          state.needLogin = true;
          if (!state.interview) render();
          return;
        }
        if (r.status === 200) {
          r.body.downloaded_at = new Date().toISOString();
          state.bundle = r.body;
          state.username = r.body.username;
          S.set('bundle', r.body).then(function () { return S.set('username', r.body.username); });
          if (!state.interview) render();
          upload();
        }
      });
    }
  });
  // Try again now and then while something waits (a network that came back
  // without an `online` event).
  setInterval(function () { if (online() && !state.uploading && !state.needLogin) upload(); }, 60000);
})();
