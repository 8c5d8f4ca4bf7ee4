/*
 * The filter panel is a <details>: collapsed above the results on phones, always open in the
 * left column on wide screens. Browsers with ::details-content get that from CSS alone; this
 * opens the panel for the others. Without JavaScript it still opens with a click.
 */
(function () {
  "use strict";
  var panel = document.querySelector("[data-filter-panel]");
  if (!panel) {
    return;
  }
  var wide = window.matchMedia("(min-width: 60em)");
  function sync() {
    if (wide.matches) {
      panel.open = true;
    }
  }
  sync();
  wide.addEventListener("change", sync);
})();
