// Render the generated pages (docs/SPEC.md, docs/REPRODUCTION.md) the way a reader's
// viewer does, CommonMark (markdown-it, with GitHub tables) plus dollar math rendered by
// KaTeX, and fail if the page does not read as written.
//
//   npm install --no-audit --no-fund      (once, in this folder)
//   node render.mjs [--out DIR] [FILE.md ...]   (default: docs/SPEC.md docs/REPRODUCTION.md)
//
// It fails (exit 1, one line per problem naming FILE:LINE) when:
//
// 1. math does not parse: every $...$ and $$...$$ is rendered by KaTeX with
//    throwOnError (and strict), so a parse error is an error, not red text on the page;
// 2. raw LaTeX is left in the text: outside KaTeX's output and code, the text holds a
//    backslash command (\frac, \delta, ...), a $, ^{ or _{ (math that was not read as math);
// 3. a * or _ was eaten. The rule, which the generator (spec/markup.py) follows: the
//    source means bold only as **...**, never emphasis, and writes every other * as \*.
//    So (a) no <em> at all (a pair of * or _ read as emphasis), (b) every <strong> comes
//    from ** (not __), (c) per paragraph or cell, the unescaped * outside code and math
//    are exactly the bold markers (4 per <strong>: a stray one shows only by luck of
//    CommonMark's flanking rules), and the literal * shown are exactly the \* written.
//
// The HTML is checked once more as a whole (KaTeX output and code removed, tags stripped)
// for rule 2, in case the token walk missed a place. --out DIR writes each page's HTML.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import katex from "katex";
import MarkdownIt from "markdown-it";
import texmath from "markdown-it-texmath";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const DEFAULT_PAGES = ["docs/SPEC.md", "docs/REPRODUCTION.md"];
const MATH = new Set(["math_inline", "math_inline_double", "math_block", "math_block_eqno"]);
const DISPLAY = new Set(["math_inline_double", "math_block", "math_block_eqno"]);
const RAW_LATEX = /\\[A-Za-z]+|\$|\^\{|_\{/;
const KATEX_OPTIONS = { throwOnError: true, strict: "error" };

/** A markdown-it that reads $...$ and $$...$$ (texmath) and renders them with KaTeX,
 *  throwing on error; each KaTeX output is fenced by comments so the HTML check can drop it. */
function renderer() {
  const md = new MarkdownIt({ html: true }).use(texmath, { engine: katex, delimiters: "dollars" });
  for (const name of MATH) {
    md.renderer.rules[name] = (tokens, idx) => {
      const html = katex.renderToString(tokens[idx].content, { ...KATEX_OPTIONS, displayMode: DISPLAY.has(name) });
      return `<!--katex-->${html}<!--/katex-->`;
    };
  }
  return md;
}

/** Count the * of an inline source outside code spans and math: [escaped \*, unescaped *]. */
function stars(source, mathTokens) {
  let rest = source.replace(/(`+)[\s\S]*?\1/g, "");
  for (const m of mathTokens) rest = rest.replace(m.markup + m.content + m.markup, "");
  let escaped = 0, bare = 0;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "\\") { if (rest[i + 1] === "*") escaped++; i++; }
    else if (rest[i] === "*") bare++;
  }
  return [escaped, bare];
}

/** Problems in one inline token (a paragraph, heading or table cell) at `line`. */
function checkInline(token, line, where) {
  const problems = [];
  const say = (what) => problems.push(`${where}:${line}: ${what}`);
  const kids = token.children || [];
  const maths = kids.filter((k) => MATH.has(k.type));
  for (const k of maths) {
    try { katex.renderToString(k.content, { ...KATEX_OPTIONS, displayMode: DISPLAY.has(k.type) }); }
    catch (err) { say(`math does not parse: $${k.content}$: ${err.message.split("\n")[0]}`); }
  }
  let strong = 0, shown = 0;
  for (const k of kids) {
    if (k.type === "em_open") say(`a * or _ pair was read as emphasis in: ${token.content}`);
    if (k.type === "strong_open" && k.markup !== "**") say(`a __ pair was read as bold in: ${token.content}`);
    if (k.type === "strong_open") strong++;
    if (k.type === "text") {
      shown += (k.content.match(/\*/g) || []).length;
      const raw = k.content.match(RAW_LATEX);
      if (raw) say(`raw LaTeX ${JSON.stringify(raw[0])} left in the text: ${k.content.trim()}`);
    }
  }
  const [escaped, bare] = stars(token.content, maths);
  if (bare !== 4 * strong) say(`${bare - 4 * strong} unescaped * that are not bold markers (write \\*) in: ${token.content}`);
  else if (shown !== escaped) say(`${escaped} \\* written but ${shown} * shown in: ${token.content}`);
  return problems;
}

/** Problems in a whole page, by walking markdown-it's tokens (line numbers from their maps). */
function checkTokens(md, source, where) {
  const problems = [];
  let line = 1;
  for (const token of md.parse(source, {})) {
    if (token.map) line = token.map[0] + 1;
    if (MATH.has(token.type)) {
      try { katex.renderToString(token.content, { ...KATEX_OPTIONS, displayMode: true }); }
      catch (err) { problems.push(`${where}:${line}: math does not parse: $$${token.content}$$: ${err.message.split("\n")[0]}`); }
    }
    if (token.type === "inline") problems.push(...checkInline(token, line, where));
  }
  return problems;
}

/** The HTML's visible text outside KaTeX output, code and comments. */
function plainText(html) {
  return html
    .replace(/<!--katex-->[\s\S]*?<!--\/katex-->/g, " ")
    .replace(/<(pre|code)[\s\S]*?<\/\1>/g, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#0?39;/g, "'").replace(/&amp;/g, "&");
}

/** Check one page; returns [problems, html]. */
function checkPage(md, file) {
  const where = path.relative(process.cwd(), file) || file;
  const source = fs.readFileSync(file, "utf8");
  const problems = checkTokens(md, source, where);
  let html = "";
  try { html = md.render(source); }
  catch (err) { return [problems.length ? problems : [`${where}: math does not parse: ${err.message.split("\n")[0]}`], html]; }
  const raw = plainText(html).match(new RegExp(`.{0,40}(${RAW_LATEX.source}).{0,40}`));
  if (raw && !problems.length) problems.push(`${where}: raw LaTeX ${JSON.stringify(raw[1])} left in the HTML: ${raw[0].trim()}`);
  return [problems, html];
}

function main(argv) {
  let out = null;
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") out = argv[++i];
    else files.push(path.resolve(argv[i]));
  }
  if (!files.length) files.push(...DEFAULT_PAGES.map((p) => path.join(ROOT, p)));
  const md = renderer();
  let failed = false;
  for (const file of files) {
    const [problems, html] = checkPage(md, file);
    for (const p of problems) console.error(p);
    failed ||= problems.length > 0;
    if (out && html) {
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, path.basename(file, ".md") + ".html"), html);
    }
    if (!problems.length) console.log(`${path.relative(process.cwd(), file) || file}: renders: math parses, no raw LaTeX, no lost * or _`);
  }
  process.exit(failed ? 1 : 0);
}

main(process.argv.slice(2));
