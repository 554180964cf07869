/**
 * Every pointer into the docs that a help text gives must lead somewhere: the help texts are read
 * from the built command as a user reads them (`lstm-parity --help`, then each command's
 * `--help`), their pointers extracted (scripts/docs/help-pointers.ts), and each must name a file
 * of the repository and, where it names a heading, a heading that file has.
 */
import { describe, expect, it } from 'vitest';
import { brokenPointer, helpPointers } from '../scripts/docs/help-pointers.js';
import { ROOT, cli } from './helpers/cli.js';

/** The commands the top-level help lists. */
function commandsOf(help: string): string[] {
  const section = help.split(/^commands:$/m)[1]?.split(/^\S/m)[0] ?? '';
  return [...section.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]);
}

describe('pointers from the help texts into the docs', () => {
  it('should resolve, in every help text', async () => {
    const top = await cli(['--help']);
    expect(top.exitCode).toBe(0);
    const commands = commandsOf(String(top.stdout));
    expect(commands).toEqual(expect.arrayContaining(['verify', 'merge', 'explore', 'accuracy', 'scoreboard', 'run', 'case', 'serve']));
    const texts: [string, string][] = [['lstm-parity --help', String(top.stdout)]];
    for (const command of commands) {
      const help = await cli([command, '--help']);
      expect(help.exitCode, `${command} --help`).toBe(0);
      texts.push([`lstm-parity ${command} --help`, String(help.stdout)]);
    }
    const pointers = texts.flatMap(([where, text]) => helpPointers(text).map((pointer) => ({ where, pointer })));
    // Not vacuous: verify's, explore's and accuracy's options point to the guide on the protocol.
    expect(pointers.filter(({ pointer }) => pointer.file === 'docs/verify-your-implementation.md').map(({ where }) => where)).toEqual(
      expect.arrayContaining(['lstm-parity verify --help', 'lstm-parity explore --help', 'lstm-parity accuracy --help']),
    );
    const broken = pointers.flatMap(({ where, pointer }) => {
      const problem = brokenPointer(ROOT, pointer);
      return problem === undefined ? [] : [`${where}: ${pointer.text}: ${problem}`];
    });
    expect(broken).toEqual([]);
  });

  it('should find pointers wrapped over lines, README headings quoted or as anchors, and report what is missing', () => {
    const help = `  --a  see docs/verify.md#what-it-costs and the README: "Quick
       start"; README#install, docs/cli.md, (README: "Verify any LSTM
       implementation") docs/nowhere.md docs/verify.md#nowhere; write scoreboard.md (default docs)`;
    const found = helpPointers(help);
    expect(found.map(({ file, anchor }) => [file, anchor])).toEqual([
      ['docs/verify.md', 'what-it-costs'],
      ['README.md', 'quick-start'],
      ['README.md', 'install'],
      ['docs/cli.md', undefined],
      ['README.md', 'verify-any-lstm-implementation'],
      ['docs/nowhere.md', undefined],
      ['docs/verify.md', 'nowhere'],
    ]);
    expect(found.map((pointer) => brokenPointer(ROOT, pointer))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      'no heading with anchor #verify-any-lstm-implementation in README.md',
      'docs/nowhere.md does not exist',
      'no heading with anchor #nowhere in docs/verify.md',
    ]);
  });
});
