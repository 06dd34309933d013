import { toErrorData } from '../core/errors';
import { applyCommand } from './apply';
import { installH5Watchdog } from './h5-watchdog';
import { inspectCommand } from './inspect';
import { matchCommand } from './match';
import { installNativeCrc32c } from './native-crc32c';
import { installCrcWorker } from './crc-worker';

/** A sub-command: parses its own arguments, writes lines through `out`, throws GraftErrors. */
export interface Command {
  usage: string;
  run(args: string[], out: (line: string) => void): Promise<void>;
}

const COMMANDS: Record<string, Command> = {
  inspect: inspectCommand,
  match: matchCommand,
  apply: applyCommand,
};

const USAGE = `usage: graft <command> [options]\n\n${Object.values(COMMANDS).map((c) => c.usage).join('\n\n')}`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`graft: unknown command ${name}\n${USAGE}`);
    return 2;
  }
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (options.includes('--help') || options.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  const lines: string[] = [];
  const flush = () => {
    if (lines.length) process.stdout.write(lines.join('\n') + '\n');
    lines.length = 0;
  };
  try {
    await command.run(rest, (line) => {
      lines.push(line);
      if (lines.length >= 256) flush();
    });
    flush();
    return 0;
  } catch (e) {
    flush();
    if (isArgumentError(e)) {
      console.error(`graft ${name}: ${e.message}\n${command.usage}`);
      return 2;
    }
    console.error(`graft: ${toErrorData(e).message}`);
    return 1;
  }
}

/** An option node:util's parseArgs refused (unknown, missing its value, a stray positional): a usage error. */
function isArgumentError(e: unknown): e is Error {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

// A reader that stops early (`graft match … | head`) closes the pipe: the rest of the text is not wanted, and the
// command's own work (an export) goes on rather than ending in a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});
installH5Watchdog();
if (installNativeCrc32c() === 'native') installCrcWorker();
process.exitCode = await main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(`graft: ${toErrorData(e).message}`);
  return 1;
});
// Ends once the output is flushed rather than when the event loop empties: Node would first free a large heap page by
// page (0.1–0.2 s after a 50,000-variable match). Everything main started has finished by now.
process.stdout.write('', () => process.stderr.write('', () => process.exit()));
