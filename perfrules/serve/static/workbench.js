// The perfrules workbench: edit a ruleset (checked as you type), score forms with it, compare
// with last year's, download it formatted.  Everything is computed by the service; nothing is
// written on the server.  Plain DOM code; the editor is CodeMirror 6 (editor.js, bundled once).
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const state = {
    name: "draft.rules",   // the file name shown in messages and used for the download
    opened: null,          // id of the ruleset the text came from (for "next year" and "compare")
    forms: [],             // [{name, text}] dropped or picked, kept in the page only
    mode: "score",
    seq: 0,                // requests are numbered; an answer older than the latest is dropped
    timer: null,
    lastCheck: null,
  };
  const editor = PerfrulesEditor.create($("editor"), { onChange: schedule });
  window.workbench = { editor, state, refresh };  // for tests and the curious

  // ---------------------------------------------------------------- talking to the service
  async function api(path, options = {}) {
    const headers = Object.assign({}, options.headers || {});
    const token = $("token").value.trim();
    if (token) headers["Authorization"] = "Bearer " + token;
    const response = await fetch(path, Object.assign({}, options, { headers }));
    if (response.status === 401) {
      $("token-box").hidden = false;
      throw new Error("需要身份令牌：在右上角输入令牌后重试");
    }
    const type = response.headers.get("content-type") || "";
    const body = type.includes("json") ? await response.json() : await response.text();
    if (!response.ok) {
      const err = new Error(body.detail || String(body));
      err.problem = body;
      throw err;
    }
    return body;
  }
  const postJSON = (path, data) => api(path, { method: "POST", body: JSON.stringify(data),
                                               headers: { "Content-Type": "application/json" } });

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children.flat(Infinity)) {
      if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
    }
    return node;
  }

  function setStatus(text, ok) {
    const s = $("check-status");
    s.textContent = text;
    s.className = "status " + (ok === true ? "ok" : ok === false ? "bad" : "");
  }

  // ---------------------------------------------------------------- rulesets
  async function loadCatalog() {
    const list = await api("/rulesets");
    for (const select of [$("ruleset-select"), $("base-select")]) {
      for (const r of list) {
        select.append(el("option", { value: r.id }, `${r.jurisdiction} ${r.years} ${r.kind} — ${r.title}`));
      }
    }
    const wanted = new URLSearchParams(location.search).get("ruleset");
    if (wanted) await openRuleset(wanted);
  }

  async function openRuleset(id) {
    const r = await api("/rulesets/" + id);
    state.opened = r.id;
    state.name = r.path.split("/").pop();
    $("file-name").textContent = `${state.name}（${r.id}）`;
    $("ruleset-select").value = r.id;
    $("base-select").value = r.extends || r.id;
    $("new-year-value").value = String(parseInt(r.years, 10) + 1);
    editor.setText(r.source);
    await refresh();
  }

  function extendsOf(text) {
    const m = /^\s*extends\s+["“]([^"”\n]+)["”]/m.exec(text);
    return m ? m[1] : null;
  }

  // ---------------------------------------------------------------- checking and scoring
  function schedule() {
    clearTimeout(state.timer);
    setStatus("检查中…");
    state.timer = setTimeout(refresh, 350);
  }

  async function refresh() {
    clearTimeout(state.timer);
    const seq = ++state.seq;
    const text = editor.getText();
    if (!text.trim()) {
      editor.setDiagnostics([]);
      showDiagnostics([]);
      setStatus("");
      return;
    }
    try {
      const out = await postJSON("/score/draft", { text, name: state.name, forms: state.forms });
      if (seq !== state.seq) return;
      state.lastCheck = out;
      const mine = out.diagnostics.filter((d) => d.file === state.name);
      editor.setDiagnostics(mine);
      showDiagnostics(out.diagnostics);
      const errors = out.diagnostics.filter((d) => d.severity === "error").length;
      if (out.ok) {
        setStatus(`通过 ✓  已证明 ${out.ruleset.proofs.length} 个得分公式不超出 [0, 分值]`, true);
        showTree(out.ruleset);
        if (state.mode === "score") showResults(out.results || []);
        else await showCompare(seq);
      } else {
        setStatus(`${errors} 个错误`, false);
        $("results").replaceChildren(el("p", { class: "muted" }, "规则有错误，改正后再计分。"));
      }
    } catch (e) {
      if (seq === state.seq) showError(e);
    }
  }

  function showError(e) {
    setStatus(e.message, false);
    const diags = (e.problem && e.problem.diagnostics) || [];
    $("results").replaceChildren(el("div", { class: "error-text" },
      diags.length ? diags.map((d) => d.text).join("\n\n") : e.message));
  }

  function showDiagnostics(diags) {
    $("diag-count").textContent = diags.length ? `(${diags.length})` : "";
    const box = $("diagnostics");
    if (!diags.length) {
      box.replaceChildren(el("p", { class: "muted" }, "没有发现问题。"));
      return;
    }
    box.replaceChildren(...diags.map((d) => {
      const here = d.file === state.name && d.line > 0;
      const where = here ? `第 ${d.line} 行第 ${d.column} 列` : d.file + (d.line ? `:${d.line}` : "");
      return el("div", { class: "diag " + d.severity, "data-line": d.line, title: d.text,
                         onclick: () => here && editor.goto(d.line, d.column) },
        el("span", { class: "where" }, where),
        el("strong", {}, `${d.severity === "error" ? "错误" : d.severity === "warning" ? "警告" : "提示"}[${d.code}] `),
        d.message,
        d.hint ? el("div", { class: "hint" }, "提示：" + d.hint) : null);
    }));
  }

  function showTree(r) {
    const node = (n) => el("li", {},
      el("span", { class: "w" }, `${n.name}`), ` 分值 ${n.weight}`,
      n.bound ? el("span", { class: "bound", title: n.bound.how },
        `✓ 得分 ∈ [${n.bound.lo}, ${n.bound.hi}]（${n.bound.how}）`) : null,
      el("div", { class: "rule" }, n.rule),
      n.children ? el("ul", {}, n.children.map(node)) : null);
    const grades = r.grades.map((g) => g.minimum === null ? `${g.label} 其余` : `${g.label} ≥ ${g.minimum}`);
    $("tree").replaceChildren(el("div", { class: "tree" },
      el("p", {}, `${r.title}　${r.jurisdiction}　${r.years} 年　满分 ${r.full}　等次：${grades.join("，")}`),
      el("ul", {}, r.tree.map(node)),
      el("h4", {}, "检查器证明的范围"),
      el("ul", {}, r.proofs.map((p) => el("li", {},
        `${p.file === state.name ? "" : p.file + " "}第 ${p.line} 行 ${p.subject}：证明在 [${p.proved.lo}, ${p.proved.hi}]，` +
        `要求 [${p.required.lo}, ${p.required.hi}]`)))));
  }

  function resultCard(r) {
    if (r.error) {
      return el("div", { class: "card" }, el("h3", {}, r.form), el("div", { class: "error-text" }, r.error.join("\n\n")));
    }
    const rows = [];
    for (const s of r.sections) {
      const own = r.items.filter((it) => it.section === s.id);
      const same = own.length === 1 && own[0].id === s.id ? own[0] : null;
      rows.push(el("tr", { class: "section" }, el("td", {}, (s.parent ? "　" : "") + s.name),
        el("td", { class: "num" }, s.weight), el("td", { class: "num" }, s.score),
        cellDeclared(same), el("td", { class: "explain" }, same ? same.explain : "")));
      for (const it of own) {
        if (it === same) continue;
        rows.push(el("tr", { title: detailText(it) }, el("td", {}, "　" + it.name), el("td", { class: "num" }, it.weight),
          el("td", { class: "num" }, it.score), cellDeclared(it), el("td", { class: "explain" }, it.explain)));
      }
    }
    const declared = r.declared_total !== undefined ? `（填报总分 ${r.declared_total}）` : "";
    return el("div", { class: "card", "data-form": r.form },
      el("h3", {}, r.title || r.form, r.title ? el("span", { class: "source" }, r.form) : null),
      el("div", {}, el("span", { class: "total", "data-total": r.total }, `总分 ${r.total} / ${r.max}`),
        `　等级 ${r.grade}${declared}　规则 ${r.ruleset.id} v${r.ruleset.version}`),
      el("table", {}, el("thead", {}, el("tr", {}, ["部分 / 指标", "分值", "得分", "填报", "计算"].map((h) => el("th", {}, h)))),
        el("tbody", {}, rows)),
      el("div", {}, r.findings.length ? el("strong", {}, `发现 ${r.findings.length} 项`) : "没有发现问题",
        r.findings.map((f) => el("div", { class: "finding " + f.severity },
          el("span", { class: "sev" }, f.severity), `${f.code}  ${f.message}`,
          el("span", { class: "muted" }, `  ${f.path}${f.line ? `（第 ${f.line} 行）` : ""}`),
          f.place ? el("span", { class: "place" }, `  单元格 ${f.place}`) : null))));
  }

  // an indicator row's inputs and reasoning, shown when the mouse rests on the row
  function detailText(it) {
    const d = it.detail || {};
    const parts = [];
    if (d.target !== undefined) parts.push(`目标值 ${d.target}`);
    if (d.actual !== undefined) parts.push(`实际完成值 ${d.actual}`);
    if (d.reason) parts.push(d.reason);
    return parts.join("；");
  }

  function cellDeclared(it) {
    if (!it || it.declared === undefined) return el("td", { class: "num" }, "");
    const differs = Number(it.declared) !== Number(it.score);
    return el("td", { class: "num" + (differs ? " mismatch" : "") }, it.declared + (differs ? " ✗" : ""));
  }

  function showResults(results) {
    if (!state.forms.length) {
      $("results").replaceChildren(el("p", { class: "muted" }, "加入表单后，这里显示每张表的计分过程和发现的问题。"));
      return;
    }
    $("results").replaceChildren(...results.map(resultCard));
  }

  async function showCompare(seq) {
    const base = $("base-select").value || extendsOf(editor.getText()) || state.opened;
    if (!base) {
      $("results").replaceChildren(el("p", { class: "muted" }, "选择上一年的规则后比较。"));
      return;
    }
    const out = await postJSON("/diff", { old: { id: base }, new: { text: editor.getText(), name: state.name },
                                          forms: state.forms });
    if (seq !== state.seq) return;
    const groups = {};
    for (const c of out.changes) (groups[c.group] = groups[c.group] || []).push(c.text);
    const changeList = out.changes.length
      ? Object.entries(groups).map(([g, texts]) => [el("h4", {}, `【${g}】`), el("ul", {}, texts.map((t) => el("li", {}, t)))])
      : [el("p", {}, "两个规则的计分内容相同。")];
    const table = el("table", {}, el("thead", {}, el("tr", {}, ["表单", "原总分", "新总分", "变化", "等次"].map((h) => el("th", {}, h)))),
      el("tbody", {}, out.forms.map((f) => f.error
        ? el("tr", {}, el("td", {}, f.form), el("td", { colspan: "4", class: "error-text" }, f.error.join("\n")))
        : el("tr", {}, el("td", {}, f.form), el("td", { class: "num" }, f.old_total), el("td", { class: "num" }, f.new_total),
          el("td", { class: "num" }, f.change), el("td", {}, f.old_grade === f.new_grade ? f.new_grade : `${f.old_grade} → ${f.new_grade}`)))));
    $("results").replaceChildren(el("div", { class: "card changes" },
      el("h3", {}, `${out.old.id} v${out.old.version} → ${out.new.id} v${out.new.version}`), changeList,
      state.forms.length ? table : el("p", { class: "muted" }, "加入表单可比较每张表在两个规则下的总分。")));
  }

  // ---------------------------------------------------------------- forms
  // a workbook or Word document travels as base64 in the same JSON envelope as a YAML text; the
  // service reads its tables with perfrules.tables, as POST /score reads an upload
  const TABLE = /\.(xlsx|xls|docx)$/i;
  function base64Of(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }

  async function addFiles(files) {
    for (const file of files) {
      if (/\.doc$/i.test(file.name)) {
        showError(new Error(`${file.name}：不能读取旧版 Word（.doc）文件，请另存为 .docx 后再加入`));
        continue;
      }
      const entry = TABLE.test(file.name) ? { name: file.name, base64: base64Of(await file.arrayBuffer()) }
                                          : { name: file.name, text: await file.text() };
      state.forms = state.forms.filter((f) => f.name !== file.name).concat([entry]);
    }
    showForms();
    await refresh();
  }

  function showForms() {
    $("form-list").replaceChildren(...state.forms.map((f) => el("span", { class: "chip" }, f.name,
      el("button", { type: "button", title: "移除", "aria-label": "移除 " + f.name,
                     onclick: () => { state.forms = state.forms.filter((g) => g !== f); showForms(); refresh(); } }, "×"))));
  }

  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    addFiles(Array.from(e.dataTransfer.files));
  });
  $("pick-forms").addEventListener("click", () => $("forms-file").click());
  $("forms-file").addEventListener("change", (e) => { addFiles(Array.from(e.target.files)); e.target.value = ""; });

  // ---------------------------------------------------------------- toolbar
  $("ruleset-select").addEventListener("change", (e) => { if (e.target.value) openRuleset(e.target.value).catch(showError); });
  $("open-file").addEventListener("click", () => $("rules-file").click());
  $("rules-file").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    state.name = file.name;
    state.opened = extendsOf(await file.text());
    if (state.opened) $("base-select").value = state.opened;
    $("file-name").textContent = file.name;
    editor.setText(await file.text());
    e.target.value = "";
    await refresh();
  });
  $("new-year").addEventListener("click", async () => {
    if (!state.opened) { showError(new Error("先打开一个内置规则，再生成下一年度")); return; }
    try {
      const out = await postJSON("/new-year", { ruleset: state.opened, year: parseInt($("new-year-value").value, 10) });
      state.name = `${state.name.replace(/(-\d{4})?\.rules$/, "")}-${out.year}.rules`;
      $("file-name").textContent = `${state.name}（${out.id}，extends ${out.extends}）`;
      $("base-select").value = out.extends;
      editor.setText(out.text);
      await refresh();
    } catch (e) { showError(e); }
  });
  $("download").addEventListener("click", async () => {
    try {
      const text = await api("/format?name=" + encodeURIComponent(state.name),
                             { method: "POST", body: editor.getText(), headers: { "Content-Type": "text/plain; charset=utf-8" } });
      const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
      const a = el("a", { href: url, download: state.name });
      document.body.append(a);
      a.click();
      a.remove();
      URL.revokeObjectURL(url);
    } catch (e) { showError(e); }
  });
  for (const radio of document.querySelectorAll("input[name=mode]")) {
    radio.addEventListener("change", (e) => {
      state.mode = e.target.value;
      $("base-box").hidden = state.mode !== "compare";
      refresh();
    });
  }
  $("base-select").addEventListener("change", () => refresh());
  $("token").addEventListener("change", () => loadCatalog().catch(showError));
  $("token-box").addEventListener("submit", (e) => e.preventDefault());
  for (const tab of document.querySelectorAll(".tabs button")) {
    tab.addEventListener("click", () => {
      for (const t of document.querySelectorAll(".tabs button")) t.classList.toggle("active", t === tab);
      for (const p of document.querySelectorAll(".panel")) p.hidden = p.dataset.panel !== tab.dataset.tab;
    });
  }

  loadCatalog().catch(showError);
})();
