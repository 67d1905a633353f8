// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // Registration: the SME size field only for SMEs, the CNIPA agency code only for agencies.
  var kind = document.getElementById("kind");
  var onlyFor = { "sme_size-field": "sme", "cnipa_agency_code-field": "agency" };
  if (kind) {
    var sync = function () {
      Object.keys(onlyFor).forEach(function (id) {
        var el = document.getElementById(id);
        if (el) { el.hidden = kind.value !== onlyFor[id]; }
      });
    };
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
      // Long work: <button data-busy="Working…" data-busy-note="id of a hidden note">.
      if (button && button.dataset.busy) {
        button.textContent = button.dataset.busy;
        button.setAttribute("aria-disabled", "true");
        form.setAttribute("aria-busy", "true");
        var note = button.dataset.busyNote && document.getElementById(button.dataset.busyNote);
        if (note) { note.hidden = false; }
      }
    }
  });
})();

// Listing and offer forms: show only the fields that apply to the chosen offer and fee.
(function () {
  "use strict";
  var form = document.getElementById("listing-form");
  if (!form) { return; }
  var kind = form.querySelector("[name=kind]");
  var mode = form.querySelector("[name=upfront_mode]");
  var deferral = form.querySelector("[name=deferral_kind]");
  function show(selector, visible) {
    form.querySelectorAll(selector).forEach(function (el) { el.hidden = !visible; });
  }
  function sync() {
    var k = kind ? kind.value : "";
    show(".only-licence", k === "licence");
    show(".only-licensing", k !== "assignment");
    show(".only-assignment", k === "assignment");
    show(".only-open", k === "open_licence");
    var deferred = mode && mode.value === "deferred";
    show(".only-deferred", deferred);
    var months = form.querySelector("#deferral_months-field");
    if (months) { months.hidden = !(deferred && deferral && deferral.value === "months"); }
    var fee = form.querySelector("#upfront_fee_fen-field");
    if (fee) { fee.hidden = !mode || mode.value === "waived" || k === "assignment"; }
  }
  [kind, mode, deferral].forEach(function (el) { if (el) { el.addEventListener("change", sync); } });
  sync();
})();

// Import: upload with a progress bar (the page still works as a plain form without JS).
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  form.addEventListener("submit", function (event) {
    var box = document.getElementById(form.dataset.progress);
    var bar = box && box.querySelector("progress");
    if (!bar) { return; }
    event.preventDefault();
    box.hidden = false;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round(e.loaded / e.total * 90); }
    });
    xhr.upload.addEventListener("load", function () { bar.removeAttribute("value"); });
    xhr.addEventListener("load", function () {
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.send(new FormData(form));
  });
})();

// Sort selects submit on change; their Apply button is for no-JS users.
(function () {
  "use strict";
  document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
    var button = select.form && select.form.querySelector(".js-hide");
    if (button) { button.hidden = true; }
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();

// A region that waits for something (a payment's confirmation) re-reads its own page every few
// seconds and swaps itself in place, without reloading the page (a timed reload, as a meta
// refresh does, moves keyboard and screen-reader users away from where they were). It stops
// once the fresh page no longer waits.
(function () {
  "use strict";
  var region = document.querySelector("[data-poll]");
  if (!region) { return; }
  var every = parseInt(region.getAttribute("data-poll"), 10) || 3000;
  function poll() {
    fetch(location.href, { credentials: "same-origin" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
      if (!fresh) { setTimeout(poll, every); return; }
      region.innerHTML = fresh.innerHTML;
      if (fresh.hasAttribute("data-poll")) { setTimeout(poll, every); }
      else { region.removeAttribute("data-poll"); }
    }).catch(function () { setTimeout(poll, every); });
  }
  setTimeout(poll, every);
})();
