/**
 * Every relative link in README.md and docs/*.md points at a file that exists and, when it names
 * an anchor (`file.md#heading`, `#heading`), at a heading that file has: moving a section between
 * docs cannot leave a dead link behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
// The anchor rule is the one the generated CLI reference uses for its own links.
import { slug } from '../../scripts/cli-reference.mjs';

const DOCS = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)].filter((f) => fs.existsSync(path.join(ROOT, f)));

/** The lines outside fenced code blocks, where a heading is a heading and a link a link. */
function prose(markdown: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((line, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) fence = fence ? undefined : marker;
    else if (!fence) out.push({ text: line, line: i + 1 });
  });
  return out;
}

/** The anchors GitHub gives a file's headings (duplicates get -1, -2, …), plus explicit `<a id|name>`. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { text } of prose(markdown)) {
    for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]);
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading.replace(/[`*_]{1,2}(?=\S)|(?<=\S)[`*_]{1,2}/g, (m) => (m.includes('_') ? m : '')));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** Relative links and images, `[text](target)`; inline code is not a link, external and mailto links are left out. */
function links(markdown: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  for (const { text, line } of prose(markdown)) {
    for (const m of text.replace(/`[^`]*`/g, 'code').matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(m[1])) out.push({ target: m[1], line });
    }
  }
  return out;
}

describe('links in the docs', () => {
  it('reads README.md and the guides under docs/', () => {
    expect(DOCS).toEqual(expect.arrayContaining(['README.md', 'docs/migrations.md', 'docs/cli.md']));
    expect(DOCS.flatMap((f) => links(fs.readFileSync(path.join(ROOT, f), 'utf8'))).length).toBeGreaterThan(20);
  });

  it('the checker sees a dead anchor, a missing file and GitHub\'s anchors for code and duplicates', () => {
    const page = '# Title\n## `dbctl db wait`\n## Fleets: one command on many databases\n## Notes\n## Notes\n```sh\n# not a heading\n```\n';
    expect([...anchors(page)]).toEqual(['title', 'dbctl-db-wait', 'fleets-one-command-on-many-databases', 'notes', 'notes-1']);
    expect(links('[a](x.md#y) `[b](not-a-link)` [c](https://example.com) ![d](img.svg)').map((l) => l.target)).toEqual(['x.md#y', 'img.svg']);
  });

  it.each(DOCS)('%s: every relative link and anchor resolves', (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const dead: string[] = [];
    for (const { target, line } of links(text)) {
      const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
      const resolved = pathPart ? path.resolve(path.dirname(path.join(ROOT, file)), decodeURIComponent(pathPart)) : path.join(ROOT, file);
      if (!fs.existsSync(resolved)) {
        dead.push(`${file}:${line}: ${target}: no file ${path.relative(ROOT, resolved)}`);
        continue;
      }
      if (anchor === undefined || !resolved.endsWith('.md')) continue;
      if (!anchors(fs.readFileSync(resolved, 'utf8')).has(anchor)) dead.push(`${file}:${line}: ${target}: ${path.relative(ROOT, resolved)} has no heading with the anchor #${anchor}`);
    }
    expect(dead).toEqual([]);
  });
});

/**
 * The README is the user's first page (it was 13.5k words, guide, reference and benchmarks in one):
 * it stays short, its contents line links every section, and every guide under docs/ is reachable
 * from it.
 */
describe('README.md: short and navigable', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it('is under 3,000 words', () => {
    expect(readme.split(/\s+/).filter(Boolean).length).toBeLessThan(3000);
  });

  it('its contents line links every section', () => {
    const contents = prose(readme).find((l) => l.text.startsWith('**Contents:**'));
    expect(contents).toBeDefined();
    // The paragraph: from the contents line to the next blank line.
    const lines = readme.split('\n').slice(contents!.line - 1);
    const block = lines.slice(0, lines.findIndex((t) => !t.trim())).join(' ');
    const linked = [...block.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    const sections = prose(readme).flatMap(({ text }) => (/^## /.test(text) ? [slug(text.replace(/^##\s+/, ''))] : []));
    expect(linked).toEqual(sections);
  });

  it('links every guide under docs/', () => {
    const guides = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
    expect(guides.filter((f) => !readme.includes(`](docs/${f}`))).toEqual([]);
  });
});
