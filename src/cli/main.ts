// First: the heap policy applies to whatever the commands allocate.
import '../heap-policy.ts';
import { Command, CommanderError, Option } from 'commander';
import { EXIT_USAGE, reportFor } from './failure.ts';
import { logLevel, wholeNumber } from './flags.ts';
import { helpText } from './help.ts';
import { VERSION } from '../version.ts';
import type { Action as OperatorAction } from './operator.ts';

type Action = (opts: never) => number | Promise<number>;
type Options = Record<string, unknown> & { logLevel?: string };

// Command modules are imported when their command runs: `--version` or `validate` need not
// load what `once` needs.
const commands = {
  validate: async () => (await import('./validate.ts')).validateCommand,
  preview: async () => (await import('./preview.ts')).previewCommand,
  once: async () => (await import('./once.ts')).onceCommand,
  run: async () => (await import('./run.ts')).runCommand,
  status: async () => (await import('./status.ts')).statusCommand,
  history: async () => (await import('./status.ts')).historyCommand,
  init: async () => (await import('./init.ts')).initCommand,
  'store copy': async () => (await import('./store-copy.ts')).storeCopyCommand,
} satisfies Record<string, () => Promise<Action>>;

/** The log level: the flag, else $HERALD_LOG_LEVEL, else `warn` for `once` (its report is the output) and `info` otherwise. */
function withLogLevel(command: string, opts: Options): Options {
  if (opts.logLevel !== undefined) return opts;
  const fromEnv = process.env.HERALD_LOG_LEVEL;
  if (fromEnv) return { ...opts, logLevel: logLevel(fromEnv, '$HERALD_LOG_LEVEL') };
  return command === 'once' ? { ...opts, logLevel: 'warn' } : opts;
}

function program(setExit: (code: number) => void): Command {
  const cli = new Command('herald')
    .description("Announces a news outlet's new articles on its social channels")
    .version(VERSION, '-v, --version', 'print the version')
    .option('-c, --config <file>', 'config file (default: $HERALD_CONFIG, else ./herald.yaml)')
    .addOption(
      new Option('--log-level <level>', 'trace, debug, info, warn, error or silent (default: info, warn for once; or $HERALD_LOG_LEVEL)').argParser(
        (v) => logLevel(v),
      ),
    )
    .option('--debug', 'on failure, print the stack trace too')
    .exitOverride();

  const run = (name: keyof typeof commands) => async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const action = await commands[name]();
    setExit(await action(withLogLevel(name, cmd.optsWithGlobals()) as never));
  };
  const operator = (action: OperatorAction) => async (target: string | undefined, _o: unknown, cmd: Command) => {
    const { operatorCommand } = await import('./operator.ts');
    setExit(await operatorCommand(action, target, withLogLevel(action, cmd.optsWithGlobals()) as never));
  };

  cli.command('init').description('write a commented starter config (feeds found on --site)').option('--site <url>', "the outlet's web site: its feeds are discovered from the home page").option('--force', 'overwrite an existing file').action(run('init'));
  cli
    .command('validate')
    .description('check the config; every problem as `path: message`, exit 2')
    .option('--online', 'also fetch the feeds on the network to check the filters against their current items (feed files are always read)')
    .action(run('validate'));
  cli
    .command('preview')
    .description('show exactly what each channel would post for the newest items; posts and records nothing')
    .option('--feed <id>', 'only this feed')
    .option('--channel <id>', 'only this channel')
    .option('--limit <n>', 'items per feed (default 3)', wholeNumber('--limit', 1, 3))
    .option('--json', 'machine-readable output')
    .action(run('preview'));
  cli.command('once').description('poll every feed once, deliver what is due (waiting up to 60 s), then exit').action(run('once'));
  cli.command('run').description('the daemon: poll on each feed schedule and deliver; SIGINT/SIGTERM stop cleanly').action(run('run'));
  cli
    .command('status')
    .description('feeds, channels, workers, queue, and deliveries held, in review, failed or in doubt; exit 1 when something needs the operator')
    .option('--json', 'machine-readable output')
    .action(run('status'));
  cli
    .command('history')
    .description('deliveries, newest first, with remote URLs, attempts and reasons')
    .option('--channel <id>', 'only this channel')
    .option('--limit <n>', 'how many (default 50)', wholeNumber('--limit', 1, 50))
    .option('--json', 'machine-readable output')
    .action(run('history'));
  cli.command('retry [id]').description('queue a failed or in-doubt delivery again').option('--failed', 'every failed delivery').action(operator('retry'));
  cli.command('skip [id]').description('never send this delivery').option('--held', 'every delivery held by the flood guard').action(operator('skip'));
  cli.command('release <feed>').description("post the feed's items held by the flood guard").action(operator('release'));
  cli.command('resume <channel>').description('resume a channel paused after its credentials were refused').action(operator('resume'));
  cli
    .command('approve [id]')
    .description('approve a post waiting for review (`--channel C --all`: every one of that channel)')
    .option('--channel <id>', 'the channel, with --all')
    .option('--all', 'every post waiting for review on --channel')
    .action(operator('approve'));
  cli
    .command('auth [channel]')
    .description("connect a channel's account through the platform's OAuth flow and store its tokens (encrypted with HERALD_SECRET_KEY)")
    .option('--rotate-key', 'seal every stored token again with HERALD_NEW_SECRET_KEY (stop the workers first; restart them with the new key)')
    .option('--port <n>', 'the loopback port for the redirect (default: any free one)', wholeNumber('--port', 1, 8765))
    .option('--redirect-uri <url>', 'the callback URL registered with the app, if not http://127.0.0.1:PORT/callback')
    .action(async (channel: string | undefined, _o: unknown, cmd: Command) => {
      const { authCommand } = await import('./auth.ts');
      setExit(await authCommand(channel, cmd.optsWithGlobals() as never));
    });
  cli.command('reject <id>').description('never send this post waiting for review').action(operator('reject'));
  cli
    .command('store')
    .description('the store itself: `herald store copy --to URL`')
    .command('copy')
    .description('copy the store (articles, feed state, queue, history) into an empty one, e.g. SQLite into PostgreSQL')
    .requiredOption('--to <url>', 'the target: a postgres:// URL or a SQLite file')
    .option('--force', 'replace what the target holds')
    .action(run('store copy'));

  for (const command of [cli, ...cli.commands]) {
    const name = command === cli ? '' : ` ${command.name()}`;
    command.configureOutput({
      outputError: (message, write) => write(`herald: ${message.replace(/^error: /, '').trim()} — see \`herald${name} --help\`\n`),
    });
    command.addHelpText('after', helpText(command.name()));
  }
  return cli;
}

async function main(argv: string[]): Promise<number> {
  let code = 0;
  try {
    await program((c) => (code = c)).parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    return fail(err, argv);
  }
}

function fail(err: unknown, argv: string[]): number {
  const report = reportFor(err, { debug: argv.includes('--debug'), validating: argv.includes('validate') });
  for (const line of report.stdout) process.stdout.write(`${line}\n`);
  for (const line of report.stderr) process.stderr.write(`${line}\n`);
  return report.code;
}

// A failure outside the command's own promise (a library's stray socket error) is reported the same way.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (err: unknown) => process.exit(fail(err, process.argv)));
}

// Exit explicitly: a client library keeping a socket alive must not keep a finished command running.
process.exit(await main(process.argv));
