// The interviewer page's fixed texts in Chinese (the default) and English.
// The choice is remembered on the device (localStorage); the questionnaire
// follows it when the round offers an English translation, else it stays
// in Chinese (see app.js `questionnaire`).
'use strict';
(function () {
  var KEY = 'renke.interview.lang';
  var TEXTS = {
    zh: {
      brand: '现场访谈', online: '在线', offline: '离线', opening: '正在打开…', who: '访谈员 {name}',
      switchTo: 'English', switchTitle: 'Switch to English',
      noNetLogin: '当前没有网络，请连上网络后再登录。', netDown: '网络不可用，请稍后再试。', loginFailed: '登录失败',
      username: '用户名', password: '密码', loginButton: '登录并下载问卷',
      queuedAtLogin: '本机有 {n} 份访谈等待上传，登录后自动上传，不会丢失。',
      loginTitle: '访谈员登录',
      loginHint: '请在有网络时登录一次并下载问卷；之后没有网络也可以访谈，保存的访谈在有网络时自动上传。',
      downloading: '正在下载问卷…', downloadNoNet: '网络不可用，未能下载问卷。', downloadFailed: '下载失败',
      downloaded: '问卷已下载到本机（{n} 个访谈对象），没有网络也可以访谈。',
      noAssignments: '本账号暂无访谈任务，请联系组织管理员分配。',
      offlineWaiting: '当前离线：{n} 份访谈已保存在本机，有网络时自动上传。',
      uploadCut: '网络中断：未上传的访谈仍保存在本机，稍后自动重试。',
      uploadRefused: '上传被拒绝：{why}（访谈仍保存在本机）',
      uploadedN: '已上传 {n} 份。', uploadedSome: '已上传 {n} 份，{m} 份未被接受（原因见列表）。',
      expired: '登录已过期，请重新登录后上传。已保存的访谈在本机，不会丢失。', relogin: '重新登录',
      expiredShort: '登录已过期，请重新登录。',
      startTitle: '开始访谈', noTasks: '本机还没有访谈任务。请在有网络时点“更新问卷”。',
      pickLink: '学校和访谈对象', start: '开始访谈', county: '县级',
      downloadedAt: '问卷下载于 {at}。请逐题读给受访者听，按受访者的回答点选。不记录受访者姓名。',
      records: '访谈记录', waiting: '等待上传', uploaded: '已上传', refused: '未被接受',
      otherUser: '需由 {name} 登录后上传', uploadNow: '立即上传', uploadingNow: '正在上传…',
      update: '更新问卷', updateOffline: '当前离线，无法更新问卷。', logout: '退出登录',
      logoutConfirm: '还有 {n} 份访谈未上传。退出后它们仍保存在本机，再次登录后上传。确定退出吗？',
      previous: '上一题', quit: '放弃本次访谈', quitConfirm: '放弃后本次访谈的回答不会保存。确定放弃吗？',
      readIntro: '请先向受访者读出以上说明，并告知访谈匿名、不记录姓名。', first: '开始第一题',
      next: '下一题', skip: '跳过（受访者不回答）', progress: '{label} · 第 {at} / {n} 题',
      finished: '访谈结束', answered: '共 {n} 题，已回答 {m} 题。',
      missing: '还有必答题未回答：第 {list} 题。', save: '保存访谈', edit: '返回修改',
      saved: '访谈已保存在本机', savedUploading: '访谈已保存在本机，正在上传…', savedLater: '访谈已保存在本机，有网络时自动上传。',
      saveFailed: '保存失败：手机存储空间可能已满。请不要关闭本页，清理空间后再点“保存访谈”。',
      questionnaireZh: '',
      listSep: '、',
    },
    en: {
      brand: 'On-site interviews', online: 'Online', offline: 'Offline', opening: 'Opening…', who: 'Interviewer {name}',
      switchTo: '中文', switchTitle: '切换到中文',
      noNetLogin: 'No network: connect to a network, then sign in.', netDown: 'The network is unavailable; try again later.', loginFailed: 'Sign-in failed',
      username: 'Username', password: 'Password', loginButton: 'Sign in and download questionnaires',
      queuedAtLogin: '{n} interview(s) on this device wait for upload; they upload after sign-in and are never lost.',
      loginTitle: 'Interviewer sign-in',
      loginHint: 'Sign in once while online to download the questionnaires; then interview with or without network. Saved interviews upload when the network returns.',
      downloading: 'Downloading questionnaires…', downloadNoNet: 'No network: the questionnaires were not downloaded.', downloadFailed: 'Download failed',
      downloaded: 'Questionnaires downloaded to this device ({n} to interview); you can interview without network.',
      noAssignments: 'This account has no interviews assigned yet; ask the organiser.',
      offlineWaiting: 'Offline: {n} interview(s) saved on this device; they upload when the network returns.',
      uploadCut: 'The network dropped: interviews not yet uploaded stay on this device and are retried.',
      uploadRefused: 'Upload refused: {why} (the interviews stay on this device)',
      uploadedN: '{n} uploaded.', uploadedSome: '{n} uploaded, {m} not accepted (see the list for why).',
      expired: 'Your sign-in has expired: sign in again to upload. Saved interviews stay on this device.', relogin: 'Sign in again',
      expiredShort: 'Your sign-in has expired; please sign in again.',
      startTitle: 'Start an interview', noTasks: 'No interviews on this device yet. Tap “Update questionnaires” while online.',
      pickLink: 'School and respondents', start: 'Start interview', county: 'County level',
      downloadedAt: 'Questionnaires downloaded {at}. Read each item aloud and tap the answer given. No names are recorded.',
      records: 'Interviews', waiting: 'Waiting', uploaded: 'Uploaded', refused: 'Not accepted',
      otherUser: '{name} must sign in to upload', uploadNow: 'Upload now', uploadingNow: 'Uploading…',
      update: 'Update questionnaires', updateOffline: 'Offline: the questionnaires cannot be updated now.', logout: 'Sign out',
      logoutConfirm: '{n} interview(s) are not uploaded yet. They stay on this device and upload after the next sign-in. Sign out?',
      previous: 'Previous', quit: 'Abandon this interview', quitConfirm: 'The answers of this interview will not be saved. Abandon it?',
      readIntro: 'First read the introduction above to the respondent and say the interview is anonymous: no name is recorded.', first: 'First item',
      next: 'Next', skip: 'Skip (no answer)', progress: '{label} · item {at} of {n}',
      finished: 'Interview finished', answered: '{n} items, {m} answered.',
      missing: 'Required items not answered yet: {list}.', save: 'Save interview', edit: 'Go back and edit',
      saved: 'Interview saved on this device', savedUploading: 'Interview saved on this device; uploading…', savedLater: 'Interview saved on this device; it uploads when the network returns.',
      saveFailed: 'Saving failed: the phone may be out of storage. Keep this page open, free some space, then tap “Save interview” again.',
      questionnaireZh: 'This round has no English translation: the questionnaire is in Chinese.',
      listSep: ', ',
    },
  };
  var GROUPS_EN = {
    student: 'Students', parent: 'Parents', teacher: 'Teachers', principal: 'Principals',
    deputy: 'People’s congress deputies', cppcc_member: 'CPPCC members', citizen: 'Other citizens',
  };
  function stored() {
    try { return window.localStorage.getItem(KEY) === 'en' ? 'en' : 'zh'; } catch (e) { return 'zh'; }
  }
  var lang = stored();
  window.RenkeI18n = {
    lang: function () { return lang; },
    set: function (l) {
      lang = l === 'en' ? 'en' : 'zh';
      try { window.localStorage.setItem(KEY, lang); } catch (e) { /* private mode: this visit only */ }
      document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
    },
    t: function (key, params) {
      var s = TEXTS[lang][key];
      if (s === undefined) s = TEXTS.zh[key] || key;
      Object.keys(params || {}).forEach(function (k) { s = s.split('{' + k + '}').join(String(params[k])); });
      return s;
    },
    group: function (code, zhLabel) { return lang === 'en' ? (GROUPS_EN[code] || zhLabel) : zhLabel; },
  };
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
})();
