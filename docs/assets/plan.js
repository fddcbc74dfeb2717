/* Copy-link / copy-citation buttons on every citable element, and landing on the
   unit a link points to (also through ids declared with moved_from).
   Labels and aliases come from assets/plan-data.js, generated from content/. */
(function () {
  "use strict";
  var data = window.PLAN || { labels: {}, aliases: {}, ids: [] };
  var L = data.labels;
  var live;
  var own = function (object, key) { return Object.prototype.hasOwnProperty.call(object, key); };
  // Icons drawn inline (no icon font, no request): Material Design Icons paths.
  var ICONS = {
    link: "M3.9,12C3.9,10.29 5.29,8.9 7,8.9H11V7H7A5,5 0 0,0 2,12A5,5 0 0,0 7,17H11V15.1H7C5.29,15.1 " +
      "3.9,13.71 3.9,12M8,13H16V11H8V13M17,7H13V8.9H17C18.71,8.9 20.1,10.29 20.1,12C20.1,13.71 18.71,15.1 " +
      "17,15.1H13V17H17A5,5 0 0,0 22,12A5,5 0 0,0 17,7Z",
    citation: "M14,17H17L19,13V7H13V13H16M6,17H9L11,13V7H5V13H8L6,17Z",
    share: "M18,16.08C17.24,16.08 16.56,16.38 16.04,16.85L8.91,12.7C8.96,12.47 9,12.24 9,12C9,11.76 " +
      "8.96,11.53 8.91,11.3L15.96,7.19C16.5,7.69 17.21,8 18,8A3,3 0 0,0 21,5A3,3 0 0,0 18,2A3,3 0 0,0 " +
      "15,5C15,5.24 15.04,5.47 15.09,5.7L8.04,9.81C7.5,9.31 6.79,9 6,9A3,3 0 0,0 3,12A3,3 0 0,0 6,15C6.79,15 " +
      "7.5,14.69 8.04,14.19L15.16,18.34C15.11,18.55 15.08,18.77 15.08,19C15.08,20.61 16.39,21.91 " +
      "18,21.91C19.61,21.91 20.92,20.61 20.92,19A2.92,2.92 0 0,0 18,16.08Z"
  };

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

  function icon(kind) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", ICONS[kind]);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  // "Đã sao chép" where the reader is looking, besides the live region's message.
  function confirmNear(bar, text) {
    var note = bar.querySelector(".plan-copied");
    if (!note) {
      note = document.createElement("span");
      note.className = "plan-copied";
      note.setAttribute("aria-hidden", "true");  // the live region says it to screen readers
      bar.appendChild(note);
    }
    note.textContent = text;
    bar.classList.add("plan-copy-done");
    window.clearTimeout(note.timer);
    note.timer = window.setTimeout(function () {
      bar.classList.remove("plan-copy-done");
      note.textContent = "";
    }, 2500);
  }

  function button(label, cite, kind, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "plan-copy-button plan-copy-" + kind;
    b.title = label;
    b.setAttribute("aria-label", label + ": " + cite);
    b.appendChild(icon(kind));
    b.addEventListener("click", function (event) {
      event.preventDefault();
      event.stopPropagation();
      action(b);
    });
    return b;
  }

  function copier(kind, payload) {
    return function (b) {
      var bar = b.parentNode;
      copyText(payload()).then(function () {
        announce(kind === "link" ? L.copied_link : L.copied_citation);
        confirmNear(bar, L.copied);
      }, function () { announce(L.failed); confirmNear(bar, L.failed); });
    };
  }

  function addTools(el) {
    var cite = el.getAttribute("data-cite");
    // The handout copies short URLs (data-short); elsewhere the unit's own address.
    var target = el.getAttribute("data-short") || el.getAttribute("data-href");
    var url = function () {
      var href = new URL(target, location.href).href;
      return location.protocol === "file:" ? href : href.replace(/index\.html$/, "");
    };
    var bar = document.createElement("span");
    bar.className = "plan-copy";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", cite);
    bar.appendChild(button(L.link, cite, "link", copier("link", url)));
    bar.appendChild(button(L.citation, cite, "citation",
                           copier("citation", function () { return cite + ". " + url(); })));
    if (typeof navigator.share === "function") {  // the phone's share sheet; copying stays beside it
      bar.appendChild(button(L.share, cite, "share", function (b) {
        navigator.share({ title: cite, text: cite, url: url() }).catch(function (error) {
          if (!error || error.name !== "AbortError") { copier("link", url)(b); }
        });
      }));
    }
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
    } else if (!el && own(data.aliases, id)) {  // not "constructor", "__proto__" …
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

  function foldedTerms(query) {
    var terms = Object.create(null);
    queryWords(query).forEach(function (w) { terms[fold(w)] = true; });
    return terms;
  }

  // Replace the marks inside `root` by marks on whole words matching `terms`.
  function remark(root, terms, skip) {
    var marks = root.querySelectorAll("mark");
    for (var m = 0; m < marks.length; m++) {
      marks[m].replaceWith(document.createTextNode(marks[m].textContent));
    }
    root.normalize();
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentNode.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    nodes.forEach(function (node) { markWords(node, terms); });
  }

  function highlightResults(list) {
    var input = document.querySelector("input.md-search__input");
    if (!input) { return; }
    var terms = foldedTerms(input.value);
    var articles = list.querySelectorAll("article.md-search-result__article");
    for (var i = 0; i < articles.length; i++) {
      if (articles[i].getAttribute("data-plan-marked") === input.value) { continue; }
      articles[i].setAttribute("data-plan-marked", input.value);
      remark(articles[i], terms, ".md-search-result__terms");
    }
  }

  // The page a result opens (?h=…): Material marks prefixes of the raw terms
  // ("dan" in "danh", never "dân"); mark the folded whole words instead.
  function highlightPage() {
    var query = new URLSearchParams(location.search).get("h");
    var article = document.querySelector("article.md-content__inner");
    if (!query || !article) { return; }
    remark(article, foldedTerms(query), "script, style, svg, .plan-copy, .headerlink");
  }

  function markWords(node, terms) {
    var text = node.nodeValue, last = 0, match, out = null;
    WORD.lastIndex = 0;
    while ((match = WORD.exec(text)) !== null) {
      if (!own(terms, fold(match[0]))) { continue; }
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

  /* ---- 404: a mistyped short URL or an old QR code ----
     For an address like k/II-44/, offer the nearest known short URL (ids
     from assets/plan-data.js; no request). */
  function distance(a, b) {
    var row = [], i, j, prev, next;
    for (j = 0; j <= b.length; j++) { row.push(j); }
    for (i = 1; i <= a.length; i++) {
      prev = row[0];
      row[0] = i;
      for (j = 1; j <= b.length; j++) {
        next = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = next;
      }
    }
    return row[b.length];
  }

  function nearestId(wanted, ids) {
    var w = wanted.toLowerCase(), best = null, bestScore = Infinity;
    for (var i = 0; i < ids.length; i++) {
      var score = distance(w, ids[i].toLowerCase());
      if (score < bestScore) { best = ids[i]; bestScore = score; }
    }
    return bestScore <= Math.max(2, Math.ceil(w.length / 3)) ? best : null;
  }

  function suggestShortUrl() {
    var box = document.querySelector(".plan-404-suggest");
    var match = /\/k\/([^/?#]+)/i.exec(location.pathname);
    if (!box || !match || !data.ids) { return; }
    var best = nearestId(decodeURIComponent(match[1]), data.ids);
    if (!best) { return; }
    var link = document.createElement("a");
    link.href = new URL("k/" + encodeURIComponent(best) + "/", siteBase()).href;
    link.textContent = "k/" + best + "/";
    box.textContent = ((L.not_found || {}).suggest || "") + " ";
    box.appendChild(link);
    box.hidden = false;
  }

  /* A table or code block wider than the page scrolls inside its own box;
     keyboard users need to reach that scroller (WCAG 2.1.1, axe
     scrollable-region-focusable). Material makes a scrolling code block
     focusable only where the pointer can hover, so on a phone (the editors'
     YAML examples are wider than it) with a keyboard it could not be scrolled. */
  function focusableScrollers() {
    var codes = document.querySelectorAll("article pre > code");
    for (var c = 0; c < codes.length; c++) {
      if (codes[c].scrollWidth > codes[c].clientWidth + 1) {
        codes[c].setAttribute("tabindex", "0");
      } else {
        codes[c].removeAttribute("tabindex");
      }
    }
    var wraps = document.querySelectorAll("article .md-typeset__scrollwrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", (L.table || "") + " " + (i + 1));  // landmarks need unique names
      } else if (!scrolls && wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    }
  }

  function init() {
    watchSearchResults();
    focusableScrollers();
    window.addEventListener("load", focusableScrollers);
    // After Material's own highlighting of ?h= (it runs as the page loads).
    window.addEventListener("load", function () { window.setTimeout(highlightPage, 0); });
    window.addEventListener("resize", focusableScrollers);
    suggestShortUrl();
    live = document.createElement("div");
    live.className = "plan-visually-hidden plan-live";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    document.body.appendChild(live);
    var citables = document.querySelectorAll("article [data-cite]");
    for (var i = 0; i < citables.length; i++) { addTools(citables[i]); }
    land();
    window.addEventListener("hashchange", land);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
