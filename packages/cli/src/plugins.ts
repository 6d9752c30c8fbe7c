import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, registerCatalogModels, resolveModels } from '@spillway/core';
import { registerProviderKind } from './provider-kinds.js';

/** What a plugin's `register` receives: the CLI's own registries, so a plugin never needs the same copy of them. */
export type PluginApi = {
  registerProviderKind: typeof registerProviderKind;
  registerCatalogModels: typeof registerCatalogModels;
  /** Turns a config's `models` (ids and partial specs) into specs, from the catalog entries registered. */
  resolveModels: typeof resolveModels;
};

/**
 * A module named in a config's `plugins` exports this (as `register`, or as the default export's
 * `register`). It runs once, before the config's providers are checked, so the kinds it registers can
 * be used in the same file.
 */
export type SpillwayPlugin = { register(api: PluginApi): void | Promise<void> };

const API: PluginApi = { registerProviderKind, registerCatalogModels, resolveModels };

/**
 * A path (`./acme.js`, `/opt/acme.mjs`) is taken from the config file's folder; a package name is
 * resolved from there too (the project the config belongs to), then from the CLI's own install.
 */
function locate(specifier: string, baseDir: string): string {
  if (specifier.startsWith('.') || isAbsolute(specifier))
    return pathToFileURL(resolve(baseDir, specifier)).href;
  try {
    return pathToFileURL(createRequire(join(baseDir, 'spillway.config.json')).resolve(specifier)).href;
  } catch {
    return specifier;
  }
}

/** Imports each plugin and runs its `register`; a failure is a ConfigError naming `plugins[i]`. */
export async function loadPlugins(specifiers: readonly string[], baseDir: string): Promise<void> {
  for (const [index, specifier] of specifiers.entries()) {
    const field = `plugins[${index}]`;
    let module: Record<string, unknown>;
    try {
      module = (await import(locate(specifier, baseDir))) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`${field}: cannot load plugin "${specifier}": ${(error as Error).message}`, {
        field,
        cause: error,
      });
    }
    const fallback = module.default as Partial<SpillwayPlugin> | undefined;
    const register = (module.register ?? fallback?.register) as SpillwayPlugin['register'] | undefined;
    if (typeof register !== 'function')
      throw new ConfigError(`${field}: plugin "${specifier}" exports no register(api) function`, { field });
    try {
      await register(API);
    } catch (error) {
      throw new ConfigError(
        `${field}: plugin "${specifier}" failed to register: ${(error as Error).message}`,
        {
          field,
          cause: error,
        },
      );
    }
  }
}
