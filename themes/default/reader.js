/* stepbook reader: tick-off progress (kept per guide in localStorage), copy buttons, the
   current section in the contents, j/k to move between steps. The page is complete without it:
   everything here only adds to what the HTML already shows. */
(function () {
  "use strict";
  var guide = document.querySelector("article.guide");
  if (!guide) return;
  var id = guide.getAttribute("data-guide");
  // Ticks are kept by the guide's id and the steps' anchors, which a translation shares with its
  // source: the guide in another language, its checklist and its card on the index read them.
  var key = "stepbook:" + id + ":done";
  var countKey = "stepbook:" + id + ":count";
  var steps = Array.prototype.slice.call(guide.querySelectorAll("li.step"));
  var top = steps.filter(function (s) { return !s.parentElement.closest("li.step"); });
  var minutes = parseFloat(guide.getAttribute("data-minutes") || "0");
  // The page's interface text, in its language (a JSON element the page carries).
  var T = {};
  try { T = JSON.parse(document.getElementById("stepbook-strings").textContent); } catch (e) { /* English below */ }
  function t(key, english, args) {
    var s = T[key] || english;
    Object.keys(args || {}).forEach(function (k) { s = s.split("{" + k + "}").join(args[k]); });
    return s;
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function save(done) {
    try { localStorage.setItem(key, JSON.stringify(done)); } catch (e) { /* private mode */ }
  }

  // Progress: a checkbox on every step, and a line that counts them.
  var status = document.createElement("div");
  status.className = "progress";
  status.setAttribute("role", "status");
  var counter = document.createElement("span");
  var reset = document.createElement("button");
  reset.type = "button";
  reset.textContent = t("progress_reset", "Reset");
  reset.className = "progress-reset";
  status.appendChild(counter);
  status.appendChild(reset);
  var meta = guide.querySelector(".meta");
  if (meta) meta.parentNode.insertBefore(status, meta.nextSibling);

  // On phones, past the top of the page: a compact bar with the section being read, the
  // progress, the contents and a way back to the top (wide screens keep the sidebar).
  var bar = document.createElement("div");
  bar.className = "phonebar";
  var barSection = document.createElement("span");
  barSection.className = "phonebar-section";
  var barProgress = document.createElement("span");
  barProgress.className = "phonebar-progress";
  var toc = guide.querySelector("nav.toc");
  var barContents = document.createElement("button");
  barContents.type = "button";
  barContents.className = "phonebar-contents";
  barContents.textContent = t("contents", "Contents");
  barContents.addEventListener("click", function () {
    var details = toc && toc.querySelector("details");
    if (details) details.open = true;
    if (toc) { toc.scrollIntoView({ block: "start" }); var s = toc.querySelector("summary"); if (s) s.focus(); }
  });
  var barTop = document.createElement("button");
  barTop.type = "button";
  barTop.className = "phonebar-top";
  barTop.textContent = "↑";
  barTop.setAttribute("aria-label", t("back_to_top", "Back to top"));
  barTop.addEventListener("click", function () { window.scrollTo(0, 0); });
  bar.appendChild(barSection);
  bar.appendChild(barProgress);
  if (toc) bar.appendChild(barContents);
  bar.appendChild(barTop);
  document.body.appendChild(bar);
  function showBar() {
    bar.classList.toggle("shown", status.getBoundingClientRect().bottom < 0);
  }

  function update() {
    var done = load();
    var n = 0;
    steps.forEach(function (s) {
      var box = s.querySelector(":scope > .step-text .tick input, :scope > .tick input");
      var on = done.indexOf(s.id) >= 0;
      if (box) box.checked = on;
      s.classList.toggle("done", on);
    });
    top.forEach(function (s) { if (done.indexOf(s.id) >= 0) n++; });
    var text = t("progress_done", "{done} of {total} done", { done: n, total: top.length });
    if (minutes > 0 && n < top.length) {
      var left = Math.max(1, Math.round(minutes * (top.length - n) / top.length));
      text += " · " + t("progress_left", "about {minutes} min left", { minutes: left });
    }
    counter.textContent = text;
    barProgress.textContent = t("progress_done", "{done} of {total} done", { done: n, total: top.length });
    // What the guide's card on the index shows (the index knows no step's anchor).
    try { localStorage.setItem(countKey, JSON.stringify({ done: n, total: top.length })); } catch (e) { /* private mode */ }
  }
  // Ticked in another tab (the checklist, or the guide in another language): shown here too.
  window.addEventListener("storage", function (e) { if (e.key === key) update(); });
  steps.forEach(function (s) {
    var label = document.createElement("label");
    label.className = "tick";
    var box = document.createElement("input");
    box.type = "checkbox";
    var num = s.getAttribute("data-number") || "";
    box.setAttribute("aria-label", t("step_done", "Step {number} done", { number: num }));
    label.appendChild(box);
    var text = s.querySelector(":scope > .step-text");
    var host = (text && text.querySelector(":scope > p")) || text || s;
    host.insertBefore(label, host.firstChild);
    box.addEventListener("change", function () {
      var done = load().filter(function (d) { return d !== s.id; });
      if (box.checked) done.push(s.id);
      save(done);
      update();
    });
  });
  // Reset clears the ticks at once and offers Undo for 8 seconds (one tap cannot lose them).
  var undo = document.createElement("button");
  undo.type = "button";
  undo.className = "progress-undo";
  undo.textContent = t("progress_undo", "Undo");
  undo.hidden = true;
  status.appendChild(undo);
  var undoTimer = null, cleared = [];
  function endUndo() {
    clearTimeout(undoTimer); undoTimer = null;
    undo.hidden = true; reset.hidden = false;
  }
  reset.addEventListener("click", function () {
    cleared = load();
    if (!cleared.length) return;
    save([]); update();
    reset.hidden = true; undo.hidden = false; undo.focus();
    undoTimer = setTimeout(endUndo, 8000);
  });
  undo.addEventListener("click", function () {
    save(cleared); update(); endUndo(); reset.focus();
  });
  update();

  // Copy buttons: code blocks, and inline code in a step's text (what the reader types).
  function clean(text) {
    return text.split("\n").map(function (l) { return l.replace(/^\s*(\$|PS>|PS [^>]*>|>)\s+/, ""); })
      .join("\n").replace(/\s+$/, "");
  }
  function copy(text, button) {
    function done() {
      button.textContent = t("copied", "Copied");
      button.classList.add("copied");
      setTimeout(function () { button.textContent = t("copy", "Copy"); button.classList.remove("copied"); }, 1500);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else { fallback(text); done(); }
  }
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(area);
  }
  function button(getText, name) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "copy";
    b.textContent = t("copy", "Copy");
    b.setAttribute("aria-label", name ? t("copy_label", "Copy {text}", { text: name }) : t("copy", "Copy"));
    b.addEventListener("click", function () { copy(getText(), b); });
    return b;
  }
  // What scrolls sideways must be reachable by keyboard (code always may; a table when wider
  // than the screen); links whose text is their address print once (the print stylesheet
  // adds the address after the others).
  function scrollers() {
    guide.querySelectorAll("pre, .step-text table, .intro table, .summary table").forEach(function (el) {
      if (el.tagName === "PRE" || el.scrollWidth > el.clientWidth) el.setAttribute("tabindex", "0");
      else el.removeAttribute("tabindex");
    });
  }
  scrollers();
  window.addEventListener("resize", scrollers);
  guide.querySelectorAll("a[href^='http']").forEach(function (a) {
    var text = a.textContent.trim();
    if (text === a.getAttribute("href") || text === a.href) a.classList.add("bare-url");
  });
  guide.querySelectorAll("pre").forEach(function (pre) {
    var wrap = document.createElement("div");
    wrap.className = "code-block";
    pre.parentNode.insertBefore(wrap, pre);
    wrap.appendChild(pre);
    wrap.appendChild(button(function () { return clean(pre.innerText); }, ""));
  });
  // Inline code keeps no button: one after every `value` (20 in a lab) broke sentences and
  // table cells; what a reader types at length is in code blocks.

  // Screenshots: a tap opens the picture enlarged over the page, its alt text as the caption
  // (a modal <dialog>: focus stays in it, Esc closes it), with Full size; Back closes it too. Without
  // JavaScript the link opens the image itself.
  // Opening pushes a history entry so that Back closes the picture; closing otherwise goes
  // back over that entry. That Back is asynchronous: a picture opened before it has landed
  // waits for it (or the late popstate would close the new one).
  var box = null, pushed = false, backing = false, waiting = null;
  function build() {
    box = document.createElement("dialog");
    box.className = "lightbox";
    box.innerHTML = '<figure><div class="lightbox-pic"><img alt=""></div><figcaption></figcaption></figure>' +
      '<button type="button" class="lightbox-size"></button> <button type="button" class="lightbox-close"></button>';
    var close = box.querySelector(".lightbox-close");
    close.textContent = t("lightbox_close", "Close");
    close.addEventListener("click", function () { box.close(); });
    // A tap on the picture (or Full size) shows it at its own size, scrolled within the
    // dialog; another fits it again (fitted, a wide screenshot barely grew).
    box.querySelector(".lightbox-size").addEventListener("click", function () { full(!box.classList.contains("full")); });
    box.querySelector("img").addEventListener("click", function () { if (!box.classList.contains("fits")) full(!box.classList.contains("full")); });
    box.querySelector("img").addEventListener("load", sized);
    box.addEventListener("click", function (e) { if (e.target === box) box.close(); });
    box.addEventListener("close", function () {
      if (!pushed) return;
      pushed = false;
      backing = true;
      history.back();
    });
    window.addEventListener("popstate", function () {
      if (backing) {
        backing = false;
        if (waiting) { var a = waiting; waiting = null; show(a); }
        return;
      }
      if (box.open) { pushed = false; box.close(); }
    });
    document.body.appendChild(box);
  }
  function full(on) {
    box.classList.toggle("full", on);
    box.querySelector(".lightbox-size").textContent = on ? t("lightbox_fit", "Fit to screen") : t("lightbox_full_size", "Full size");
    var pic = box.querySelector(".lightbox-pic");
    // What scrolls must be reachable by keyboard.
    if (on) pic.setAttribute("tabindex", "0"); else pic.removeAttribute("tabindex");
  }
  // A picture shown whole at its own size has nothing to enlarge: no Full size for it.
  function sized() {
    var big = box.querySelector("img");
    var fits = !box.classList.contains("full") && big.naturalWidth > 0 &&
      big.naturalWidth <= big.clientWidth + 1 && big.naturalHeight <= big.clientHeight + 1;
    box.classList.toggle("fits", fits);
    box.querySelector(".lightbox-size").hidden = fits;
  }
  function show(a) {
    full(false);
    box.classList.remove("fits");
    box.querySelector(".lightbox-size").hidden = false;
    var img = a.querySelector("img");
    var big = box.querySelector("img");
    big.src = a.href;
    big.alt = img ? img.alt : "";
    box.querySelector("figcaption").textContent = img ? img.alt : "";
    box.setAttribute("aria-label", img ? img.alt : "");
    history.pushState({ stepbookLightbox: true }, "");
    pushed = true;
    box.showModal();
    if (big.complete) sized();
  }
  function lightbox(a) {
    if (!box) build();
    if (backing) waiting = a; else show(a);
  }
  guide.querySelectorAll("a.zoom").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (e.ctrlKey || e.metaKey || e.shiftKey || typeof HTMLDialogElement !== "function") return;
      e.preventDefault();
      lightbox(a);
    });
  });

  // At zero: a notice fixed on the screen (seen wherever the reader has scrolled to), a clock in
  // the tab's title, a beep and a vibration where the device has one. The notice (role=alert)
  // and the sound are made on the click on Start: a page may start sound only from a gesture.
  var toast = null, audio = null, title = document.title;
  function prepare() {
    var Audio = window.AudioContext || window.webkitAudioContext;
    try { audio = audio || (Audio && new Audio()); if (audio) audio.resume(); } catch (e) { audio = null; }
    if (toast) return;
    toast = document.createElement("div");
    toast.className = "timer-toast";
    toast.setAttribute("role", "alert");
    toast.hidden = true;
    toast.innerHTML = '<a></a><button type="button"></button>';
    toast.lastChild.textContent = t("lightbox_close", "Close");
    toast.addEventListener("click", function (e) {
      if (e.target.closest("a, button")) { toast.hidden = true; document.title = title; }
    });
    document.body.appendChild(toast);
  }
  function timeUp(step) {
    toast.firstChild.href = "#" + step.id;
    toast.firstChild.textContent = t("timer_toast", "Step {number}: the wait is over.", { number: step.getAttribute("data-number") });
    toast.hidden = false;
    document.title = "⏰ " + title;
    try {
      [0, 0.35, 0.7].forEach(function (at) {
        var o = audio.createOscillator(), g = audio.createGain();
        g.gain.value = 0.2;
        o.frequency.value = 880;
        o.connect(g).connect(audio.destination);
        o.start(audio.currentTime + at);
        o.stop(audio.currentTime + at + 0.2);
      });
    } catch (e) { /* no sound; the notice stays */ }
    if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
  }

  // Waits: a countdown from the longest wait, started by the reader.
  guide.querySelectorAll("p.wait[data-seconds]").forEach(function (p) {
    var total = parseInt(p.getAttribute("data-seconds"), 10);
    if (!(total > 0)) return;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "timer";
    b.textContent = t("timer_start", "Start timer");
    var shown = document.createElement("span");
    shown.className = "timer-left";
    shown.setAttribute("role", "timer");
    p.appendChild(document.createTextNode(" "));
    p.appendChild(b);
    p.appendChild(shown);
    var tick = null, step = p.closest("li.step");
    // A running countdown's end is kept for the tab (by the guide and the step), so a reload
    // resumes it, and one that ended meanwhile gives its notice on load.
    var kept = "stepbook:" + id + ":wait:" + (step ? step.id : "");
    function keep(end) {
      try { if (end) sessionStorage.setItem(kept, String(end)); else sessionStorage.removeItem(kept); } catch (e) { /* private mode */ }
    }
    function show(s) {
      var m = Math.floor(s / 60), r = s % 60;
      shown.textContent = " " + t("timer_left", "{time} left", { time: m + ":" + (r < 10 ? "0" : "") + r });
    }
    function stop() {
      clearInterval(tick); tick = null;
      b.textContent = t("timer_start", "Start timer");
      keep(0);
    }
    function run(end) {
      prepare();
      keep(end);
      b.textContent = t("timer_stop", "Stop timer");
      function check() {
        var left = Math.max(0, Math.round((end - Date.now()) / 1000));
        show(left);
        if (left > 0) return;
        stop();
        shown.textContent = " " + t("timer_up", "Time is up: check the result before you go on.");
        timeUp(step);
      }
      tick = setInterval(check, 1000);
      check();
    }
    b.addEventListener("click", function () {
      if (tick) { stop(); shown.textContent = ""; return; }
      run(Date.now() + total * 1000);
    });
    var end = null;
    try { end = parseInt(sessionStorage.getItem(kept), 10); } catch (e) { /* private mode */ }
    if (end > 0) run(end);
  });

  // The section being read, marked in the contents.
  var links = {};
  document.querySelectorAll("nav.toc a[href^='#']").forEach(function (a) {
    links[a.getAttribute("href").slice(1)] = a;
  });
  // The section of the step the page was opened at (#anchor) while that step is still on
  // screen (the next section's top may be just below a short last step); otherwise the last
  // section whose top has passed a line near the top (under the phone's bar); at the very
  // bottom of the page the last section (a short last section never reaches the line).
  var sections = Array.prototype.slice.call(guide.querySelectorAll("section.section"));
  var marked = null;
  function landed(under) {
    var el = null;
    try { el = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1))); } catch (e) { return null; }
    var s = el && el.closest("section.section");
    if (!s || s === el) return null;
    var r = el.getBoundingClientRect();
    return r.bottom > under && r.top < window.innerHeight * 0.5 ? s : null;
  }
  function mark() {
    var current = null;
    var under = bar.classList.contains("shown") ? bar.getBoundingClientRect().bottom : 0;
    var line = under + window.innerHeight * 0.15;
    sections.forEach(function (s) { if (s.getBoundingClientRect().top <= line) current = s; });
    var root = document.scrollingElement;
    if (sections.length && root.scrollTop > 0 && root.scrollTop + root.clientHeight >= root.scrollHeight - 2) {
      current = sections[sections.length - 1];
    }
    current = landed(under) || current;
    var heading = current && current.querySelector("h2");
    barSection.textContent = heading ? heading.textContent.replace(/\s*#\s*$/, "") : "";
    showBar();
    var a = current && links[current.id];
    if (a === marked) return;
    if (marked) marked.removeAttribute("aria-current");
    if (a) a.setAttribute("aria-current", "true");
    marked = a;
  }
  // At most every 50 ms while scrolling (a timer, not an animation frame: those pause in a
  // window that is not shown, and the mark must still follow the scroll).
  var pending = false;
  window.addEventListener("scroll", function () {
    if (pending) return;
    pending = true;
    setTimeout(function () { pending = false; mark(); }, 50);
  }, { passive: true });
  window.addEventListener("hashchange", mark);
  mark();

  // j / k (or arrow down / up with Alt): next and previous step.
  document.addEventListener("keydown", function (e) {
    if (e.target.closest && e.target.closest("input, textarea, select, button")) return;
    if (e.ctrlKey || e.metaKey) return;
    // Left / right arrows: the previous and next guide, as in mdBook.
    if (!e.altKey && !e.shiftKey && (e.key === "ArrowLeft" || e.key === "ArrowRight")) {
      var go = document.querySelector(e.key === "ArrowLeft" ? "nav.pager a[rel=prev]" : "nav.pager a[rel=next]");
      if (go) { e.preventDefault(); location.href = go.href; }
      return;
    }
    var down = e.key === "j" || (e.altKey && e.key === "ArrowDown");
    var up = e.key === "k" || (e.altKey && e.key === "ArrowUp");
    if (!down && !up) return;
    var y = window.scrollY + 10;
    var target = null;
    for (var i = 0; i < top.length; i++) {
      var t = top[i].getBoundingClientRect().top + window.scrollY;
      if (down && t > y + 5) { target = top[i]; break; }
      if (up && t < y - 5) target = top[i];
    }
    if (target) {
      e.preventDefault();
      target.scrollIntoView({ block: "start" });
      history.replaceState(null, "", "#" + target.id);
    }
  });
})();
