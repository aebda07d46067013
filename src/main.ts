import { registerCommands, startAdapters } from '../adapters/index.js';
import { runCli } from './cli/index.js';

// The only place that touches process-wide state: argv, env, signals, exit code.
const stop = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
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
  adapters: { start: startAdapters, register: registerCommands },
});
process.exitCode = code;
// One-shot commands must not linger on keep-alive sockets or timers.
if (process.argv[2] !== 'start') setTimeout(() => process.exit(code), 50).unref();
else process.exit(code);
