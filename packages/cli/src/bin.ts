#!/usr/bin/env node
import { ConfigError } from '@spillway/core';
import { BATCH_HELP, batchCommand } from './batch/batch-command.js';
import { type CliIO, processIO, UsageError } from './cli-io.js';
import { DEMO_HELP, demoCommand } from './demo/demo-command.js';

const HELP = `Usage: spillway <command> [options]

Commands:
  demo     run an agent-like workload over three simulated providers and show what the router did
  batch    run a JSONL file of requests at the fastest pace the limits allow; resumable

Run \`spillway <command> --help\` for a command's options.`;

/** Runs one CLI invocation and returns its exit code. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'demo') return await demoCommand(rest, io);
    if (command === 'batch') return await batchCommand(rest, io);
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout.write(`${HELP}\n`);
      return command === undefined ? 1 : 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      const help = command === 'demo' ? DEMO_HELP : command === 'batch' ? BATCH_HELP : HELP;
      io.stderr.write(`spillway: ${(error as Error).message}\n\n${help}\n`);
      return 1;
    }
    if (ConfigError.isInstance(error)) {
      io.stderr.write(`spillway: config error: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`spillway: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
