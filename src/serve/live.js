// stepbook serve: reload after a good rebuild; after a bad one, show its problems over the last
// good page until the next good build.
(function () {
  "use strict";
  var served = window.__stepbookVersion;
  var overlay = null;
  function show(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "stepbook-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,24,.94);color:#f5f5f5;font:14px/1.5 ui-monospace,monospace";
      var title = document.createElement("p");
      title.style.cssText = "font:600 16px system-ui,sans-serif;color:#ff8080;margin:0 0 1rem";
      title.textContent = "stepbook: the last build failed. This page shows the previous good build.";
      var pre = document.createElement("pre");
      // The page's own `pre` style (a light background) must not reach the overlay's text.
      pre.style.cssText =
        "white-space:pre-wrap;margin:0;padding:0;border:0;background:none;color:inherit;font:inherit";
      overlay.appendChild(title);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = message;
  }
  var events = new EventSource("/__stepbook/events");
  events.addEventListener("build", function (e) {
    var state = JSON.parse(e.data);
    if (!state.ok) {
      show(state.message);
    } else if (state.version !== served) {
      location.reload();
    }
  });
})();
