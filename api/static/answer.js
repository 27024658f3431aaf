// Answer page: posts the proposal (text or file), then renders asks, evidence and the draft.
// Everything from the server is written with textContent; links are built with encodeURIComponent.
(function () {
  "use strict";
  var form = document.getElementById("answer");
  var status = document.getElementById("answer-status");
  var result = document.getElementById("answer-result");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function docLink(e) {
    var a = el("a", null, e.doc);
    a.href = "/documents/" + encodeURIComponent(e.doc_id) + "?hit=" + e.start + "-" + e.end + "#hit";
    return a;
  }

  function evidenceList(title, items) {
    var wrap = el("div");
    if (!items.length) return wrap;
    wrap.appendChild(el("h4", null, title));
    var ul = el("ul", "links");
    items.forEach(function (e) {
      var li = el("li", "link");
      var head = el("div");
      head.appendChild(el("span", "score", e.score.toFixed(2)));
      head.appendChild(document.createTextNode(" "));
      head.appendChild(docLink(e));
      head.appendChild(el("span", "muted small", " " + [e.doc_type, e.region, e.year].filter(Boolean).join(" · ") + " — " + e.reason));
      li.appendChild(head);
      li.appendChild(el("p", "evidence", e.text));
      ul.appendChild(li);
    });
    wrap.appendChild(ul);
    return wrap;
  }

  function show(data) {
    document.getElementById("answer-class").textContent = data.suggested_class;
    document.getElementById("answer-reason").textContent = data.reason;
    var asks = document.getElementById("asks");
    asks.replaceChildren();
    data.asks.forEach(function (a) {
      var li = el("li", "item");
      li.appendChild(el("p", "itemtext", a.text));
      if (!a.evidence.length) li.appendChild(el("p", "small muted", "No evidence found in the stored documents."));
      li.appendChild(evidenceList("Evidence", a.evidence));
      li.appendChild(evidenceList("Planned measures", a.measures));
      if (a.related_recommendations.length) {
        li.appendChild(el("h4", null, "Related recommendations"));
        var ul = el("ul", "stmts");
        a.related_recommendations.forEach(function (r) { ul.appendChild(el("li", null, "[" + r.status + "] " + r.text)); });
        li.appendChild(ul);
      }
      asks.appendChild(li);
    });
    var draft = document.getElementById("draft");
    draft.replaceChildren();
    data.draft.paragraphs.forEach(function (p) { draft.appendChild(el("p", null, p)); });
    var notes = document.getElementById("notes");
    notes.replaceChildren();
    data.draft.notes.forEach(function (n) { notes.appendChild(el("li", null, n)); });
    result.hidden = false;
  }

  function request(format) {
    var file = document.getElementById("proposal-file").files[0];
    var region = document.getElementById("region").value.trim() || null;
    if (file) {
      var data = new FormData();
      data.append("file", file, file.name);
      if (region) data.append("region", region);
      data.append("format", format);
      return fetch("/api/answer/file", {method: "POST", body: data});
    }
    var text = document.getElementById("proposal").value;
    return fetch("/api/answer", {method: "POST", headers: {"Content-Type": "application/json"},
                                 body: JSON.stringify({text: text, region: region, format: format})});
  }

  function failed(r) {
    return r.json().then(function (body) { throw new Error(body.error || ("HTTP " + r.status)); });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    status.textContent = "Searching…";
    request("json").then(function (r) { return r.ok ? r.json() : failed(r); }).then(function (data) {
      status.textContent = "";
      show(data);
    }).catch(function (err) { status.textContent = "Could not answer: " + err.message; });
  });

  document.getElementById("docx").addEventListener("click", function () {
    status.textContent = "Drafting…";
    request("docx").then(function (r) { return r.ok ? r.blob() : failed(r); }).then(function (blob) {
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "reply-draft.docx";
      document.body.appendChild(a);
      a.click();
      a.remove();
      status.textContent = "Downloaded.";
    }).catch(function (err) { status.textContent = "Could not draft: " + err.message; });
  });
})();
