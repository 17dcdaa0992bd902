// Renders every ```mermaid block of the Markdown files named on the command line in one headless
// Chromium, the way a reader's browser does, and fails if a block does not parse, or if the picture
// has what a reader cannot use: a state no line of the source declares (a ';' in a label cut the
// line), or an edge label lying on another label or on a box.
// Usage (from .ci/check-diagrams): node render.mjs OUT_DIR FILE.md...   PNGs go to OUT_DIR.
import fs from 'node:fs';
import path from 'node:path';
import url from 'node:url';
import puppeteer from 'puppeteer';

const [outDir, ...files] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });

// The blocks, with the file and line a reader would look at.
const blocks = [];
for (const file of files) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```mermaid') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    blocks.push({ file, line: start, source: lines.slice(start, end).join('\n') });
    i = end;
  }
}

const problems = [];

// Outside a quoted string, a ';' ends a Mermaid statement: the rest of the line becomes new nodes
// or states (state diagram labels cannot be quoted).
for (const b of blocks) {
  b.source.split('\n').forEach((text, k) => {
    const code = text.replace(/%%.*$/, '').replace(/"[^"]*"/g, '""').replace(/#\w+;/g, '');
    if (code.includes(';')) {
      problems.push(`${b.file}:${b.line + k + 1}: ';' ends a Mermaid statement, so the rest of the line `
        + `is drawn as extra nodes. Write #59; for a semicolon in a label, or reword.\n    ${text.trim()}`);
    }
  });
}

const here = path.dirname(url.fileURLToPath(import.meta.url));
const mermaidJs = path.join(here, 'node_modules', 'mermaid', 'dist', 'mermaid.js');
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
  headless: true,
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 800, deviceScaleFactor: 1.5 });
  await page.setContent('<!doctype html><html><body style="background:white"><div id="container"></div></body></html>');
  await page.addScriptTag({ path: mermaidJs });
  await page.evaluate(() => globalThis.mermaid.initialize({ startOnLoad: false }));

  for (const [n, b] of blocks.entries()) {
    const where = `${b.file}:${b.line}`;
    const result = await page.evaluate(async (source, id) => {
      const container = document.getElementById('container');
      container.innerHTML = '';
      try {
        const { svg } = await globalThis.mermaid.render(id, source, container);
        container.innerHTML = svg;
      } catch (e) {
        return { error: String(e.message || e) };
      }
      const box = (el) => el.getBoundingClientRect();
      const named = (el) => (el.textContent || '').trim().replace(/\s+/g, ' ');
      const labels = [...container.querySelectorAll('g.edgeLabel')]
        .filter((el) => named(el) !== '' && box(el).width > 0);
      const nodes = [...container.querySelectorAll('.node')].filter((el) => box(el).width > 0);
      const overlap = (a, c) => {
        const x = Math.min(a.right, c.right) - Math.max(a.left, c.left);
        const y = Math.min(a.bottom, c.bottom) - Math.max(a.top, c.top);
        return x > 3 && y > 3;
      };
      const clashes = [];
      labels.forEach((a, i) => {
        labels.slice(i + 1).forEach((c) => {
          if (overlap(box(a), box(c))) clashes.push(`label "${named(a)}" lies on label "${named(c)}"`);
        });
        nodes.forEach((c) => {
          if (overlap(box(a), box(c))) clashes.push(`label "${named(a)}" lies on box "${named(c) || c.id}"`);
        });
      });
      const states = [...container.querySelectorAll('g.node[id]')]
        .map((el) => (el.id.match(/-state-(.+)-\d+$/) || [])[1])
        .filter((s) => s && !s.startsWith('root_'));
      return { clashes, states };
    }, b.source, `diagram${n}`);

    if (result.error) {
      problems.push(`${where}: the diagram does not render: ${result.error.split('\n').slice(0, 4).join('\n    ')}`);
      continue;
    }
    for (const c of result.clashes) problems.push(`${where}: ${c}`);
    if (/^\s*stateDiagram/.test(b.source)) {
      const lines = b.source.split('\n').map((l) => l.trim());
      const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      for (const s of result.states) {
        const e = esc(s);
        const declared = new RegExp(`^${e}\\s*(-->|:|\\{|$)|-->\\s*${e}\\s*(:|$)|\\bas\\s+${e}\\b`);
        if (!lines.some((l) => declared.test(l))) {
          problems.push(`${where}: the picture has a state "${s}" that no line declares (a line cut by ';'?)`);
        }
      }
    }
    const svg = await page.$('#container svg');
    const png = path.join(outDir, `${path.basename(b.file, '.md')}-line${b.line}.png`);
    await svg.screenshot({ path: png, omitBackground: false });
    console.log(`rendered ${where} -> ${png}`);
  }
} finally {
  await browser.close();
}

if (problems.length > 0) {
  console.error(`\n${problems.length} diagram problem(s):\n` + problems.map((p) => `- ${p}`).join('\n'));
  process.exit(1);
}
console.log(`${blocks.length} diagrams rendered, no problems`);
