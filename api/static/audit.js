// Audit page: runs the audit over the stored reports (a write: it stores the scores), then reloads.
(function () {
  "use strict";
  var form = document.getElementById("run-audit");
  var token = document.getElementById("token");
  var status = document.getElementById("audit-status");
  if (token) token.value = sessionStorage.getItem("reportmine-token") || "";
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var headers = {"Content-Type": "application/json"};
    if (token && token.value) {
      sessionStorage.setItem("reportmine-token", token.value);
      headers.Authorization = "Bearer " + token.value;
    }
    status.textContent = "Auditing…";
    fetch("/api/audit", {method: "POST", headers: headers, body: JSON.stringify({doc_ids: null})})
      .then(function (r) { return r.json().then(function (b) { if (!r.ok) throw new Error(b.error); return b; }); })
      .then(function (b) { status.textContent = b.audited + " reports audited."; window.location.reload(); })
      .catch(function (err) { status.textContent = "Not audited: " + err.message; });
  });
})();
