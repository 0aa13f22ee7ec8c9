// LTI Dynamic Registration 1.0, section 3.6.1: tell the LMS page that opened us that we are done.
(function () {
  "use strict";
  var target = window.opener || (window.parent !== window ? window.parent : null);
  if (target) {
    target.postMessage({ subject: "org.imsglobal.lti.close" }, "*");
  }
})();
