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

  /* ---- Search: rank whole words first, highlight what the reader meant ----
     Material's search appends a wildcard to every query term ("dan" finds
     "danh", "quy" finds "quyết" in a title, which weighs a thousand times
     more); the index (plansite/searchfold.py) holds folded titles and text.
     Each query sent to the search worker also asks for every term as a whole
     word, with a boost, so "quy che dan chu" ranks "Quy chế dân chủ" first.
     In the results, <mark> then falls on whole words whose folded form is a
     folded query term: "dan" marks "dân", never the "dan" of "danh". */
  var WORD = /[0-9A-Za-z\u00C0-\u024F\u1E00-\u1EFF]+/g;
  var EXACT_BOOST = 10;
  var PAIR_BOOST = 20;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/\u0111/g, "d").replace(/\u0110/g, "D").toLowerCase();
  }

  function queryWords(query) {
    return (query.match(WORD) || []).map(function (w) { return w.toLowerCase(); });
  }

  // Each word as a whole word, and each pair of adjacent words (the index's
  // "pairs" field, plansite/searchfold.py word_pairs) as a near-phrase.
  function boostWholeWords(query) {
    var words = queryWords(query);
    if (!words.length || /[:~^+*"]|(^|\s)-/.test(query)) { return query; }
    var extra = words.map(function (w) { return w + "^" + EXACT_BOOST; });
    for (var i = 0; i + 1 < words.length; i++) {
      extra.push(fold(words[i]) + "_" + fold(words[i + 1]) + "^" + PAIR_BOOST);
    }
    return query + " " + extra.join(" ");
  }

  function patchSearchWorker() {
    var Worker = window.Worker;
    if (!Worker || !Worker.prototype || Worker.prototype.__planPatched) { return; }
    var post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message) {
      // Material's query message: {type: 2 (SearchMessageType.QUERY), data: "..."}
      if (message && message.type === 2 && typeof message.data === "string") {
        message = { type: 2, data: boostWholeWords(message.data) };
      }
      return post.apply(this, [message].concat([].slice.call(arguments, 1)));
    };
    Worker.prototype.__planPatched = true;
  }

  function highlightResults(list) {
    var input = document.querySelector("input.md-search__input");
    if (!input) { return; }
    var terms = {};
    queryWords(input.value).forEach(function (w) { terms[fold(w)] = true; });
    var articles = list.querySelectorAll("article.md-search-result__article");
    for (var i = 0; i < articles.length; i++) {
      var article = articles[i];
      if (article.getAttribute("data-plan-marked") === input.value) { continue; }
      article.setAttribute("data-plan-marked", input.value);
      var marks = article.querySelectorAll("mark");
      for (var m = 0; m < marks.length; m++) {
        marks[m].replaceWith(document.createTextNode(marks[m].textContent));
      }
      article.normalize();
      var walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
        acceptNode: function (node) {
          return node.parentNode.closest(".md-search-result__terms") ? NodeFilter.FILTER_REJECT
            : NodeFilter.FILTER_ACCEPT;
        }
      });
      var nodes = [];
      while (walker.nextNode()) { nodes.push(walker.currentNode); }
      nodes.forEach(function (node) { markWords(node, terms); });
    }
  }

  function markWords(node, terms) {
    var text = node.nodeValue, last = 0, match, out = null;
    WORD.lastIndex = 0;
    while ((match = WORD.exec(text)) !== null) {
      if (!Object.prototype.hasOwnProperty.call(terms, fold(match[0]))) { continue; }
      out = out || document.createDocumentFragment();
      out.appendChild(document.createTextNode(text.slice(last, match.index)));
      var mark = document.createElement("mark");
      mark.setAttribute("data-md-highlight", "");
      mark.textContent = match[0];
      out.appendChild(mark);
      last = match.index + match[0].length;
    }
    if (out) {
      out.appendChild(document.createTextNode(text.slice(last)));
      node.parentNode.replaceChild(out, node);
    }
  }

  function watchSearchResults() {
    var list = document.querySelector(".md-search-result__list");
    if (!list || !window.MutationObserver) { return; }
    new MutationObserver(function () { highlightResults(list); })
      .observe(list, { childList: true, subtree: true });
  }

  patchSearchWorker();

  function init() {
    watchSearchResults();
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
