/**
 * What the docs tests read out of Markdown: fenced code blocks with their info string, and links
 * with the heading anchors they may point at (GitHub's slug rules).
 */

export interface CodeBlock {
  /** The first word of the info string: `ts`, `sh`, ... */
  lang: string;
  /** The words after it: `run` marks a block the docs tests execute. */
  meta: string[];
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
}

export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(lines[k]);
    if (open === null) continue;
    const [, indent, fence, lang, rest] = open;
    const body: string[] = [];
    let end = k + 1;
    while (end < lines.length && !lines[end].startsWith(`${indent}${fence}`)) body.push(lines[end++].slice(indent.length));
    blocks.push({ lang, meta: rest.split(/\s+/).filter(Boolean), code: body.join('\n'), line: k + 1 });
    k = end;
  }
  return blocks;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every heading's anchor in a document, numbered as GitHub numbers repeats (-1, -2, ...). */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const base = slug(heading[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

export interface Link {
  target: string;
  line: number;
}

/** Inline links and images outside code, with their line. */
export function links(markdown: string): Link[] {
  const out: Link[] = [];
  let inFence = false;
  markdown.split('\n').forEach((line, k) => {
    if (/^\s*(`{3,}|~{3,})/.test(line)) inFence = !inFence;
    if (inFence) return;
    const text = line.replace(/`[^`]*`/g, '');
    for (const match of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ target: match[1], line: k + 1 });
  });
  return out;
}
