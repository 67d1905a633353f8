// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // Registration: show the SME size field only for SMEs.
  var kind = document.getElementById("kind");
  var sizeField = document.getElementById("sme_size-field");
  if (kind && sizeField) {
    var sync = function () { sizeField.hidden = kind.value !== "sme"; };
    kind.addEventListener("change", sync);
    sync();
  }
  // Move focus to the error summary so keyboard and screen-reader users hear it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // Buttons that ask before acting: <button data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
    // A form is sent once: a double click does not submit twice.
    var form = event.target;
    if (!event.defaultPrevented) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
    }
  });
})();
