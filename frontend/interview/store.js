// The interviewer page's storage: IndexedDB, which survives closing the
// browser and restarting the phone. Two stores: `kv` (the downloaded
// assignments, the account name, the interview in progress) and `queue`
// (saved interviews by client id, waiting, uploaded or refused).
'use strict';
(function () {
  var DB_NAME = 'renke-interview';
  var dbPromise = null;

  function open() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains('kv')) db.createObjectStore('kv');
        if (!db.objectStoreNames.contains('queue')) {
          db.createObjectStore('queue', { keyPath: 'client_id' });
        }
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
    return dbPromise;
  }

  // One request in its own transaction; resolves once the transaction has
  // committed (so a saved interview is on disk before the page says so).
  function run(store, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var req = fn(tx.objectStore(store));
        var result;
        if (req) req.onsuccess = function () { result = req.result; };
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  window.RenkeStore = {
    get: function (key) { return run('kv', 'readonly', function (s) { return s.get(key); }); },
    set: function (key, value) { return run('kv', 'readwrite', function (s) { return s.put(value, key); }); },
    del: function (key) { return run('kv', 'readwrite', function (s) { return s.delete(key); }); },
    put: function (item) { return run('queue', 'readwrite', function (s) { return s.put(item); }); },
    all: function () { return run('queue', 'readonly', function (s) { return s.getAll(); }); },
  };
})();
