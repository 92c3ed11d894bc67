// Prints the licence of every package bundled into editor.js (run by `npm run build`).
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const seen = new Set();
function visit(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  if (seen.has(pkg.name)) return;
  seen.add(pkg.name);
  const file = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  process.stdout.write(`==== ${pkg.name} ${pkg.version} (${pkg.license})\n`);
  process.stdout.write((file ? readFileSync(join(dir, file), "utf8") : `license: ${pkg.license}\n`) + "\n");
  for (const dep of Object.keys(pkg.dependencies || {})) {
    const path = join("node_modules", dep);
    if (existsSync(path)) visit(path);
  }
}
const root = JSON.parse(readFileSync("package.json", "utf8"));
process.stdout.write("Third-party code bundled in editor.js (built from web/ by esbuild).\n\n");
for (const dep of Object.keys(root.dependencies)) visit(join("node_modules", dep));
