/* Starts Redoc on the API docs page with the settings the page embeds (json_script), no inline script.
 *
 * Redoc's bundle always adds its vendor's attribution to the side menu, with a logo from a CDN (no
 * setting turns it off). An intranet has no internet, and the page loads from this server alone: an
 * image address on another host is never set, so the browser asks no other host (the page's
 * stylesheet hides the attribution link). */
(function () {
  "use strict";
  var node = document.getElementById("redoc-settings");
  var container = document.getElementById("redoc-container");
  if (!node || !container || typeof Redoc === "undefined") { return; }
  var settings = JSON.parse(node.textContent);  // the view hands over its settings as JSON text
  if (typeof settings === "string") { settings = JSON.parse(settings); }

  function elsewhere(value) {
    var url = new URL(String(value), document.baseURI);
    return url.origin !== location.origin && url.protocol !== "data:" && url.protocol !== "blob:";
  }
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this.tagName === "IMG" && String(name).toLowerCase() === "src" && elsewhere(value)) { return; }
    return setAttribute.call(this, name, value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true, enumerable: src.enumerable, get: src.get,
    set: function (value) { if (!elsewhere(value)) { src.set.call(this, value); } }
  });
  Redoc.init(container.getAttribute("data-schema-url"), settings, container);
})();
