/* stepbook search: the index (search-index.js, written at build time) is loaded the first time
   the reader searches, as a script so that it also works from file://. A large book's index
   comes in parts (search-index-1.js, ...), loaded one after the other: results come from what
   has arrived and grow as the rest does. Every word typed must appear; results link to the
   guide, section or step. "/" focuses the box. */
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form) return;
  var input = form.querySelector("input");
  var list = form.querySelector("ol");
  var root = form.getAttribute("data-root") || "";
  var loading = false;
  var waiting = null;
  function script(src, done) {
    var s = document.createElement("script");
    s.src = src;
    s.onload = done;
    document.head.appendChild(s);
  }
  // The further parts, one after the other while a part says there is more; the search
  // shown is run again as each arrives.
  function rest(n) {
    var index = window.stepbookIndex;
    if (!index || !index.more) return;
    index.more = false;
    script(root + "search-index-" + n + ".js", function () {
      if (waiting) waiting();
      rest(n + 1);
    });
  }
  function load(then) {
    waiting = then;
    if (window.stepbookIndex) return then();
    if (loading) return;
    loading = true;
    script(root + "search-index.js", function () { loading = false; if (waiting) waiting(); rest(1); });
  }
  function run() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) return;
    load(function () {
      list.textContent = "";
      var found = 0;
      var index = window.stepbookIndex || { g: [], e: [] };
      for (var i = 0; i < index.e.length && found < 20; i++) {
        var e = index.e[i];
        var guide = index.g[e[0]];
        var title = e[1] ? guide[0] + " · " + e[1] : guide[0];
        var hay = (title + " " + e[3]).toLowerCase();
        if (!words.every(function (w) { return hay.indexOf(w) >= 0; })) continue;
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + guide[1] + (e[2] ? "#" + e[2] : "");
        a.textContent = title;
        li.appendChild(a);
        if (e[3]) {
          var p = document.createElement("span");
          p.textContent = " — " + e[3].slice(0, 120);
          li.appendChild(p);
        }
        list.appendChild(li);
        found++;
      }
      if (!found) {
        var none = document.createElement("li");
        var strings = {};
        try { strings = JSON.parse(document.getElementById("stepbook-strings").textContent); } catch (e) { /* English */ }
        none.textContent = strings.search_nothing || "Nothing found";
        list.appendChild(none);
      }
    });
  }
  input.addEventListener("input", run);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var first = list.querySelector("a");
    if (first) location.href = first.href;
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && !(e.target.closest && e.target.closest("input, textarea, select"))) {
      e.preventDefault();
      input.focus();
    }
  });
})();
