/* stepbook search. Nothing is loaded with the page: the first time the reader types,
   search-index.js says where words and guides are; each query then loads, as <script> tags (so
   it also works from file://), the word files its words fall in (search_index/t<k>.js) and the
   texts of the guides that ranked highest (search_index/g<k>.js). Every word typed must be
   found, whole or as the start of a word (`new-az` finds New-AzVm). A guide ranks by where its
   words stand (its title, then a section's, then a step's label, then text) and how rare they
   are; its steps by the same and how close the words are. Results are grouped by guide, the
   words marked; following one marks them on the page (?highlight=) and the step landed on.
   Keys: "/" focuses the box, arrows move through results, Enter follows, Esc closes.
   The word rules must match src/render/search/text.rs. */
(function () {
  "use strict";
  var WORD = "[\\p{Alphabetic}\\p{N}_]";
  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]/;
  var CJK_ALL = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]/g;
  var TOKEN = new RegExp(WORD + "+(?:[-.]" + WORD + "+)*", "gu");
  var GUIDES = 8, PER_GUIDE = 3, MAX_WORDS = 6, MAX_FILES_PER_WORD = 3;

  // The words of a text, lowercased: "New-AzVm in rg8" -> new-azvm, in, rg8 (with `parts`,
  // also new, azvm: what the index holds).
  function tokens(text, parts) {
    var out = [];
    (text.replace(CJK_ALL, " $& ").match(TOKEN) || []).forEach(function (t) {
      t = t.toLowerCase();
      if (parts && /[-.]/.test(t)) out.push.apply(out, t.split(/[-.]/));
      out.push(t);
    });
    return out;
  }
  function pattern(words) {
    return new RegExp(words.map(function (w) {
      var e = w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      return CJK.test(w) ? e : "(?<!" + WORD + ")" + e + WORD + "*(?:[-.]" + WORD + "+)*";
    }).join("|"), "giu");
  }

  var strings = {};
  try { strings = JSON.parse(document.getElementById("stepbook-strings").textContent); } catch (e) { /* English */ }
  function say(key, fallback) { return strings[key] || fallback; }

  highlightLanding();

  var form = document.querySelector("form.search");
  if (!form) return;
  var input = form.querySelector("input");
  var list = form.querySelector("ol");
  var root = form.getAttribute("data-root") || "";
  if (strings.search_placeholder && window.matchMedia && matchMedia("(hover: hover) and (pointer: fine)").matches) {
    input.placeholder = strings.search_placeholder;
  }

  // Loaded files, and what waits for them.
  var index = null, terms = {}, packs = {}, loading = {};
  var S = window.stepbookSearch = {
    index: function (m) { index = m; },
    terms: function (k, t) { terms[k] = t; },
    guides: function (k, g) { packs[k] = g; }
  };
  function load(file, done) {
    if (loading[file] === true) return done();
    if (loading[file]) return loading[file].push(done);
    loading[file] = [done];
    var s = document.createElement("script");
    s.src = root + file;
    s.onload = s.onerror = function () {
      var waiting = loading[file];
      loading[file] = true;
      waiting.forEach(function (f) { f(); });
    };
    document.head.appendChild(s);
  }
  function loadAll(files, done) {
    var left = files.length;
    if (!left) return done();
    files.forEach(function (f) { load(f, function () { if (--left === 0) done(); }); });
  }

  // The word files a query word may be in: the one its place in the sorted words falls in,
  // and those after it that start with it (few: a short prefix only finds whole words).
  function chunksFor(w) {
    var t = index.t, lo = 0, hi = t.length - 1, at = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (t[mid] <= w) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    var out = [at];
    for (var k = at + 1; k < t.length && t[k].lastIndexOf(w, 0) === 0; k++) out.push(k);
    var prefix = w.length >= 2 && out.length <= MAX_FILES_PER_WORD;
    return { files: t.length ? (prefix ? out : [at]) : [], prefix: prefix };
  }

  var decoded = {};
  function postings(k, term) {
    var key = k + " " + term;
    if (decoded[key]) return decoded[key];
    var out = [], g = 0;
    terms[k][term].split(" ").forEach(function (p) {
      g += parseInt(p.slice(0, -1), 36);
      out.push(g, parseInt(p.slice(-1), 36));
    });
    return (decoded[key] = out);
  }

  // Each guide's score for one query word: its best word that is or starts with it.
  function scoresFor(w, where) {
    var best = {}, idfBest = 0;
    where.files.forEach(function (k) {
      var t = terms[k];
      if (!t) return;
      Object.keys(t).forEach(function (term) {
        if (term !== w && !(where.prefix && term.lastIndexOf(w, 0) === 0)) return;
        var p = postings(k, term), df = p.length / 2;
        var idf = Math.log(1 + index.n / df) * (term === w ? 1 : 0.8);
        idfBest = Math.max(idfBest, idf);
        for (var i = 0; i < p.length; i += 2) {
          var s = idf * p[i + 1] / (p[i + 1] + 4);
          if (!(best[p[i]] >= s)) best[p[i]] = s;
        }
      });
    });
    return { guides: best, idf: idfBest || 1 };
  }

  function packOf(g) {
    var p = index.g, lo = 0, hi = p.length - 1, at = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (p[mid] <= g) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return at;
  }

  var tokenCache = new WeakMap();
  function docTokens(doc) {
    var t = tokenCache.get(doc);
    if (!t) { t = { label: tokens(doc[2], true), body: tokens(doc[3], true) }; tokenCache.set(doc, t); }
    return t;
  }
  function has(list, w) {
    for (var i = 0; i < list.length; i++) if (list[i].lastIndexOf(w, 0) === 0) return true;
    return false;
  }
  // How well one text of a guide answers the query, or 0: every word must be in it, in its
  // section's title or the guide's; closer words score higher.
  function docScore(docs, d, words, idf) {
    var doc = docs[d], t = docTokens(doc);
    var section = doc[4] >= 0 ? docTokens(docs[doc[4]]).label : [];
    var title = docTokens(docs[0]).label, score = 0, own = 0, positions = [];
    for (var i = 0; i < words.length; i++) {
      var w = words[i], s;
      if (has(t.label, w)) s = 4;
      else if (has(t.body, w)) s = 1;
      else if (has(section, w)) s = 0.5;
      else if (d > 0 && has(title, w)) s = 0.3;
      else return 0;
      if (s >= 1) own++;
      score += s * idf[i];
      var at = -1;
      for (var j = 0; j < t.body.length; j++) if (t.body[j].lastIndexOf(w, 0) === 0) { at = j; break; }
      if (at >= 0) positions.push(at);
    }
    if (!own && d > 0) return 0;
    if (positions.length > 1) {
      var span = Math.max.apply(null, positions) - Math.min.apply(null, positions);
      score += 2 / Math.max(1, span - positions.length + 2);
    }
    return score;
  }

  var current = 0;
  function run() {
    var words = tokens(input.value).slice(0, MAX_WORDS);
    // The same words again (a space typed, the box refocused): the results shown stay.
    if (words.length && words.join(" ") === shownFor && list.childNodes.length) return;
    var query = ++current;
    if (!words.length) { show([]); return; }
    load("search-index.js", function () {
      if (query !== current || !index) return;
      var where = words.map(chunksFor);
      var files = [];
      where.forEach(function (x) { x.files.forEach(function (k) { files.push("search_index/t" + k + ".js"); }); });
      loadAll(files, function () {
        if (query !== current) return;
        rank(words, where, query);
      });
    });
  }

  function rank(words, where, query) {
    var per = words.map(function (w, i) { return scoresFor(w, where[i]); });
    var total = {};
    Object.keys(per[0].guides).forEach(function (g) {
      var s = 0;
      for (var i = 0; i < per.length; i++) {
        var x = per[i].guides[g];
        if (x === undefined) return;
        s += x;
      }
      total[g] = s;
    });
    var top = Object.keys(total).sort(function (a, b) { return total[b] - total[a] || a - b; }).slice(0, GUIDES);
    var files = {};
    top.forEach(function (g) { files["search_index/g" + packOf(+g) + ".js"] = 1; });
    loadAll(Object.keys(files), function () {
      if (query !== current) return;
      var idf = per.map(function (p) { return p.idf; });
      var groups = top.map(function (g) {
        var k = packOf(+g), guide = packs[k] && packs[k][g - index.g[k]];
        if (!guide) return null;
        var docs = guide[1], hits = [];
        for (var d = 0; d < docs.length; d++) {
          var s = docScore(docs, d, words, idf);
          if (s > 0) hits.push({ d: d, s: s });
        }
        hits.sort(function (a, b) { return b.s - a.s || a.d - b.d; });
        var best = hits.length ? hits[0].s : 0;
        return { url: guide[0], docs: docs, hits: hits.slice(0, PER_GUIDE), score: total[g] + best / 20 };
      }).filter(Boolean);
      groups.sort(function (a, b) { return b.score - a.score; });
      show(groups, words);
    });
  }

  // The text with the query's words marked, as nodes; `cut` keeps about that many characters
  // around the first match.
  function marked(text, words, cut) {
    var frag = document.createDocumentFragment();
    var re = pattern(words);
    if (cut && text.length > cut) {
      var first = text.search(re), start = Math.max(0, first - 40);
      if (start > 0) { var sp = text.indexOf(" ", start); if (sp >= 0 && sp < first) start = sp + 1; }
      var end = Math.min(text.length, start + cut);
      var space = text.lastIndexOf(" ", end);
      if (end < text.length && space > start + cut / 2) end = space;
      text = (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
    }
    var last = 0, m;
    re.lastIndex = 0;
    while ((m = re.exec(text))) {
      if (!m[0]) { re.lastIndex++; continue; }
      frag.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      frag.appendChild(mark);
      last = m.index + m[0].length;
    }
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function link(url, anchor, words) {
    return root + url + "?highlight=" + encodeURIComponent(words.join(" ")) + (anchor ? "#" + anchor : "");
  }

  // The text after the label it starts with ("" when the text is within the label).
  function after(label, text) {
    var l = label.replace(/\s+/g, " ").trim(), t = text.replace(/\s+/g, " ").trim();
    if (!t || l.indexOf(t) >= 0) return "";
    return t.lastIndexOf(l, 0) === 0 ? t.slice(l.length).trim() : text;
  }

  var shownFor = null;
  function show(groups, words) {
    list.textContent = "";
    list.hidden = false;
    shownFor = words ? words.join(" ") : null;
    if (!words) return;
    if (!groups.length) {
      var none = document.createElement("li");
      none.className = "search-none";
      none.textContent = say("search_nothing", "Nothing found");
      list.appendChild(none);
      return;
    }
    groups.forEach(function (g) {
      var li = document.createElement("li");
      li.className = "search-guide";
      var head = document.createElement("a");
      head.className = "search-title";
      head.href = link(g.url, "", words);
      head.appendChild(marked(g.docs[0][2], words));
      li.appendChild(head);
      var inner = document.createElement("ol");
      g.hits.forEach(function (h) {
        var doc = g.docs[h.d];
        if (h.d === 0 && !doc[3]) return;
        var item = document.createElement("li");
        var a = document.createElement("a");
        a.href = link(g.url, doc[0], words);
        var where = document.createElement("span");
        where.className = "search-where";
        if (doc[1]) where.appendChild(document.createTextNode(say("search_step", "step {number}").replace("{number}", doc[1]) + " · "));
        if (h.d > 0) where.appendChild(marked(doc[2], words));
        a.appendChild(where);
        // A step's label is its text's first sentence: the excerpt goes on after it (and is
        // left out when the text is no more than the label), so the sentence shows once.
        var rest = h.d > 0 ? after(doc[2], doc[3]) : doc[3];
        if (rest) {
          var excerpt = document.createElement("span");
          excerpt.className = "search-excerpt";
          excerpt.appendChild(marked(rest, words, 150));
          a.appendChild(excerpt);
        }
        item.appendChild(a);
        inner.appendChild(item);
      });
      if (inner.childNodes.length) li.appendChild(inner);
      list.appendChild(li);
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    list.hidden = false;
    clearTimeout(timer);
    timer = setTimeout(run, 60);
  });
  input.addEventListener("focus", function () { if (list.childNodes.length) list.hidden = false; });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var first = list.querySelector("a");
    if (first) location.href = first.href;
  });
  // Arrows move between the box and the results; Esc closes them.
  form.addEventListener("keydown", function (e) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && links.length) {
      e.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (e.key === "ArrowUp" && at >= 0) {
      e.preventDefault();
      if (at === 0) input.focus(); else links[at - 1].focus();
    } else if (e.key === "Escape") {
      // Closes the results and keeps the query (a search box's own Esc would clear it).
      e.preventDefault();
      list.hidden = true;
      input.focus();
    }
  });
  document.addEventListener("click", function (e) {
    if (!form.contains(e.target)) list.hidden = true;
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && !(e.target.closest && e.target.closest("input, textarea, select"))) {
      e.preventDefault();
      input.focus();
    }
  });

  // On a page opened from a result: the words marked in the step landed on (or the page),
  // which is marked too, below the top edge.
  function highlightLanding() {
    var q = null;
    try { q = new URLSearchParams(location.search).get("highlight"); } catch (e) { return; }
    var words = q ? tokens(q).slice(0, MAX_WORDS) : [];
    var main = document.getElementById("content");
    if (!words.length || !main) return;
    var target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    var where = target || main;
    var re = pattern(words);
    var walk = document.createTreeWalker(where, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.parentNode.closest("script, style, button, mark, .step-num") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walk.nextNode() && nodes.length < 500) nodes.push(walk.currentNode);
    nodes.forEach(function (n) {
      var text = n.nodeValue, m, last = 0, parts = [];
      re.lastIndex = 0;
      while ((m = re.exec(text))) {
        if (!m[0]) { re.lastIndex++; continue; }
        parts.push(document.createTextNode(text.slice(last, m.index)));
        var mark = document.createElement("mark");
        mark.className = "search-hit";
        mark.textContent = m[0];
        parts.push(mark);
        last = m.index + m[0].length;
      }
      if (!parts.length) return;
      parts.push(document.createTextNode(text.slice(last)));
      parts.forEach(function (p) { n.parentNode.insertBefore(p, n); });
      n.parentNode.removeChild(n);
    });
    if (target) {
      target.classList.add("search-landed");
      target.scrollIntoView({ block: "start" });
    }
  }
})();

/* The header's language menu (in a book with translations): another language opens at the step
   the reader is on (translations share their anchors), and Esc or a click elsewhere closes the
   menu. Without JavaScript it is a <details> of plain links. */
(function () {
  "use strict";
  var menu = document.querySelector("nav.languages details");
  if (!menu) return;
  menu.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[hreflang]");
    if (a && location.hash) a.href = a.href.split("#")[0] + location.hash;
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
  });
  document.addEventListener("click", function (e) {
    if (menu.open && !menu.contains(e.target)) menu.open = false;
  });
})();
