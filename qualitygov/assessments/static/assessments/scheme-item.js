// The item form: show only the parameter fields of the chosen scoring method.
(function () {
  "use strict";
  var select = document.querySelector("[data-method-select]");
  if (!select) { return; }
  function sync() {
    document.querySelectorAll("[data-param-of]").forEach(function (row) {
      row.hidden = row.getAttribute("data-param-of") !== select.value;
    });
    var none = document.querySelector("[data-no-params]");
    if (none) {
      none.hidden = document.querySelector('[data-param-of="' + select.value + '"]') !== null;
    }
  }
  select.addEventListener("change", sync);
  sync();
})();
