import { accessSync, constants, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError, fileProblem } from './cli-errors.js';

/** Fails with one clear line unless `path` is a readable file. `what` names it: "input file". */
export function checkReadableFile(path: string, what: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') throw new CliError(`${what} not found: ${path}`);
    throw new CliError(`cannot read ${what} ${path}: ${fileProblem(error) ?? (error as Error).message}`);
  }
  if (isDirectory) throw new CliError(`${what} ${path} is a directory, not a file`);
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw new CliError(`cannot read ${what} ${path}: ${fileProblem(error) ?? (error as Error).message}`);
  }
}

/** Fails with one clear line unless `path` is a file we can append to, or can be created. */
export function checkWritableFile(path: string, flag: string): void {
  let exists = true;
  try {
    if (statSync(path).isDirectory())
      throw new CliError(
        `${flag} ${path} is a directory; give a file path, e.g. ${join(path, 'results.jsonl')}`,
      );
  } catch (error) {
    if (error instanceof CliError) throw error;
    if ((error as { code?: unknown }).code !== 'ENOENT')
      throw new CliError(`cannot write ${flag} ${path}: ${fileProblem(error) ?? (error as Error).message}`);
    exists = false;
  }
  const target = exists ? path : dirname(path);
  if (!exists) {
    try {
      if (!statSync(target).isDirectory())
        throw new CliError(`cannot create ${flag} ${path}: ${target} is not a directory`);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`cannot create ${flag} ${path}: directory ${target} does not exist`);
    }
  }
  try {
    accessSync(target, constants.W_OK);
  } catch (error) {
    throw new CliError(
      `cannot ${exists ? 'write' : 'create'} ${flag} ${path}: ${fileProblem(error) ?? (error as Error).message}`,
    );
  }
}
