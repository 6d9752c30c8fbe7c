import { ConfigError } from '@spillway/core';
import { batchCommand } from './batch/batch-command.js';
import { describeError, usageFromParseArgs } from './cli-errors.js';
import { type CliIO, processIO, UsageError } from './cli-io.js';
import { demoCommand } from './demo/demo-command.js';
import { serveCommand } from './serve/serve-command.js';
import { cliVersion } from './version.js';

export const HELP = `Usage: spillway <command> [options]

Commands:
  demo     run an agent-like workload over three simulated providers and show what the router did
  batch    run a JSONL file of requests at the fastest pace the limits allow; resumable
  serve    serve the router as an OpenAI- and Anthropic-compatible HTTP gateway

Options:
  -h, --help       show this help (\`spillway <command> --help\` for a command's options)
  -v, --version    print the version

Exit status: 0 on success, 1 on bad usage, a bad config or a file problem (one line on stderr,
nothing run); each command's help lists the rest.`;

/** Runs one CLI invocation and returns its exit code. Errors become one line on stderr, no stack. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'demo') return await demoCommand(rest, io);
    if (command === 'batch') return await batchCommand(rest, io);
    if (command === 'serve') return await serveCommand(rest, io);
    if (command === '--version' || command === '-v' || command === 'version') {
      io.stdout.write(`${cliVersion()}\n`);
      return 0;
    }
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout.write(`${HELP}\n`);
      return command === undefined ? 1 : 0;
    }
    throw new UsageError(
      command.startsWith('-') ? `unknown option ${command}` : `unknown command "${command}"`,
    );
  } catch (caught) {
    const error = usageFromParseArgs(caught);
    if (error instanceof UsageError) {
      const help =
        command === 'demo' || command === 'batch' || command === 'serve'
          ? `spillway ${command} --help`
          : 'spillway --help';
      io.stderr.write(`spillway: ${error.message} (see \`${help}\`)\n`);
      return 1;
    }
    if (ConfigError.isInstance(error)) {
      io.stderr.write(`spillway: config error: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`spillway: ${describeError(error)}\n`);
    if (io.env.SPILLWAY_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
