// The questionnaire page: keeps a draft on the phone, shows progress,
// checks answers, and submits with one client id per attempt, retrying
// safely after a network failure, and by itself (with a countdown) when the
// server is busy and says when to come back (Retry-After). ES5 only: old
// Android WebViews and WeChat's browser must run it. Without it the form
// still posts.
(function () {
  var form = document.getElementById('f');
  if (!form || !window.JSON) return;
  var token = form.getAttribute('data-token');
  // Fixed texts in the page's language (none: the Chinese written below).
  var texts = {};
  try { texts = JSON.parse(form.getAttribute('data-texts') || '{}') || {}; } catch (e) { texts = {}; }
  function tr(k, zh, vars) {
    var s = texts[k] || zh;
    for (var v in vars) if (vars.hasOwnProperty(v)) s = s.split('{' + v + '}').join(String(vars[v]));
    return s;
  }
  var key = 'renke:draft:' + token;
  var store = null;
  try { store = window.localStorage; store.setItem('renke:t', '1'); store.removeItem('renke:t'); } catch (e) { store = null; }
  // A room session's PC (机房答题): pupils take turns, so nothing of one
  // pupil may stay for the next: no draft is kept, and any left is removed.
  var kiosk = form.getAttribute('data-kiosk') === '1';
  if (kiosk) {
    if (store) try { store.removeItem(key); } catch (e) { /* ignore */ }
    store = null;
  }
  var groups = form.querySelectorAll('fieldset.q');
  var msg = document.getElementById('msg');
  var button = form.querySelector('button[type=submit]');
  var draft = load() || {};
  if (!draft.client_id) draft.client_id = form.elements.client_id.value;
  if (!draft.started) draft.started = new Date().getTime();
  if (!draft.answers) draft.answers = {};
  form.noValidate = true;

  function load() {
    if (!store) return null;
    try { return JSON.parse(store.getItem(key)); } catch (e) { return null; }
  }
  function save() {
    if (!store) return;
    try { store.setItem(key, JSON.stringify(draft)); } catch (e) { /* full or private mode */ }
  }
  function itemOf(el) { return el.getAttribute('data-item'); }
  function field(id) { return form.elements[id]; }
  function valueOf(g) {
    var id = itemOf(g);
    if (g.getAttribute('data-kind') === 'text') {
      var t = field(id);
      return t && t.value.replace(/^\s+|\s+$/g, '') ? t.value : '';
    }
    var inputs = g.querySelectorAll('input[type=radio]');
    for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) return inputs[i].value;
    return '';
  }
  function mark(g) {
    var inputs = g.querySelectorAll('input[type=radio]');
    for (var i = 0; i < inputs.length; i++) {
      inputs[i].parentNode.className = inputs[i].checked ? 'opt on' : 'opt';
    }
  }
  function progress() {
    var done = 0, total = 0;
    for (var i = 0; i < groups.length; i++) {
      if (groups[i].getAttribute('data-required') !== '1') continue;
      total++;
      if (valueOf(groups[i])) done++;
    }
    document.getElementById('count').innerHTML = tr('form.answered', '已答 {done}/{total}', { done: done, total: total });
    document.getElementById('bar').style.width = (total ? Math.round(done * 100 / total) : 0) + '%';
  }
  function restore() {
    for (var i = 0; i < groups.length; i++) {
      var g = groups[i], id = itemOf(g), v = draft.answers[id];
      if (v === undefined || v === '') continue;
      if (g.getAttribute('data-kind') === 'text') { if (!field(id).value) field(id).value = v; continue; }
      var inputs = g.querySelectorAll('input[type=radio]');
      for (var j = 0; j < inputs.length; j++) if (inputs[j].value === String(v)) inputs[j].checked = true;
      mark(g);
    }
  }
  function onChange(e) {
    var t = e.target, g = t;
    while (g && g !== form && !(g.tagName === 'FIELDSET')) g = g.parentNode;
    if (!g || g === form) return;
    draft.answers[itemOf(g)] = valueOf(g);
    if (t.type === 'radio') { mark(g); g.className = 'q'; }
    save();
    progress();
  }
  form.addEventListener('change', onChange);
  form.addEventListener('input', onChange);

  function say(text) { msg.innerHTML = ''; msg.appendChild(document.createTextNode(text)); }
  function flag(id, text) {
    for (var i = 0; i < groups.length; i++) {
      if (itemOf(groups[i]) !== id) continue;
      groups[i].className = 'q missing';
      if (groups[i].scrollIntoView) groups[i].scrollIntoView({ block: 'center' });
      say(text);
      return;
    }
    say(text);
  }
  function answers() {
    var list = [];
    for (var i = 0; i < groups.length; i++) {
      var g = groups[i], v = valueOf(g);
      if (!v) {
        if (g.getAttribute('data-required') === '1') return { missing: g };
        continue;
      }
      if (g.getAttribute('data-kind') === 'text') list.push({ item: itemOf(g), text: v });
      else list.push({ item: itemOf(g), option: parseInt(v, 10) });
    }
    return { list: list };
  }
  function thanks(res) {
    if (store) try { store.removeItem(key); } catch (e) { /* ignore */ }
    if (kiosk) {
      // Nothing of this pupil stays on the page: the form is emptied, and
      // the next pupil gets a fresh page (new attempt, new stamp).
      form.reset();
      draft = { answers: {} };
      for (var i = 0; i < groups.length; i++) mark(groups[i]);
      say('');
      setTimeout(function () { window.location.replace('/r/' + form.getAttribute('data-room')); }, 20000);
    }
    var title = tr('thanks.title', '提交成功');
    // A stored answer that does not count says so, with the reason.
    if (res && res.counted === false) {
      title = tr('thanks.not_counted', '本次提交已保存，但不计入统计');
      document.getElementById('thanks-title').innerHTML = title;
      document.getElementById('thanks-text').textContent = res.message;
    }
    document.getElementById('form-page').className = 'hide';
    document.getElementById('thanks').className = '';
    document.title = title;
    window.scrollTo(0, 0);
  }
  function failed(text) {
    button.disabled = false;
    button.innerHTML = tr('form.resend', '重新提交');
    say(text);
  }
  var sending = false;
  var retries = 0;
  // Seconds the server asked us to wait (Retry-After), within reason.
  function waitOf(xhr) {
    var s = parseInt(xhr.getResponseHeader('Retry-After'), 10);
    if (!(s >= 1)) s = 10;
    return Math.min(s, 300);
  }
  // Busy (429/503): count down on the page, then send the same attempt
  // again (same client id: the server stores it once).
  function later(secs, body) {
    retries += 1;
    button.disabled = true;
    var left = secs;
    function tick() {
      if (left <= 0) {
        button.innerHTML = tr('form.sending', '正在提交…');
        return send(body);
      }
      button.innerHTML = tr('form.auto_resend', '{n}秒后自动提交', { n: left });
      say(tr('form.busy_wait', '现在提交的人较多，系统将在{n}秒后自动重新提交，请不要关闭本页面。您的答案已保存在本机。', { n: left }));
      left -= 1;
      setTimeout(tick, 1000);
    }
    tick();
  }
  function send(body) {
    sending = true;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/public/links/' + encodeURIComponent(token) + '/responses', true);
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.timeout = 30000;
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) return;
      sending = false;
      var res = null;
      try { res = JSON.parse(xhr.responseText); } catch (err) { res = null; }
      if (xhr.status === 200 || xhr.status === 201) return thanks(res);
      if ((xhr.status === 429 || xhr.status === 503) && retries < 20) {
        sending = true;
        return later(waitOf(xhr), body);
      }
      if (xhr.status === 0 || xhr.status >= 500 || xhr.status === 429 || !res) {
        return failed(tr('form.network_failed', '网络不稳定，提交没有成功。您的答案已保存在本机，请稍后点击“重新提交”。'));
      }
      if (res.code === 'duplicate_device' || res.code === 'access_code_used') {
        if (store) try { store.removeItem(key); } catch (err) { /* ignore */ }
      }
      if (res.field) {
        button.disabled = false;
        button.innerHTML = tr('form.submit', '提交问卷');
        return flag(res.field, res.message);
      }
      failed(res.message || tr('form.failed', '提交失败，请稍后重试'));
    };
    xhr.send(body);
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (sending) return;
    var a = answers();
    if (a.missing) {
      flag(itemOf(a.missing), tr('form.missing', '第{n}题还没有作答', { n: a.missing.getAttribute('data-n') }));
      return;
    }
    say('');
    retries = 0;
    button.disabled = true;
    button.innerHTML = tr('form.sending', '正在提交…');
    send(JSON.stringify({
      client_id: draft.client_id,
      duration_ms: Math.max(0, new Date().getTime() - draft.started),
      shared_device: !!form.elements.shared_device,
      room_ticket: form.elements.room_ticket ? form.elements.room_ticket.value : undefined,
      language: form.elements.language ? form.elements.language.value : undefined,
      answers: a.list
    }));
  });

  restore();
  save();
  progress();
})();
