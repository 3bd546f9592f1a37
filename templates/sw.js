/* stepbook service worker ([output.html] offline = true): keeps the site readable when the
   network goes. Installed on a reader's first visit over http(s); it precaches the index, the
   theme, the search index and the guides' pages and images up to a budget, and caches every
   other page, image and PDF of the site the reader opens. Pages, scripts and the search index
   come from the network while there is one (so a new build shows at once) and from the cache
   when there is none; images and PDFs come from the cache first. Each build has its own cache
   (named from a hash of the site's files); the caches of older builds of this site are deleted
   when the new worker takes over. The reader's ticks live in localStorage and are never
   touched. */
"use strict";

var VERSION = {{ version | safe }};
var PRECACHE = {{ precache | safe }};
var PREFIX = "stepbook:" + self.registration.scope + ":";
var CACHE = PREFIX + VERSION;
/* How long a page waits for a slow network before the cached copy is shown. */
var NETWORK_WAIT_MS = 4000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(PRECACHE.map(function (path) {
      var url = new URL(path, self.location.href).href;
      /* One file that fails (removed since, a full disk) leaves the rest cached. */
      return fetch(url, { cache: "no-cache" }).then(function (resp) {
        if (resp.ok) { return cache.put(url, resp); }
      }).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf(PREFIX) === 0 && k !== CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

/* Requests this worker leaves alone: other origins, other methods, addresses outside the site,
   and `stepbook serve`'s live-reload script and event stream. */
function ours(request) {
  if (request.method !== "GET") { return false; }
  var url = new URL(request.url);
  if (url.href.indexOf(self.registration.scope) !== 0) { return false; }
  if (url.pathname.indexOf("/__stepbook/") !== -1) { return false; }
  return (request.headers.get("accept") || "").indexOf("text/event-stream") === -1;
}

function cached(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (hit) {
      if (hit || !request.url.match(/\/(\?.*)?$/)) { return hit; }
      /* `guide/` is `guide/index.html`. */
      return cache.match(new URL("index.html", request.url).href);
    });
  });
}

function store(request, resp) {
  /* A redirected response cannot answer a navigation later: only direct answers are kept. */
  if (resp && resp.ok && resp.type === "basic" && !resp.redirected) {
    var copy = resp.clone();
    caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
  }
  return resp;
}

function networkFirst(request) {
  return new Promise(function (resolve, reject) {
    var settled = false;
    var timer = setTimeout(function () {
      cached(request).then(function (hit) {
        if (hit && !settled) { settled = true; resolve(hit); }
      });
    }, NETWORK_WAIT_MS);
    fetch(request).then(function (resp) {
      clearTimeout(timer);
      store(request, resp);
      if (!settled) { settled = true; resolve(resp); }
    }).catch(function (err) {
      clearTimeout(timer);
      cached(request).then(function (hit) {
        if (settled) { return; }
        settled = true;
        if (hit) { resolve(hit); } else { reject(err); }
      });
    });
  });
}

function cacheFirst(request) {
  return cached(request).then(function (hit) {
    return hit || fetch(request).then(function (resp) { return store(request, resp); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (!ours(request)) { return; }
  var path = new URL(request.url).pathname;
  var lasting = /\/media\//.test(path) || /\.(pdf|png|jpe?g|gif|webp|svg)$/i.test(path);
  event.respondWith(lasting ? cacheFirst(request) : networkFirst(request));
});
