/**
 * HTML built from text that may hold anything (case names, error messages, file paths): every
 * interpolated value is escaped unless it is already SafeHtml, so no data can open a tag.
 */

/** Markup that is already escaped; only `html` and `raw` make one. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

type Part = SafeHtml | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part instanceof SafeHtml) return part.text;
  if (Array.isArray(part)) return part.map(render).join('');
  if (part === null || part === undefined || part === false) return '';
  return escapeHtml(String(part));
}

/** A tagged template: `html\`<td>${name}</td>\`` escapes `name`; arrays are joined; null, undefined and false vanish. */
export function html(strings: TemplateStringsArray, ...parts: Part[]): SafeHtml {
  let out = strings[0];
  parts.forEach((part, k) => {
    out += render(part) + strings[k + 1];
  });
  return new SafeHtml(out);
}

/** Trusted markup as is: only for text this package wrote (styles, the page script). */
export function raw(text: string): SafeHtml {
  return new SafeHtml(text);
}

/**
 * JSON for a `<script type="application/json">` element. The HTML parser ends a script at the
 * first `</script`, and `<!--` changes how it reads the rest, so every `<` is written as \u003c
 * (JSON.parse reads it back); U+2028 and U+2029 too, which some JavaScript parsers reject.
 */
export function scriptJson(value: unknown): SafeHtml {
  const text = JSON.stringify(value).replace(/[<\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return new SafeHtml(text);
}
