/* CSE awareness training – SCORM 1.2 API wrapper for the dispatch package.
 * Finds the LMS's SCORM 1.2 API (window.API in this window, a parent frame or the opener), reads who the
 * learner is, opens the hosted course for them (a new window, or a frame when the package says so), then
 * reports progress back while they work: cmi.core.lesson_status (incomplete -> passed/completed),
 * cmi.core.score.raw (0-100, as the course shows it) and cmi.core.session_time, committing each change.
 * It loads nothing but the course site named in config.js. */
(function () {
  "use strict";
  var cfg = window.CSE_DISPATCH || {};
  var POLL_MS = cfg.pollMs || 5000;
  var el = function (id) { return document.getElementById(id); };
  var say = function (text) { el("message").textContent = text; };
  var api = null, started = Date.now(), statusUrl = null, launchUrl = null, finished = false;
  var last = { lesson_status: null, score_raw: null };
  var order = { "not attempted": 0, "browsed": 0, "incomplete": 1, "failed": 1, "completed": 2, "passed": 2 };

  function findApi(win) {
    for (var hops = 0; win && hops < 10; hops += 1) {
      try { if (win.API) { return win.API; } } catch (e) { /* a frame we may not read */ }
      if (!win.parent || win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }

  function sessionTime() {
    var cs = Math.floor((Date.now() - started) / 10);
    var h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = Math.floor(cs / 100) % 60, c = cs % 100;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return two(h) + ":" + two(m) + ":" + two(s) + "." + two(c);
  }

  function set(name, value) {
    if (String(api.LMSGetValue(name)) !== String(value)) { api.LMSSetValue(name, String(value)); return true; }
    return false;
  }

  function apply(status) {
    var changed = false;
    if (status.score_raw !== last.score_raw) {
      changed = set("cmi.core.score.min", "0") || changed;
      changed = set("cmi.core.score.max", "100") || changed;
      changed = set("cmi.core.score.raw", String(status.score_raw)) || changed;
      last.score_raw = status.score_raw;
    }
    var current = String(api.LMSGetValue("cmi.core.lesson_status") || "not attempted");
    var wanted = status.lesson_status === "not attempted" ? "incomplete" : status.lesson_status;
    if ((order[wanted] || 0) > (order[current] || 0)) {  // only forward: incomplete -> passed/completed
      api.LMSSetValue("cmi.core.lesson_status", wanted);
      changed = true;
    }
    last.lesson_status = wanted;
    api.LMSSetValue("cmi.core.session_time", sessionTime());
    api.LMSCommit("");
    if (status.total) {
      el("progress").textContent = status.done + " of " + status.total + " units complete (" + status.score_raw + " %).";
    }
    return changed;
  }

  function poll() {
    if (!statusUrl || finished) { return; }
    fetch(statusUrl, { credentials: "omit", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (status) { if (status && !status.error) { apply(status); } })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { window.setTimeout(poll, POLL_MS); });
  }

  function openCourse() {
    if (cfg.frame) {
      var frame = el("course");
      frame.src = launchUrl;
      frame.hidden = false;
      say("The course is below. Your progress is saved to your learning platform as you go.");
      return;
    }
    var win = window.open(launchUrl, "cse-course");
    if (win) {
      el("open").hidden = true;
      say("The course has opened in a new window. Keep this page open: your progress is saved to your learning platform from here.");
    } else {
      el("open").hidden = false;
      say("Your browser stopped the course opening in a new window. Select “Open the course” to open it.");
    }
  }

  function finish() {
    if (!api || finished) { return; }
    finished = true;
    api.LMSSetValue("cmi.core.session_time", sessionTime());
    api.LMSCommit("");
    api.LMSFinish("");
  }

  function start() {
    api = findApi(window) || (window.opener ? findApi(window.opener) : null);
    if (!api) {
      say("This page must be opened from your learning platform (no SCORM 1.2 connection was found).");
      return;
    }
    if (String(api.LMSInitialize("")) !== "true") {
      say("Your learning platform did not let this course start. Close it and open it again.");
      return;
    }
    if (String(api.LMSGetValue("cmi.core.lesson_status") || "not attempted") === "not attempted") {
      api.LMSSetValue("cmi.core.lesson_status", "incomplete");
    }
    api.LMSCommit("");
    var body = new URLSearchParams({
      key: cfg.key || "",
      learner_id: String(api.LMSGetValue("cmi.core.student_id") || ""),
      learner_name: String(api.LMSGetValue("cmi.core.student_name") || "")
    });
    fetch(cfg.site + "/scorm/session/", { method: "POST", body: body, credentials: "omit" })
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (answer) {
        if (!answer.ok) { say(answer.data.error || "The course could not be opened."); return; }
        launchUrl = answer.data.launch_url;
        statusUrl = answer.data.status_url;
        el("open").addEventListener("click", openCourse);
        openCourse();
        poll();
      })
      .catch(function () { say("We could not reach the course website. Check your connection and open the course again."); });
  }

  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
  start();
})();
