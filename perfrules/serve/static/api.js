"use strict";
// A small, self-contained reader of the OpenAPI document (no CDN, no third-party code).
(async function () {
  const doc = await (await fetch("/openapi.json")).json();
  document.getElementById("title").textContent = `${doc.info.title} ${doc.info.version}`;
  document.getElementById("description").textContent = doc.info.description;
  const ops = document.getElementById("ops");
  const text = (tag, value, cls) => { const n = document.createElement(tag); n.textContent = value; if (cls) n.className = cls; return n; };
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [verb, op] of Object.entries(item)) {
      const box = document.createElement("div");
      box.className = "op";
      box.id = `${verb}-${path}`;
      const head = document.createElement("div");
      head.append(text("span", verb.toUpperCase(), "verb " + verb), text("code", path), text("span", "  " + op.summary));
      box.append(head);
      if (op.parameters && op.parameters.length) {
        const table = document.createElement("table");
        for (const p of op.parameters) {
          const row = document.createElement("tr");
          row.append(text("td", p.name), text("td", p.in + (p.required ? ", required" : "")), text("td", p.description || ""));
          table.append(row);
        }
        box.append(text("h4", "Parameters"), table);
      }
      if (op.requestBody) {
        box.append(text("h4", "Body: " + Object.keys(op.requestBody.content).join(", ")));
        if (op.requestBody.description) box.append(text("p", op.requestBody.description));
        for (const media of Object.values(op.requestBody.content)) {
          if (media && media.example) box.append(text("pre", JSON.stringify(media.example, null, 2)));
        }
      }
      const list = document.createElement("ul");
      const problems = [];
      for (const [status, r] of Object.entries(op.responses)) {
        if (r.$ref) problems.push(status);
        else list.append(text("li", `${status}: ${r.description}`));
      }
      if (problems.length) {
        list.append(text("li", `${problems.join(", ")}: ${doc.components.responses.Problem.description}`));
      }
      box.append(text("h4", "Responses"), list);
      ops.append(box);
    }
  }
})();
