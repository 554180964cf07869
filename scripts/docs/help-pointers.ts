/**
 * Pointers from the CLI's help texts into the docs: `docs/FILE.md`, `docs/FILE.md#anchor`,
 * `README#anchor`, or the README followed by a quoted heading (`README: "Install"`). Each must
 * name a file of the repository, and its anchor or heading one of that file's headings, or a
 * reader of `--help` is sent nowhere.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { anchors, slug } from './markdown.js';

export interface HelpPointer {
  /** The pointer as the help text writes it, its line breaks made spaces. */
  text: string;
  /** The file it names, relative to the repository. */
  file: string;
  /** The anchor it names (a quoted heading as its anchor), if any. */
  anchor?: string;
}

const POINTER = /\b(README(?:\.md)?|docs\/[\w./-]*[\w/])(?:#([\w-]+))?(?:(?::|'s)?\s*"([^"]+)")?/g;

/** Every pointer into the docs in a help text; a pointer may be wrapped over lines. */
export function helpPointers(help: string): HelpPointer[] {
  const flat = help.replace(/\s*\n\s*/g, ' ');
  return [...flat.matchAll(POINTER)].map(([text, name, anchor, heading]) => ({
    text,
    file: name.startsWith('README') ? 'README.md' : name,
    ...(anchor !== undefined ? { anchor } : heading !== undefined ? { anchor: slug(heading) } : {}),
  }));
}

/** Why `pointer` leads nowhere from `root`, or undefined where it resolves. */
export function brokenPointer(root: string, pointer: HelpPointer): string | undefined {
  const path = join(root, pointer.file);
  if (!existsSync(path)) return `${pointer.file} does not exist`;
  if (pointer.anchor === undefined) return undefined;
  if (!statSync(path).isFile() || !path.endsWith('.md')) return `${pointer.file} is not a Markdown file, so it has no #${pointer.anchor}`;
  return anchors(readFileSync(path, 'utf8')).has(pointer.anchor) ? undefined : `no heading with anchor #${pointer.anchor} in ${pointer.file}`;
}
