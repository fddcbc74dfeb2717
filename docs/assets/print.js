/* "Print this section" buttons (plansite/downloads.py renders them hidden, so
   they only show where this script runs). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-plan-print]");
    if (button) window.print();
  });
  document.querySelectorAll("[data-plan-print]").forEach(function (b) { b.hidden = false; });
})();
