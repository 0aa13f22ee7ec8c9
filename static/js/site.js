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
  // Pages that wait for something (a certificate being prepared) reload themselves politely.
  var refresh = document.querySelector("[data-refresh-seconds]");
  if (refresh) {
    var seconds = parseInt(refresh.getAttribute("data-refresh-seconds"), 10) || 5;
    setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
