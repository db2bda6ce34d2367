/* Behaviour every page shares, kept out of the markup (the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";
  // A <select data-autosubmit> sends its form when changed (the language switch).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });
})();
