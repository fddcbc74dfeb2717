/* Ôn tập (self-check quizzes) and reading progress.
   Data and labels come from assets/study-data.js (generated from content/),
   moved ids from assets/plan-data.js. Progress lives only in this browser's
   localStorage; nothing is sent anywhere. */
(function () {
  "use strict";
  var data = window.STUDY;
  if (!data) { return; }
  var L = data.labels;
  var P = data.progress;
  var aliases = (window.PLAN && window.PLAN.aliases) || {};

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  function siteBase() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  /* ---------------------------------------------------------------------
     Reading progress
     --------------------------------------------------------------------- */

  var known = {};
  data.sections.forEach(function (s) { s.items.forEach(function (id) { known[id] = s.id; }); });

  /* Stored ids of an older content: keep those still present, follow moved
     ids (moved_from aliases: old id -> "page.html#new-id"), drop the rest. */
  function normalize(ids, knownIds, aliasMap) {
    var out = {};
    Object.keys(ids || {}).forEach(function (id) {
      var target = id;
      if (!Object.prototype.hasOwnProperty.call(knownIds, target) && aliasMap[id]) {
        target = decodeURIComponent(aliasMap[id].split("#")[1] || "");
      }
      if (Object.prototype.hasOwnProperty.call(knownIds, target)) { out[target] = ids[id]; }
    });
    return out;
  }

  var storageOk = true;
  function load() {
    try {
      var raw = window.localStorage.getItem(data.storage);
      var parsed = raw ? JSON.parse(raw) : {};
      return normalize(parsed && parsed.read, known, aliases);
    } catch (e) {
      storageOk = false;
      return {};
    }
  }

  function save(read) {
    try {
      window.localStorage.setItem(data.storage, JSON.stringify({ version: 1, read: read }));
    } catch (e) {
      storageOk = false;
    }
  }

  var read = load();
  if (storageOk) { save(read); }  // drops ids that are gone, once

  var live;
  function announce(text) {
    if (!live) { return; }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 30);
  }

  function sectionCounts(s) {
    var n = 0;
    s.items.forEach(function (id) { if (read[id]) { n += 1; } });
    return { read: n, total: s.items.length };
  }

  function overall() {
    var r = 0, t = 0;
    data.sections.forEach(function (s) { var c = sectionCounts(s); r += c.read; t += c.total; });
    return { read: r, total: t, percent: t ? Math.round((100 * r) / t) : 0 };
  }

  var toggles = [];
  function makeToggle(ids, labelOff, labelOn, name) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "study-read-toggle";
    b.setAttribute("data-study-items", ids.join(" "));
    function sync() {
      var all = ids.every(function (id) { return read[id]; });
      b.setAttribute("aria-pressed", all ? "true" : "false");
      b.textContent = all ? labelOn : labelOff;
      b.setAttribute("aria-label", (all ? labelOn : labelOff) + ": " + name);
    }
    b.addEventListener("click", function () {
      var all = ids.every(function (id) { return read[id]; });
      ids.forEach(function (id) {
        if (all) { delete read[id]; } else { read[id] = Date.now(); }
      });
      save(read);
      refresh();
      announce(storageOk ? P.saved : P.unavailable);
    });
    toggles.push(sync);
    sync();
    return b;
  }

  function placeAfter(el, node) {
    var after = el;
    var next = el.nextElementSibling;
    if (next && next.classList.contains("plan-copy")) { after = next; }  // keep plan.js's bar right after
    after.insertAdjacentElement("afterend", node);
  }

  function addToggles() {
    var article = document.querySelector("article");
    if (!article) { return; }
    data.sections.forEach(function (s) {
      var head = article.querySelector("[id='" + s.id + "']");
      if (head && /^H[1-6]$/.test(head.tagName)) {
        var p = document.createElement("p");
        p.className = "study-read";
        p.appendChild(makeToggle(s.items, s.items.length > 1 || s.items[0] !== s.id ? P.mark_section : P.mark,
                                 s.items.length > 1 || s.items[0] !== s.id ? P.section_marked : P.marked, s.title));
        placeAfter(head, p);
      }
      s.items.forEach(function (id) {
        if (id === s.id) { return; }
        var el = article.querySelector("[id='" + id + "']");
        if (!el) { return; }
        var name = (el.textContent || id).replace(/\s+/g, " ").trim().slice(0, 80);
        var wrap = document.createElement("p");
        wrap.className = "study-read";
        wrap.appendChild(makeToggle([id], P.mark, P.marked, name));
        if (/^H[1-6]$/.test(el.tagName)) {
          placeAfter(el, wrap);
        } else {
          el.appendChild(wrap);
        }
      });
    });
  }

  function navBadges() {
    var pages = {};
    var base = siteBase();
    data.sections.forEach(function (s) { pages[new URL(s.page, base).href] = s; });
    var links = document.querySelectorAll(".md-nav__link[href]");
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      var s = pages[new URL(a.getAttribute("href"), location.href).href.split("#")[0]];
      if (!s) { continue; }
      var badge = a.querySelector(".study-nav-progress");
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "study-nav-progress";
        badge.setAttribute("data-section", s.id);
        a.appendChild(badge);
      }
      var c = sectionCounts(s);
      badge.textContent = fill(P.section, c);
      badge.setAttribute("title", fill(P.nav, c));
      badge.classList.toggle("study-nav-done", c.read === c.total);
    }
  }

  function homeBlock() {
    var box = document.querySelector("[data-study-progress]");
    if (!box) { return; }
    var body = box.querySelector(".study-progress-body");
    var base = siteBase();
    var o = overall();
    body.textContent = "";
    var p = document.createElement("p");
    p.className = "study-progress-overall";
    var bar = document.createElement("progress");
    bar.max = o.total;
    bar.value = o.read;
    bar.setAttribute("aria-label", P.title);
    p.appendChild(bar);
    var text = document.createElement("span");
    text.className = "study-progress-text";
    text.textContent = " " + fill(P.overall, o);
    p.appendChild(text);
    body.appendChild(p);
    var ul = document.createElement("ul");
    data.sections.forEach(function (s) {
      var li = document.createElement("li");
      li.setAttribute("data-section", s.id);
      var a = document.createElement("a");
      a.href = new URL(s.page, base).href;
      a.textContent = s.title;
      li.appendChild(a);
      var c = sectionCounts(s);
      var span = document.createElement("span");
      span.className = "study-progress-count";
      span.textContent = " — " + fill(P.section, c);
      li.appendChild(span);
      ul.appendChild(li);
    });
    body.appendChild(ul);
    box.hidden = false;
  }

  function refresh() {
    toggles.forEach(function (sync) { sync(); });
    navBadges();
    homeBlock();
  }

  function clearProgress() {
    read = {};
    try { window.localStorage.removeItem(data.storage); } catch (e) { storageOk = false; }
    refresh();
    announce(P.cleared);
  }

  /* ---------------------------------------------------------------------
     Quizzes
     --------------------------------------------------------------------- */

  function shuffle(list) {
    for (var i = list.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = list[i]; list[i] = list[j]; list[j] = t;
    }
    return list;
  }

  function initQuiz(quiz) {
    var questions = Array.prototype.slice.call(quiz.querySelectorAll(".study-q"));
    var score = quiz.querySelector(".study-score");
    var retry = quiz.querySelector(".study-retry");
    quiz.classList.add("study-js");

    function updateScore() {
      var answered = 0, right = 0;
      questions.forEach(function (q) {
        if (q.getAttribute("data-result")) { answered += 1; }
        if (q.getAttribute("data-result") === "right") { right += 1; }
      });
      var values = { score: right, total: questions.length, answered: answered };
      score.textContent = answered === questions.length ? fill(L.done, values) : fill(L.score, values);
    }

    function reset(q) {
      q.removeAttribute("data-result");
      var inputs = q.querySelectorAll("input[type=radio]");
      for (var i = 0; i < inputs.length; i++) {
        inputs[i].checked = false;
        inputs[i].disabled = false;
        inputs[i].closest("li").removeAttribute("data-mark");
      }
      q.querySelector(".study-feedback").textContent = "";
      var details = q.querySelector(".study-answer");
      details.open = false;
      details.hidden = true;
      q.querySelector(".study-check").hidden = false;
    }

    questions.forEach(function (q) {
      reset(q);
      q.querySelector(".study-check").addEventListener("click", function () {
        var chosen = q.querySelector("input[type=radio]:checked");
        var feedback = q.querySelector(".study-feedback");
        if (!chosen) {
          feedback.textContent = L.choose;
          return;
        }
        var answer = q.getAttribute("data-answer");
        var right = chosen.value === answer;
        var correctText = "";
        var inputs = q.querySelectorAll("input[type=radio]");
        for (var i = 0; i < inputs.length; i++) {
          var li = inputs[i].closest("li");
          if (inputs[i].value === answer) {
            li.setAttribute("data-mark", "right");
            correctText = li.querySelector(".study-option-text").textContent;
          } else if (inputs[i] === chosen) {
            li.setAttribute("data-mark", "wrong");
          }
          inputs[i].disabled = true;
        }
        q.setAttribute("data-result", right ? "right" : "wrong");
        feedback.textContent = right ? L.correct : fill(L.wrong, { answer: correctText });
        var details = q.querySelector(".study-answer");
        details.hidden = false;
        details.open = true;
        q.querySelector(".study-check").hidden = true;
        feedback.focus();
        updateScore();
      });
    });

    retry.hidden = false;
    retry.addEventListener("click", function () {
      questions.forEach(function (q) {
        reset(q);
        var list = q.querySelector(".study-options");
        var items = Array.prototype.slice.call(list.children);
        var before = items.map(function (li) { return li.querySelector("input").value; }).join("|");
        for (var tries = 0; tries < 8; tries++) {  // a new order, when there is more than one
          shuffle(items);
          if (items.length < 2 || items.map(function (li) { return li.querySelector("input").value; }).join("|") !== before) { break; }
        }
        items.forEach(function (li) { list.appendChild(li); });
      });
      updateScore();
      score.textContent = L.retried + " " + score.textContent;
      var first = quiz.querySelector(".study-q input[type=radio]");
      if (first) { first.focus(); }
    });
    updateScore();
  }

  /* ---------------------------------------------------------------------
     Start
     --------------------------------------------------------------------- */

  function init() {
    // plan.js's live region (it runs first); one of our own only without it.
    live = document.querySelector(".plan-live");
    if (!live) {
      live = document.body.appendChild(document.createElement("div"));
      live.className = "plan-visually-hidden";
      live.setAttribute("role", "status");
    }
    addToggles();
    refresh();
    var clear = document.querySelectorAll(".study-clear");
    for (var i = 0; i < clear.length; i++) { clear[i].addEventListener("click", clearProgress); }
    var quizzes = document.querySelectorAll(".study-quiz");
    for (var j = 0; j < quizzes.length; j++) { initQuiz(quizzes[j]); }
  }

  window.STUDY_PROGRESS = { normalize: normalize };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
