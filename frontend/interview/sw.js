// The interviewer page's service worker: keeps the page's own files so
// that it opens with no network. API calls always go to the network (the
// page keeps its data in IndexedDB itself).
'use strict';
var CACHE = 'renke-interview-__VERSION__';
var FILES = ['./', './app.js', './i18n.js', './store.js', './app.css', './manifest.webmanifest', './icon.svg'];

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (c) { return c.addAll(FILES); }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) {
        return k.indexOf('renke-interview-') === 0 && k !== CACHE;
      }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener('fetch', function (event) {
  var req = event.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf('/interview/') !== 0) return;
  // The cached copy at once (a cheap phone on a weak signal must not wait),
  // refreshed from the network for the next load; the network when the
  // copy is missing.
  event.respondWith(
    caches.open(CACHE).then(function (c) {
      return c.match(req, { ignoreSearch: true }).then(function (hit) {
        var fresh = fetch(req).then(function (resp) {
          if (resp.ok) c.put(req, resp.clone());
          return resp;
        });
        if (hit) {
          fresh.catch(function () {});
          return hit;
        }
        return fresh.catch(function () {
          return c.match('./').then(function (shell) {
            return shell || Response.error();
          });
        });
      });
    })
  );
});
