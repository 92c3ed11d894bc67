// The workbench's ruleset editor: CodeMirror 6 with line numbers, undo, search, a small
// highlighter for the perfrules language, and diagnostics drawn as underlines (lint).
// Built once into perfrules/serve/static/editor.js (npm run build); the page loads that file.
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
         drawSelection } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching } from "@codemirror/language";
import { linter, lintGutter, setDiagnostics, forEachDiagnostic } from "@codemirror/lint";

const KEYWORDS = new Set(("aka and bands by check declared deduct else extends fact false for full grades if in " +
  "indicators item judge jurisdiction kind let limit list not optional or otherwise per qualitative remove " +
  "required rounding rows ruleset score section then title tolerance true unsigned version weight where " +
  "within years").split(" "));

const perfrules = StreamLanguage.define({
  name: "perfrules",
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match("#")) { stream.skipToEnd(); return "comment"; }
    if (stream.match(/^"[^"\n]*"?/) || stream.match(/^“[^”\n]*”?/)) return "string";
    if (stream.match(/^\d+(\.\d+)?%?/)) return "number";
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
      return KEYWORDS.has(stream.current()) ? "keyword" : "variableName";
    }
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: "#" } },
});

// 1-based line and column (characters) to a document offset, clamped into the document.
function offset(doc, line, column) {
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  return Math.min(l.from + Math.max(column - 1, 0), l.to);
}

export function create(parent, { onChange } = {}) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: "",
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), history(), drawSelection(), highlightActiveLine(),
        bracketMatching(), highlightSelectionMatches(), perfrules, syntaxHighlighting(defaultHighlightStyle),
        lintGutter(), linter(null),
        keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab]),
        EditorView.lineWrapping,
        EditorView.updateListener.of((u) => { if (u.docChanged && onChange) onChange(); }),
      ],
    }),
  });
  return {
    view,
    getText: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    // items: [{line, column, end_column?, severity, message}] (1-based, as the service sends them)
    setDiagnostics(items) {
      const doc = view.state.doc;
      const list = items.filter((d) => d.line > 0).map((d) => {
        const from = offset(doc, d.line, d.column || 1);
        let to = d.end_column ? offset(doc, d.line, d.end_column) : from + 1;
        if (to <= from) to = Math.min(from + 1, doc.line(Math.min(d.line, doc.lines)).to);
        const severity = d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "info";
        return { from, to: Math.max(to, from), severity, message: d.message };
      });
      view.dispatch(setDiagnostics(view.state, list));
    },
    // the diagnostics drawn now, as [{line, column, severity, message}] (for tests and the list)
    drawn() {
      const out = [];
      forEachDiagnostic(view.state, (d, from) => {
        const line = view.state.doc.lineAt(from);
        out.push({ line: line.number, column: from - line.from + 1, severity: d.severity, message: d.message });
      });
      return out;
    },
    goto(line, column = 1) {
      const pos = offset(view.state.doc, line, column);
      view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: "center" }) });
      view.focus();
    },
  };
}
