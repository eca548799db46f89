import { Command, CommanderError } from 'commander';
import { ConfigError, UserError } from '../errors.ts';
import { VERSION } from './context.ts';
import { onceCommand } from './once.ts';
import { operatorCommand } from './operator.ts';
import { previewCommand } from './preview.ts';
import { runCommand } from './run.ts';
import { historyCommand, statusCommand } from './status.ts';
import { validateCommand } from './validate.ts';

const EXIT_USAGE = 2;

function program(setExit: (code: number) => void): Command {
  const cli = new Command('herald')
    .description("Announces a news outlet's new articles on its social channels")
    .version(VERSION)
    .option('-c, --config <file>', 'config file (default: $HERALD_CONFIG, else ./herald.yaml)')
    .option('--log-level <level>', 'trace, debug, info, warn, error or silent (default: info; or $HERALD_LOG_LEVEL)')
    .showHelpAfterError()
    .exitOverride();
  const run = (fn: (opts: never) => number | Promise<number>) => async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    setExit(await fn(cmd.optsWithGlobals() as never));
  };

  cli.command('validate').description('check the config; every problem as `path: message`, exit 2').action(run(validateCommand));
  cli
    .command('preview')
    .description('show exactly what each channel would post for the newest items; posts and records nothing')
    .option('--feed <id>', 'only this feed')
    .option('--channel <id>', 'only this channel')
    .option('--limit <n>', 'items per feed (default 3)')
    .option('--json', 'machine-readable output')
    .action(run(previewCommand));
  cli.command('once').description('poll every feed once, deliver what is due (waiting up to 60 s), then exit').action(run(onceCommand));
  cli.command('run').description('the daemon: poll on each feed schedule and deliver; SIGINT/SIGTERM stop cleanly').action(run(runCommand));
  cli
    .command('status')
    .description('feeds, channels, workers, queue, and deliveries held, in review, failed or in doubt; exit 1 when something needs the operator')
    .option('--json', 'machine-readable output')
    .action(run(statusCommand));
  cli
    .command('history')
    .description('deliveries, newest first, with remote URLs, attempts and reasons')
    .option('--channel <id>', 'only this channel')
    .option('--limit <n>', 'how many (default 50)')
    .option('--json', 'machine-readable output')
    .action(run(historyCommand));
  cli
    .command('retry [id]')
    .description('queue a failed or in-doubt delivery again')
    .option('--failed', 'every failed delivery')
    .action(async (id: string | undefined, _o: unknown, cmd: Command) => setExit(await operatorCommand('retry', id, cmd.optsWithGlobals())));
  cli
    .command('skip [id]')
    .description('never send this delivery')
    .option('--held', 'every delivery held by the flood guard')
    .action(async (id: string | undefined, _o: unknown, cmd: Command) => setExit(await operatorCommand('skip', id, cmd.optsWithGlobals())));
  cli
    .command('release <feed>')
    .description("post the feed's items held by the flood guard")
    .action(async (feed: string, _o: unknown, cmd: Command) => setExit(await operatorCommand('release', feed, cmd.optsWithGlobals())));
  cli
    .command('resume <channel>')
    .description('resume a channel paused after its credentials were refused')
    .action(async (channel: string, _o: unknown, cmd: Command) => setExit(await operatorCommand('resume', channel, cmd.optsWithGlobals())));
  cli
    .command('approve [id]')
    .description('approve a post waiting for review (`--channel C --all`: every one of that channel)')
    .option('--channel <id>', 'the channel, with --all')
    .option('--all', 'every post waiting for review on --channel')
    .action(async (id: string | undefined, _o: unknown, cmd: Command) => setExit(await operatorCommand('approve', id, cmd.optsWithGlobals())));
  cli
    .command('reject <id>')
    .description('never send this post waiting for review')
    .action(async (id: string, _o: unknown, cmd: Command) => setExit(await operatorCommand('reject', id, cmd.optsWithGlobals())));
  return cli;
}

async function main(argv: string[]): Promise<number> {
  let code = 0;
  try {
    await program((c) => (code = c)).parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    if (err instanceof ConfigError) {
      const validating = argv.includes('validate');
      const stream = validating ? process.stdout : process.stderr;
      for (const p of err.problems) stream.write(`${p.path || '(file)'}: ${p.message}\n`);
      process.stderr.write(`${err.file}: ${err.problems.length} problem(s); ${err.hint}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof UserError) {
      process.stderr.write(`herald: ${err.message}${err.hint ? `\n  ${err.hint}` : ''}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

// Exit explicitly: a client library keeping a socket alive must not keep a finished command running.
process.exit(await main(process.argv));
