/**
 * Runs the examples of a Markdown document, so the docs cannot drift from the code.
 *
 * A fenced block whose info string carries `run` is executed; other blocks are only shown.
 *   ```ts run    TypeScript, transpiled and run with Node as an ES module; it must not throw
 *                (state facts with node:assert). It imports the package by name, as users do.
 *   ```sh run    shell. Lines starting with `$ ` are commands, each must exit 0 (show an exit
 *                code with `; echo "exit $?"`), and the lines after a command are its output
 *                (stdout and stderr together). Shown output is matched line by line, exactly,
 *                except that `...` inside a line matches any text and a line that is only `...`
 *                stands for any number of lines left out. A block without `$ ` lines is one
 *                script that must exit 0.
 * The blocks of one document run in order in one scratch folder, where `lstm-parity` resolves to
 * the cells package and `lstm-parity-harness` to this one (node_modules links, and the command by
 * `npx lstm-parity`), and `golden/` and `examples/` are links
 * to the package's own, so an example can read a golden file or write a file a later one reads.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import ts from 'typescript';
import { codeBlocks, type CodeBlock } from './markdown.js';

export interface ExampleFailure {
  line: number;
  problem: string;
}

/** A scratch folder in which `lstm-parity` and `lstm-parity-harness` are this repository's, by import and by command. */
export function scratchFolder(root: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-parity-docs-'));
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(join(root, 'packages', 'lstm-parity'), join(dir, 'node_modules', 'lstm-parity'), 'dir');
  symlinkSync(root, join(dir, 'node_modules', 'lstm-parity-harness'), 'dir');
  symlinkSync(join(root, 'bin', 'lstm-parity.js'), join(dir, 'node_modules', '.bin', 'lstm-parity'));
  for (const folder of ['golden', 'examples']) symlinkSync(join(root, folder), join(dir, folder), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

interface Command {
  command: string;
  expected: string[];
}

export function shellCommands(code: string): Command[] {
  const commands: Command[] = [];
  for (const line of code.split('\n')) {
    if (line.startsWith('$ ')) commands.push({ command: line.slice(2), expected: [] });
    else if (commands.length > 0) commands[commands.length - 1].expected.push(line);
  }
  for (const c of commands) while (c.expected.length > 0 && c.expected[c.expected.length - 1].trim() === '') c.expected.pop();
  return commands;
}

function lineMatches(pattern: string, actual: string): boolean {
  const parts = pattern.trimEnd().split('...').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(actual.trimEnd());
}

/**
 * Whether the shown lines are the actual ones, abridged only where a line is `...`: each run of
 * shown lines between such markers matches consecutive actual lines, in order, and the first and
 * last runs are anchored to the start and end unless a marker stands there.
 */
export function outputMatches(expected: readonly string[], actual: readonly string[]): boolean {
  const segments: string[][] = [[]];
  for (const line of expected) {
    if (line.trim() === '...') segments.push([]);
    else segments[segments.length - 1].push(line);
  }
  const anchoredStart = segments.length === 1 || segments[0].length > 0;
  const anchoredEnd = segments.length === 1 || segments[segments.length - 1].length > 0;
  const at = (segment: string[], k: number) => k >= 0 && segment.every((line, n) => k + n < actual.length && lineMatches(line, actual[k + n]));
  let position = 0;
  for (const [index, segment] of segments.entries()) {
    if (segment.length === 0) continue;
    let found: number;
    if (index === 0 && anchoredStart) found = at(segment, 0) ? 0 : -1;
    else if (index === segments.length - 1 && anchoredEnd) found = actual.length - segment.length >= position && at(segment, actual.length - segment.length) ? actual.length - segment.length : -1;
    else {
      found = -1;
      for (let k = position; k + segment.length <= actual.length && found < 0; k++) if (at(segment, k)) found = k;
    }
    if (found < 0) return false;
    position = found + segment.length;
  }
  return !anchoredEnd || position === actual.length;
}

async function runShell(block: CodeBlock, cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const commands = shellCommands(block.code);
  const script = commands.length === 0 ? [{ command: block.code, expected: [] }] : commands;
  for (const { command, expected } of script) {
    const result = await execa('bash', ['-c', `set -o pipefail\n${command}`], { cwd, env, all: true, reject: false, stdin: 'ignore', timeout: 300_000 });
    const output = (result.all ?? '').replace(/\n$/, '');
    if (result.exitCode !== 0) return `\`${command.split('\n')[0]}\` exited ${result.exitCode ?? result.signal}:\n${output}`;
    if (commands.length > 0 && !outputMatches(expected, output === '' ? [] : output.split('\n'))) {
      return `\`${command}\` printed something else than shown.\nshown:\n${expected.join('\n')}\nprinted:\n${output}`;
    }
  }
  return undefined;
}

async function runTypeScript(block: CodeBlock, cwd: string, env: NodeJS.ProcessEnv, index: number): Promise<string | undefined> {
  const { outputText, diagnostics } = ts.transpileModule(block.code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    reportDiagnostics: true,
  });
  if (diagnostics !== undefined && diagnostics.length > 0) return `does not parse: ${ts.flattenDiagnosticMessageText(diagnostics[0].messageText, '\n')}`;
  const file = join(cwd, `example-${index}.mjs`);
  writeFileSync(file, outputText);
  const result = await execa('node', [file], { cwd, env, all: true, reject: false, stdin: 'ignore', timeout: 300_000 });
  return result.exitCode === 0 ? undefined : `threw:\n${result.all ?? ''}`;
}

/** Runs every `run` block of a document in order; the failures, each with its line. */
export async function runExamples(markdown: string, root: string): Promise<{ ran: number; failures: ExampleFailure[] }> {
  const blocks = codeBlocks(markdown).filter((block) => block.meta.includes('run'));
  const failures: ExampleFailure[] = [];
  const scratch = scratchFolder(root);
  const env = { ...process.env, PATH: `${join(scratch.dir, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, NO_COLOR: '1', FORCE_COLOR: '0' };
  try {
    for (const [index, block] of blocks.entries()) {
      let problem: string | undefined;
      if (block.lang === 'sh' || block.lang === 'bash' || block.lang === 'console') problem = await runShell(block, scratch.dir, env);
      else if (block.lang === 'ts' || block.lang === 'js') problem = await runTypeScript(block, scratch.dir, env, index);
      else problem = `cannot run a \`${block.lang}\` block`;
      if (problem !== undefined) failures.push({ line: block.line, problem });
    }
  } finally {
    scratch.remove();
  }
  return { ran: blocks.length, failures };
}
