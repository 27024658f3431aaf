// Upload page: sends the chosen files with XHR so the progress bar can follow the upload,
// then lists what the server did with each file. Server text is written with textContent.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  var input = document.getElementById("files");
  var token = document.getElementById("token");
  var bar = document.getElementById("progress");
  var barText = document.getElementById("progress-text");
  var button = document.getElementById("send");
  var results = document.getElementById("results");
  var rows = document.getElementById("result-rows");
  var maxFiles = Number(form.dataset.maxFiles);
  var maxBytes = Number(form.dataset.maxBytes);

  if (token) token.value = sessionStorage.getItem("reportmine-token") || "";

  function cell(tr, value) {
    var td = tr.insertCell();
    if (value instanceof Node) td.appendChild(value); else td.textContent = value === undefined || value === null ? "" : String(value);
    return td;
  }

  function showResults(files) {
    rows.replaceChildren();
    files.forEach(function (f) {
      var tr = rows.insertRow();
      tr.className = f.status;
      var name = document.createTextNode(f.name);
      if (f.doc_ids && f.doc_ids.length) {
        name = document.createElement("a");
        name.href = "/documents/" + encodeURIComponent(f.doc_ids[0]);
        name.textContent = f.name;
      }
      cell(tr, name);
      cell(tr, f.status);
      cell(tr, f.figures);
      cell(tr, f.statements);
      cell(tr, f.error || (f.status === "skipped" ? "already stored" : ""));
    });
    results.hidden = false;
  }

  function message(text, ok) {
    barText.textContent = text;
    barText.className = ok ? "ok" : "bad";
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var files = input.files;
    var total = 0;
    for (var i = 0; i < files.length; i++) total += files[i].size;
    form.querySelector(".progress").hidden = false;
    if (files.length > maxFiles) return message("Too many files: the limit is " + maxFiles + ".", false);
    if (total > maxBytes) return message("Too large: the limit is " + Math.round(maxBytes / 1048576) + " MiB.", false);
    var data = new FormData();
    for (var j = 0; j < files.length; j++) data.append("files", files[j], files[j].name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    if (token && token.value) {
      sessionStorage.setItem("reportmine-token", token.value);
      xhr.setRequestHeader("Authorization", "Bearer " + token.value);
    }
    xhr.upload.addEventListener("progress", function (ev) {
      if (!ev.lengthComputable) return;
      var pct = Math.round(ev.loaded / ev.total * 100);
      bar.value = pct;
      message(pct < 100 ? "Uploading… " + pct + "%" : "Uploaded; reading and extracting…", true);
    });
    xhr.addEventListener("load", function () {
      button.disabled = false;
      bar.value = 100;
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (body && body.files) showResults(body.files);
      if (xhr.status === 200) return message("Done.", true);
      message((body && body.error) || (xhr.status === 207 ? "Some files failed." : "Upload failed (" + xhr.status + ")."), false);
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      message("The connection failed; the upload may be too large.", false);
    });
    button.disabled = true;
    bar.value = 0;
    message("Uploading…", true);
    xhr.send(data);
  });
})();
