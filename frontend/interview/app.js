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
    return (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + p(d.getHours()) + ':' + p(d.getMinutes());
  }
  function online() { return navigator.onLine !== false; }
  function setNet() {
    var n = document.getElementById('net');
    n.setAttribute('data-online', online() ? '1' : '0');
    n.textContent = online() ? '在线' : '离线';
    document.getElementById('who').textContent = state.username ? '访谈员 ' + state.username : '';
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
  function linkLabel(l) { return (l.school_name ? l.school_name + ' · ' : '县级 · ') + l.group_label; }

  // ---- sign in and download ------------------------------------------------
  function loginView(reason) {
    var user = h('input', { id: 'username', autocomplete: 'username', value: state.username || '' });
    var pass = h('input', { id: 'password', type: 'password', autocomplete: 'current-password' });
    var err = h('p', { class: 'warn', hidden: true });
    var btn = h('button', { class: 'primary wide', id: 'login', type: 'submit', text: '登录并下载问卷' });
    var form = h('form', {
      onsubmit: function (e) {
        e.preventDefault();
        if (!online()) { err.hidden = false; err.textContent = '当前没有网络，请连上网络后再登录。'; return; }
        btn.disabled = true;
        api('POST', '/auth/login', { username: user.value.trim(), password: pass.value }).then(function (r) {
          btn.disabled = false;
          if (!r) { err.hidden = false; err.textContent = '网络不可用，请稍后再试。'; return; }
          if (r.status !== 200) {
            err.hidden = false;
            err.textContent = (r.body && r.body.message) || '登录失败';
            return;
          }
          state.username = r.body.account.username;
          state.needLogin = false;
          S.set('username', state.username).then(download);
        });
      },
    }, [
      h('label', { for: 'username', text: '用户名' }), user,
      h('label', { for: 'password', text: '密码' }), pass,
      err, btn,
    ]);
    var waiting = h('p', { class: 'hint', id: 'login-queue' });
    S.all().then(function (items) {
      var n = items.filter(function (i) { return i.state === 'waiting'; }).length;
      if (n) waiting.textContent = '本机有 ' + n + ' 份访谈等待上传，登录后自动上传，不会丢失。';
    });
    show([
      h('section', {}, [
        h('h1', { text: '访谈员登录' }),
        reason ? h('p', { class: 'warn', id: 'login-reason', text: reason }) : null,
        h('p', { class: 'hint', text: '请在有网络时登录一次并下载问卷；之后没有网络也可以访谈，保存的访谈在有网络时自动上传。' }),
        waiting, form,
      ]),
    ]);
  }

  function download() {
    say('ok', '正在下载问卷…');
    refresh();
    return api('GET', '/interview/assignments').then(function (r) {
      if (!r) { say('warn', '网络不可用，未能下载问卷。'); return refresh(); }
      if (r.status === 401) { state.needLogin = true; return refresh(); }
      if (r.status !== 200) { say('warn', (r.body && r.body.message) || '下载失败'); return refresh(); }
      r.body.downloaded_at = new Date().toISOString();
      state.bundle = r.body;
      state.username = r.body.username;
      return S.set('bundle', r.body).then(function () { return S.set('username', r.body.username); }).then(function () {
        var n = r.body.rounds.reduce(function (a, x) { return a + x.links.length; }, 0);
        say('ok', n ? '问卷已下载到本机（' + n + ' 个访谈对象），没有网络也可以访谈。' : '本账号暂无访谈任务，请联系组织管理员分配。');
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
      if (!online()) { say('warn', '当前离线：' + mine.length + ' 份访谈已保存在本机，有网络时自动上传。'); return refresh(); }
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
          if (!r) { say('warn', '网络中断：未上传的访谈仍保存在本机，稍后自动重试。'); return false; }
          if (r.status === 401) { state.needLogin = true; return false; }
          if (r.status !== 200) {
            say('warn', '上传被拒绝：' + ((r.body && r.body.message) || r.status) + '（访谈仍保存在本机）');
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
          say(refused ? 'warn' : 'ok', '已上传 ' + done + ' 份' + (refused ? '，' + refused + ' 份未被接受（原因见列表）' : '') + '。');
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
        h('p', { class: 'warn', id: 'relogin', text: '登录已过期，请重新登录后上传。已保存的访谈在本机，不会丢失。' }),
        h('button', { class: 'primary wide', id: 'relogin-button', text: '重新登录', onclick: function () { loginView('登录已过期，请重新登录。'); } }),
      ]));
    }
    if (state.message) nodes.push(h('p', { class: state.message.kind, id: 'message', text: state.message.text }));

    var pick = h('section', {}, [h('h1', { text: '开始访谈' })]);
    var rounds = (bundle && bundle.rounds) || [];
    if (!rounds.length) {
      pick.appendChild(h('p', { class: 'hint', text: '本机还没有访谈任务。请在有网络时点“更新问卷”。' }));
    } else {
      var select = h('select', { id: 'link' }, []);
      rounds.forEach(function (r) {
        var g = h('optgroup', { label: r.round_name }, []);
        r.links.forEach(function (l) {
          g.appendChild(h('option', { value: r.round_id + ':' + l.id, text: linkLabel(l) }));
        });
        select.appendChild(g);
      });
      pick.appendChild(h('label', { for: 'link', text: '学校和访谈对象' }));
      pick.appendChild(select);
      pick.appendChild(h('button', {
        class: 'primary wide', id: 'start', text: '开始访谈',
        onclick: function () {
          var v = select.value.split(':');
          start(Number(v[0]), Number(v[1]));
        },
      }));
      pick.appendChild(h('p', { class: 'hint', text: '问卷下载于 ' + when(bundle.downloaded_at) + '。请逐题读给受访者听，按受访者的回答点选。不记录受访者姓名。' }));
    }
    nodes.push(pick);

    var queue = h('section', { id: 'queue' }, [h('h2', { text: '访谈记录' })]);
    nodes.push(queue);
    nodes.push(h('section', {}, [
      h('div', { class: 'row' }, [
        h('button', { class: 'primary', id: 'upload', disabled: state.uploading, text: state.uploading ? '正在上传…' : '立即上传', onclick: function () { state.message = null; upload(); } }),
        h('button', { id: 'refresh', text: '更新问卷', onclick: function () { if (!online()) { say('warn', '当前离线，无法更新问卷。'); render(); } else download(); } }),
      ]),
      h('button', { class: 'wide', id: 'logout', text: '退出登录', onclick: logout }),
    ]));
    show(nodes);
    S.all().then(function (items) {
      items.sort(function (a, b) { return a.recorded_at < b.recorded_at ? 1 : -1; });
      var count = function (s) { return items.filter(function (i) { return i.state === s; }).length; };
      queue.appendChild(h('div', { class: 'counts' }, [
        h('div', {}, [h('b', { id: 'waiting-count', text: String(count('waiting')) }), '等待上传']),
        h('div', {}, [h('b', { id: 'uploaded-count', text: String(count('uploaded')) }), '已上传']),
        h('div', {}, [h('b', { id: 'refused-count', text: String(count('refused')) }), '未被接受']),
      ]));
      var labels = { waiting: '等待上传', uploaded: '已上传', refused: '未被接受' };
      queue.appendChild(h('ul', { class: 'list' }, items.slice(0, 200).map(function (i) {
        var other = i.state === 'waiting' && i.username !== state.username;
        return h('li', { 'data-state': i.state }, [
          h('span', { class: 'state', text: other ? '需由 ' + i.username + ' 登录后上传' : labels[i.state] }),
          when(i.recorded_at) + ' ' + i.label,
          i.state === 'refused' ? h('div', { class: 'hint', text: i.message || '' }) : null,
        ]);
      })));
    });
  }

  function logout() {
    S.all().then(function (items) {
      var n = items.filter(function (i) { return i.state === 'waiting'; }).length;
      if (n && !window.confirm('还有 ' + n + ' 份访谈未上传。退出后它们仍保存在本机，再次登录后上传。确定退出吗？')) return;
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
  function questionnaire() {
    var iv = state.interview;
    var round = roundOf(iv.round_id);
    return round && questionnaireOf(round, iv.group);
  }

  function itemView() {
    var iv = state.interview;
    var q = questionnaire();
    if (!q) { state.interview = null; S.del('draft'); return render(); }
    var back = h('button', { id: 'back', text: '上一题', onclick: function () { iv.at = Math.max(-1, iv.at - 1); saveDraft().then(itemView); } });
    var quit = h('button', {
      id: 'quit', text: '放弃本次访谈',
      onclick: function () {
        if (!window.confirm('放弃后本次访谈的回答不会保存。确定放弃吗？')) return;
        state.interview = null;
        S.del('draft').then(render);
      },
    });
    if (iv.at < 0) {
      return show([h('section', {}, [
        h('p', { class: 'progress', text: iv.label }),
        h('h1', { text: q.title }),
        h('p', { class: 'intro', text: q.intro }),
        h('p', { class: 'hint', text: '请先向受访者读出以上说明，并告知访谈匿名、不记录姓名。' }),
        h('button', { class: 'primary wide', id: 'begin', text: '开始第一题', onclick: function () { iv.at = 0; saveDraft().then(itemView); } }),
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
        h('button', { class: 'primary wide', id: 'next', text: '下一题', onclick: function () {
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
        body.appendChild(h('button', { id: 'skip', text: '跳过（受访者不回答）', onclick: function () { answer(undefined); } }));
      }
    }
    show([h('section', {}, [
      h('p', { class: 'progress', id: 'progress', text: iv.label + ' · 第 ' + (iv.at + 1) + ' / ' + q.items.length + ' 题' }),
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
      h('h1', { text: '访谈结束' }),
      h('p', { text: '共 ' + q.items.length + ' 题，已回答 ' + answered + ' 题。' }),
      missing.length ? h('p', { class: 'warn', text: '还有必答题未回答：第 ' + missing.map(function (m) { return q.items.indexOf(m) + 1; }).join('、') + ' 题。' }) : null,
      h('button', { class: 'primary wide', id: 'save', disabled: missing.length > 0, text: '保存访谈', onclick: save }),
      h('div', { class: 'row', style: 'margin-top:10px' }, [
        h('button', { id: 'back', text: '返回修改', onclick: function () { iv.at = q.items.length - 1; saveDraft().then(itemView); } }),
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
      say('ok', '访谈已保存在本机' + (online() ? '，正在上传…' : '，有网络时自动上传。'));
      render();
      upload();
    }, function () {
      window.alert('保存失败：手机存储空间可能已满。请不要关闭本页，清理空间后再点“保存访谈”。');
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
