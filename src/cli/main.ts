import { parseArgs } from 'node:util';
import { toErrorData } from '../core/errors';
import { inspect } from './inspect';

const USAGE = `usage: graft inspect PATH [--json] [--sha256] [--tensor NAME] [--prefix PREFIX]

  PATH      a checkpoint prefix (model.ckpt), its .index, or a folder (checkpoint dir, SavedModel)
  --json    one JSON object per variable per line
  --sha256  add the sha256 of each tensor's raw stored bytes (reads and checks every tensor)
  --tensor  print one tensor's values
  --prefix  which checkpoint to read when the folder holds several`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'inspect') {
    console.error(`graft: unknown command ${command}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      sha256: { type: 'boolean', default: false },
      tensor: { type: 'string' },
      prefix: { type: 'string' },
    },
  });
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const lines: string[] = [];
  const flush = () => {
    if (lines.length) process.stdout.write(lines.join('\n') + '\n');
    lines.length = 0;
  };
  try {
    await inspect(positionals[0]!, values, (line) => {
      lines.push(line);
      if (lines.length >= 256) flush();
    });
    flush();
    return 0;
  } catch (e) {
    flush();
    console.error(`graft: ${toErrorData(e).message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(`graft: ${toErrorData(e).message}`);
  return 1;
});
