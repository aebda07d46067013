import { runCli } from './cli/index.js';

// discord.js and Bolt take about a second to load: only the commands that run an adapter load them.
const adapters = () => import('../adapters/index.js');

// The only place that touches process-wide state: argv, env, signals, exit code.
const stop = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
  // A Discord shard process (forked by `start --shards`) stops when its manager goes away.
  if (process.channel) process.once('disconnect', () => resolve());
});

process.on('unhandledRejection', (reason) => {
  process.stderr.write(`normguard: unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}\n`);
});

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stopSignal: stop,
  // The entry point is the one place in src/ that knows the adapters: it plugs them in.
  adapters: {
    start: async (core) => (await adapters()).startAdapters(core),
    register: async (platform, options, config) => (await adapters()).registerCommands(platform, options, config),
    shards: async (options) => (await adapters()).startDiscordShards(options),
  },
  // The command registry (zod and commands/) loads only when one of its commands runs.
  commands: async () => (await import('../adapters/cli/index.js')).cliCommands,
  // `start --shards` re-runs this entry point once per shard, with the same Node flags (tsx).
  entry: { file: process.argv[1] ?? '', execArgv: process.execArgv },
});
process.exitCode = code;
// One-shot commands must not linger on keep-alive sockets or timers.
if (process.argv[2] !== 'start') setTimeout(() => process.exit(code), 50).unref();
else process.exit(code);
