import { RouterError } from '@spillway/core';
import { UsageError } from './cli-io.js';

/** A problem the user can fix, shown as one line (no stack): a path, a file's contents, the setup. */
export class CliError extends Error {
  override name = 'CliError';
}

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
};

/** `fs` error → "is a directory"; undefined when it is not a file system error we can describe. */
export function fileProblem(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? FILE_PROBLEMS[code] : undefined;
}

/** Turns `parseArgs` errors into short usage errors; returns anything else unchanged. */
export function usageFromParseArgs(error: unknown): unknown {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_') || typeof message !== 'string')
    return error;
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown option ${quoted}`);
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return new UsageError(`unexpected argument "${quoted}"`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = quoted.split(' ')[0] ?? quoted;
    // "--seed -3": parseArgs will not take a value that looks like an option.
    if (message.includes('ambiguous'))
      return new UsageError(`${flag} needs a value (write ${flag}=<value> for a value that starts with "-")`);
    return new UsageError(
      message.includes('argument missing') ? `${flag} needs a value` : `bad value for ${flag}`,
    );
  }
  return new UsageError(message.split('\n')[0] ?? message);
}

/**
 * One line for any error that reached the top: typed errors keep their code, file system errors say
 * which path and what is wrong, anything else its message. Stacks only with SPILLWAY_DEBUG=1.
 */
export function describeError(error: unknown): string {
  if (RouterError.isInstance(error)) return `${error.code}: ${firstLine(error.message)}`;
  const problem = fileProblem(error);
  const path = (error as { path?: unknown } | null)?.path;
  if (problem && typeof path === 'string') return `${path}: ${problem}`;
  if (error instanceof Error) return firstLine(error.message) || error.name;
  return String(error);
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}
