// Measure picker on the indicator form: a click adds the measure's key to the formula at the cursor.
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert-measure]");
    if (!button) return;
    var field = document.querySelector('[data-formula-input="' + button.dataset.target + '"]');
    if (!field) return;
    var key = button.dataset.insertMeasure;
    var start = field.selectionStart != null ? field.selectionStart : field.value.length;
    var end = field.selectionEnd != null ? field.selectionEnd : field.value.length;
    var before = field.value.slice(0, start);
    var spacer = before && !/[\s(]$/.test(before) ? " " : "";
    field.value = before + spacer + key + field.value.slice(end);
    var caret = (before + spacer + key).length;
    field.focus();
    field.setSelectionRange(caret, caret);
  });
})();
