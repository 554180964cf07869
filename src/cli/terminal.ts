/**
 * Everything the CLI writes for people to read goes through here, as lines: a file's names, an
 * implementation's replies and errors, a shard's findings, a path the user gave. Each line is made
 * safe for a terminal here and nowhere else: control characters (C0, DEL, C1, and the Unicode
 * line separators and bidirectional controls) are shown escaped, as `\u001b`, so no string can
 * move the cursor, clear the screen, ring the bell, or start a line of its own (a CR or LF inside
 * a message stays inside it), and no forged line can appear. JSON output is written raw: JSON
 * escapes its own strings.
 *
 * A progress line (./progress.ts) is drawn on stderr without a newline; anything written while
 * it is drawn would be glued to it, so it is cleared first, and redrawn at its next update.
 */

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One line as a terminal may show it: every control character escaped (`\u001b`, `\u000a`). */
export function terminalSafe(line: string): string {
  return line.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Lines as terminal text: each made safe, each ended by a newline. */
export function terminalText(lines: readonly string[]): string {
  return lines.map((line) => `${terminalSafe(line)}\n`).join('');
}

/** A line drawn in place on the terminal (the progress bar), to clear before other output. */
export interface StatusLine {
  clear(): void;
}

let status: StatusLine | undefined;

/** Registers the status line drawn now (undefined once it is gone). */
export function setStatusLine(line: StatusLine | undefined): void {
  status = line;
}

function write(stream: NodeJS.WriteStream, text: string): void {
  if (text === '') return;
  status?.clear();
  stream.write(text);
}

/** Lines for people on stdout. */
export function printOut(lines: readonly string[]): void {
  write(process.stdout, terminalText(lines));
}

/** Lines for people on stderr: messages, notes, errors. */
export function printErr(lines: readonly string[]): void {
  write(process.stderr, terminalText(lines));
}

/** Text that is already safe by its format (JSON, the usage) on stdout, as it is. */
export function printRaw(text: string, stream: NodeJS.WriteStream = process.stdout): void {
  write(stream, text);
}
