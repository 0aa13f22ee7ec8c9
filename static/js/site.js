/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  // Move focus to the error summary so screen readers announce it.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
  // Stop a double click from sending a form twice.
  document.querySelectorAll("form[data-prevent-double-submit]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted === "true") { event.preventDefault(); return; }
      form.dataset.submitted = "true";
      setTimeout(function () { form.dataset.submitted = "false"; }, 10000);
    });
  });
  // Copy buttons (shown only where copying works): copy the text of the element they name.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector('[data-copy-status="' + button.getAttribute("data-copy") + '"]');
    if (!source || !navigator.clipboard || !window.isSecureContext) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        if (status) { status.textContent = "Link copied"; }
      }, function () {
        if (status) { status.textContent = "Could not copy: select the link and copy it yourself"; }
      });
    });
  });
  // Pages that wait for something (a certificate being prepared) reload themselves politely.
  var refresh = document.querySelector("[data-refresh-seconds]");
  if (refresh) {
    var seconds = parseInt(refresh.getAttribute("data-refresh-seconds"), 10) || 5;
    setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
