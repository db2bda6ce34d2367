/* Starts Redoc on the API docs page with the settings the page embeds (json_script), no inline script. */
(function () {
  "use strict";
  var node = document.getElementById("redoc-settings");
  var container = document.getElementById("redoc-container");
  if (!node || !container || typeof Redoc === "undefined") { return; }
  var settings = JSON.parse(node.textContent);  // the view hands over its settings as JSON text
  if (typeof settings === "string") { settings = JSON.parse(settings); }
  Redoc.init(container.getAttribute("data-schema-url"), settings, container);
})();
