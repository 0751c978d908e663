// negsim classroom: helpers shared by the pages. Text is always set with textContent.
"use strict";
function $(id) { return document.getElementById(id); }
function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}
function showError(text) {
  const box = $("error");
  box.textContent = text || "";
  box.hidden = !text;
}
async function api(method, url, headers, body) {
  const options = { method: method, headers: Object.assign({}, headers), cache: "no-store" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  const data = await response.json().catch(function () { return {}; });
  if (!response.ok) throw new Error(data.error || ("error " + response.status));
  return data;
}
function fillRows(tbody, rows) {
  tbody.replaceChildren();
  rows.forEach(function (cells) {
    const tr = el("tr");
    cells.forEach(function (cell) { tr.appendChild(el("td", cell)); });
    tbody.appendChild(tr);
  });
}
function termsText(terms) {
  return terms.map(function (t) { return t.issue + ": " + t.term; }).join("; ");
}
function termsList(terms) {
  const list = el("ul", null, "terms");
  terms.forEach(function (t) {
    const li = el("li");
    li.appendChild(el("span", t.issue + ": ", "issue"));
    li.appendChild(el("strong", t.term));
    list.appendChild(li);
  });
  return list;
}
