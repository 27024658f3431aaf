// Register page: confirm or reject a link, or set an item's status, then reload to show the
// recomputed register. The token (when the server needs one) is kept for this browser tab only.
(function () {
  "use strict";
  var token = document.getElementById("token");
  var note = document.getElementById("decision-message");
  if (token) token.value = sessionStorage.getItem("reportmine-token") || "";

  function send(method, url, body) {
    var headers = {"Content-Type": "application/json"};
    if (token && token.value) {
      sessionStorage.setItem("reportmine-token", token.value);
      headers.Authorization = "Bearer " + token.value;
    }
    note.textContent = "Saving…";
    return fetch(url, {method: method, headers: headers, body: JSON.stringify(body)}).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error(data.error || ("HTTP " + r.status));
        return data;
      });
    }).then(function () {
      note.textContent = "Saved.";
      window.location.reload();
    }).catch(function (err) {
      note.textContent = "Not saved: " + err.message;
    });
  }

  document.querySelectorAll("button.decide").forEach(function (b) {
    b.addEventListener("click", function () {
      send("POST", "/api/links/" + encodeURIComponent(b.dataset.link) + "/" + b.dataset.action, {note: null});
    });
  });
  document.querySelectorAll("button[data-set-status]").forEach(function (b) {
    b.addEventListener("click", function () {
      var id = b.dataset.setStatus;
      var select = document.querySelector('select[data-status-for="' + CSS.escape(id) + '"]');
      send("PUT", "/api/recommendations/" + encodeURIComponent(id) + "/status", {status: select.value, note: null});
    });
  });
})();
