/**
 * Splitting a command line such as `python3 "my lstm.py" --dtype float32` into an executable and
 * its arguments, the way a POSIX shell splits words, without a shell: no variables, globs,
 * pipes or redirections are interpreted, so nothing in the text can run anything but the command.
 *
 *   'single quotes'   everything inside is literal
 *   "double quotes"   literal except \" \\ \$ \` (backslash escapes those four)
 *   \x                outside quotes, the character x itself (an escaped space joins words)
 */

export class CommandLineError extends Error {
  override readonly name = 'CommandLineError';
}

/**
 * Splits a command line into words as a POSIX shell would for quotes and backslashes, without a
 * shell (no expansion, no pipes), so `--impl-command` runs exactly the program it names.
 * @throws CommandLineError for an unterminated quote or a trailing backslash.
 */
export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k];
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && k + 1 < text.length && '"\\$`'.includes(text[k + 1])) word += text[++k];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\') {
      if (k + 1 === text.length) throw new CommandLineError(`a backslash ends the command ${JSON.stringify(text)}`);
      word += text[++k];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new CommandLineError(`unterminated ${quote === '"' ? 'double' : 'single'} quote in the command ${JSON.stringify(text)}`);
  if (inWord) words.push(word);
  if (words.length === 0) throw new CommandLineError('the command is empty');
  return words;
}

/** A word as a POSIX shell reads it back: bare when it is safe, else in single quotes. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
