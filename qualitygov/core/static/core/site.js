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
  // The progress board: a coloured cell is a button named by its reason; focusing, clicking or pointing
  // at it shows that reason in the board's panel (#board-why), so it is read without hovering.
  function showWhy(event) {
    var cell = event.target instanceof Element ? event.target.closest("button.board-cell") : null;
    var panel = document.getElementById("board-why");
    if (!cell || !panel) {
      return;
    }
    var current = document.querySelector("button.board-cell.board-cell-current");
    if (current) {
      current.classList.remove("board-cell-current");
    }
    cell.classList.add("board-cell-current");
    panel.textContent = cell.textContent;
  }
  document.addEventListener("focusin", showWhy);
  document.addEventListener("click", showWhy);
  document.addEventListener("mouseover", showWhy);
})();
