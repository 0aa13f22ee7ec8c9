// The LMS side: scorm-again's SCORM 1.2 API as window.API, committing to this test LMS's /commit, with the
// learner the LMS knows; then the package's launch page in a frame, as an LMS shows a SCO.
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  window.API = new Scorm12API({
    lmsCommitUrl: "/commit",
    dataCommitFormat: "flattened",
    autocommit: false,
    logLevel: 5
  });
  window.API.loadFromJSON({ core: { student_id: params.get("id"), student_name: params.get("name") } });
  document.getElementById("sco").src = "/sco/launch.html";
})();
