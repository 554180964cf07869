/**
 * Broken links in the docs: every relative link of a Markdown document must name a file of the
 * repository, and every `#anchor` a heading of the document it points into. Links to the web are
 * not fetched (CI has no network to promise); they are listed so a reviewer can see them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { anchors, links } from './markdown.js';

export interface BrokenLink {
  file: string;
  line: number;
  target: string;
  problem: string;
}

/** Checks the links of `files` (paths relative to `root`). */
export function checkLinks(root: string, files: readonly string[]): { broken: BrokenLink[]; external: string[] } {
  const broken: BrokenLink[] = [];
  const external = new Set<string>();
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (path: string) => {
    let set = anchorCache.get(path);
    if (set === undefined) {
      set = anchors(readFileSync(path, 'utf8'));
      anchorCache.set(path, set);
    }
    return set;
  };
  for (const file of files) {
    const path = join(root, file);
    for (const { target, line } of links(readFileSync(path, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
        external.add(target);
        continue;
      }
      const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
      const resolved = pathPart === '' ? path : join(dirname(path), decodeURIComponent(pathPart));
      if (!existsSync(resolved)) {
        broken.push({ file, line, target, problem: `${relative(root, resolved)} does not exist` });
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md') && statSync(resolved).isFile() && !anchorsOf(resolved).has(anchor)) {
        broken.push({ file, line, target, problem: `no heading with anchor #${anchor} in ${relative(root, resolved)}` });
      }
    }
  }
  return { broken, external: [...external].sort() };
}
