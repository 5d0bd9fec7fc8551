// cadre's one script, an addition to pages that work without it: on a phone, filters that are
// not in use fold behind their button, so the first results show without scrolling.
(function () {
  if (!window.matchMedia || !window.matchMedia("(max-width: 640px)").matches) return;
  document.querySelectorAll("details[data-fold-on-phone]").forEach(function (d) {
    if (!d.hasAttribute("data-active")) d.open = false;
  });
})();
