/** The end of each command's `--help`: an example and what its exit codes mean. */

const EXIT_USAGE = '2 bad usage or config (every problem is printed)';

const HELP: Record<string, { examples: string[]; exits: string[] }> = {
  herald: {
    examples: ['herald init --site https://example.org', 'herald validate', 'herald preview --channel x-main', 'herald once'],
    exits: ['0 success', '1 a delivery or a feed failed, or Herald could not do its work (network, files, store)', EXIT_USAGE],
  },
  init: {
    examples: ['herald init', 'herald init --site https://astanatimes.com --config herald.yaml'],
    exits: ['0 the config was written', '1 the site could not be read', '2 the file exists already (use --force), or bad usage'],
  },
  validate: {
    examples: ['herald validate --config /etc/herald/herald.yaml', 'herald validate --online'],
    exits: ['0 the config is valid', `2 it is not: one line per problem on stdout, \`path: message\``],
  },
  preview: {
    examples: ['herald preview --feed astanatimes --channel x-main --limit 1', 'herald preview --json'],
    exits: ['0 every post fits', '1 a feed failed or a post cannot be made', EXIT_USAGE],
  },
  once: {
    examples: ['herald once', '*/5 * * * * cd /srv/herald && herald once   # from cron'],
    exits: ['0 all delivered (or queued for later)', '1 a delivery failed or is in doubt, a feed failed, or a channel paused or could not start', EXIT_USAGE, '130 stopped by a signal with a send cut short'],
  },
  run: {
    examples: ['herald run --config /etc/herald/herald.yaml'],
    exits: ['0 stopped by SIGINT/SIGTERM after the sends under way', '1 could not start', EXIT_USAGE],
  },
  status: {
    examples: ['herald status', 'herald status --json'],
    exits: ['0 all is well', '1 something needs the operator (failed, in doubt, held, paused, a feed failing), or the store could not be read', EXIT_USAGE],
  },
  history: {
    examples: ['herald history --channel x-main --limit 20', 'herald history --json'],
    exits: ['0 shown', '1 the store could not be read', EXIT_USAGE],
  },
  retry: {
    examples: ['herald retry 42', 'herald retry --failed'],
    exits: ['0 queued again', '1 no such delivery, or it cannot be retried', EXIT_USAGE],
  },
  skip: {
    examples: ['herald skip 42', 'herald skip --held'],
    exits: ['0 skipped', '1 no such delivery, or it cannot be skipped', EXIT_USAGE],
  },
  release: {
    examples: ['herald release astanatimes'],
    exits: ['0 released', '1 the feed has nothing held', EXIT_USAGE],
  },
  approve: {
    examples: ['herald approve 42', 'herald approve --channel x-main --all'],
    exits: ['0 approved', '1 no such delivery, or it is not waiting for review', EXIT_USAGE],
  },
  reject: {
    examples: ['herald reject 42'],
    exits: ['0 rejected', '1 no such delivery, or it is not waiting for review', EXIT_USAGE],
  },
  auth: {
    examples: ['HERALD_SECRET_KEY=$(cat /etc/herald/key) herald auth x-main', 'herald auth x-main --port 8765', 'herald auth x-main --redirect-uri https://herald.example.org/callback'],
    exits: ['0 connected: the tokens are stored', '1 the platform refused, or the redirect did not match', EXIT_USAGE + ', or no HERALD_SECRET_KEY'],
  },
  resume: {
    examples: ['herald resume x-main'],
    exits: ['0 resumed, or it was not paused', EXIT_USAGE],
  },
};

export function helpText(command: string): string {
  const help = HELP[command];
  if (!help) return '';
  return ['', 'Examples:', ...help.examples.map((e) => `  $ ${e}`), '', 'Exit codes:', ...help.exits.map((e) => `  ${e}`), ''].join('\n');
}
