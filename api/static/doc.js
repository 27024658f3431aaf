// Document view: a popover with the details of the highlighted item under the pointer or focus.
// Details come from the page's JSON block and are written with textContent, never as HTML.
(function () {
  "use strict";
  var items = JSON.parse(document.getElementById("items").textContent);
  var pop = document.getElementById("pop");
  var text = document.getElementById("doctext");
  var pinned = null;

  var FIGURE_FIELDS = [["value", "Value"], ["unit", "Unit"], ["qualifier", "Qualifier"], ["direction", "Direction"],
                       ["label", "Label"], ["period", "Period"], ["text", "As written"]];
  var STATEMENT_FIELDS = [["kind", "Kind"], ["category", "Category"], ["confidence", "Confidence"],
                          ["section", "Section"]];

  function row(table, name, value) {
    if (value === null || value === undefined || value === "") return;
    var tr = table.insertRow();
    var th = document.createElement("th");
    th.textContent = name;
    tr.appendChild(th);
    tr.insertCell().textContent = String(value);
  }

  function block(item) {
    var div = document.createElement("div");
    div.className = "popitem " + item.type;
    var h = document.createElement("h4");
    h.textContent = item.type === "figure" ? "Figure" : "Statement";
    div.appendChild(h);
    var table = document.createElement("table");
    var fields = item.type === "figure" ? FIGURE_FIELDS : STATEMENT_FIELDS;
    fields.forEach(function (f) {
      var v = item[f[0]];
      if (f[0] === "confidence" && typeof v === "number") v = v.toFixed(2);
      row(table, f[1], v);
    });
    (item.checks || []).forEach(function (c) {
      row(table, "Check", (c.consistent ? "holds: " : "does NOT hold: ") + c.relation + ", stated " + c.stated +
          ", computed " + c.computed + (c.explanation ? " (" + c.explanation + ")" : ""));
    });
    div.appendChild(table);
    return div;
  }

  function show(mark) {
    // The innermost item first (a figure), then the statements around it.
    pop.replaceChildren();
    for (var el = mark; el && el !== text; el = el.parentElement) {
      var ref = el.dataset ? el.dataset.ref : null;
      if (ref && items[ref]) pop.appendChild(block(items[ref]));
    }
    if (!pop.firstChild) return hide();
    pop.hidden = false;
    var r = mark.getBoundingClientRect();
    var top = window.scrollY + r.bottom + 6;
    var left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - pop.offsetWidth - 12);
    pop.style.top = top + "px";
    pop.style.left = Math.max(window.scrollX + 4, left) + "px";
  }

  function hide() {
    pop.hidden = true;
  }

  function markOf(target) {
    return target && target.closest ? target.closest("mark.hl[data-ref]") : null;
  }

  text.addEventListener("mouseover", function (e) {
    var m = markOf(e.target);
    if (m && !pinned) show(m);
  });
  text.addEventListener("mouseout", function (e) {
    if (!pinned && !markOf(e.relatedTarget)) hide();
  });
  text.addEventListener("focusin", function (e) {
    var m = markOf(e.target);
    if (m) show(m);
  });
  text.addEventListener("click", function (e) {
    var m = markOf(e.target);
    if (!m) return;
    if (pinned) pinned.classList.remove("pinned");
    pinned = pinned === m ? null : m;
    if (pinned) {
      pinned.classList.add("pinned");
      show(pinned);
    } else {
      hide();
    }
    e.stopPropagation();
  });
  document.addEventListener("click", function (e) {
    if (pinned && !pop.contains(e.target)) {
      pinned.classList.remove("pinned");
      pinned = null;
      hide();
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      if (pinned) pinned.classList.remove("pinned");
      pinned = null;
      hide();
    }
  });
  // A list entry scrolls to its item and pins its details.
  document.querySelectorAll("[data-jump]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      var m = document.getElementById("ref-" + a.dataset.jump);
      if (!m) return;
      e.preventDefault();
      e.stopPropagation();
      m.scrollIntoView({block: "center"});
      if (pinned) pinned.classList.remove("pinned");
      pinned = m;
      m.classList.add("pinned");
      show(m);
    });
  });
})();
