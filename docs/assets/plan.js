/* Copy-link / copy-citation buttons on every citable unit, and landing on the
   unit a link points to (also through ids declared with moved_from).
   Labels and aliases come from assets/plan-data.js, generated from content/. */
(function () {
  "use strict";
  var data = window.PLAN || { labels: {}, aliases: {} };
  var L = data.labels;
  var live;

  function siteBase() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  function announce(text) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 30);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "plan-visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy")); }
    });
  }

  function button(label, cite, kind, payload) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "plan-copy-button plan-copy-" + kind;
    b.textContent = label;
    b.setAttribute("aria-label", label + ": " + cite);
    b.addEventListener("click", function (event) {
      event.preventDefault();
      event.stopPropagation();
      copyText(payload()).then(function () {
        announce(kind === "link" ? L.copied_link : L.copied_citation);
      }, function () { announce(L.failed); });
    });
    return b;
  }

  function addTools(el) {
    var cite = el.getAttribute("data-cite");
    var url = function () { return new URL(el.getAttribute("data-href"), location.href).href; };
    var bar = document.createElement("span");
    bar.className = "plan-copy";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", cite);
    bar.appendChild(button(L.link, cite, "link", url));
    bar.appendChild(button(L.citation, cite, "citation", function () { return cite + ". " + url(); }));
    if (/^H[1-6]$/.test(el.tagName)) {
      el.insertAdjacentElement("afterend", bar);   // keep the heading's own text clean
    } else if (el.tagName === "DIV" && el.firstElementChild && el.firstElementChild.tagName === "P") {
      el.firstElementChild.appendChild(bar);
    } else {
      el.appendChild(bar);
    }
  }

  function land() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) { return; }
    var el = document.getElementById(id);
    if (el && el.classList.contains("plan-alias")) {
      id = el.getAttribute("data-alias-of");
      history.replaceState(null, "", "#" + id);
      el = document.getElementById(id);
    } else if (!el && data.aliases[id]) {
      location.replace(new URL(data.aliases[id], siteBase()).href);
      return;
    }
    if (!el) { return; }
    var old = document.querySelectorAll(".plan-landed");
    for (var i = 0; i < old.length; i++) {
      old[i].classList.remove("plan-landed");
      var badge = old[i].querySelector(".plan-landed-badge");
      if (badge) { badge.remove(); }
    }
    el.classList.add("plan-landed");
    var mark = document.createElement("span");
    mark.className = "plan-landed-badge";
    mark.textContent = L.landed;
    el.insertBefore(mark, el.firstChild);
    if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "-1"); }
    el.scrollIntoView({ block: "start" });
    el.focus({ preventScroll: true });
  }

  function init() {
    live = document.createElement("div");
    live.className = "plan-visually-hidden plan-live";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    document.body.appendChild(live);
    var units = document.querySelectorAll("article [data-cite]");
    for (var i = 0; i < units.length; i++) { addTools(units[i]); }
    land();
    window.addEventListener("hashchange", land);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
