import type { RandomSource } from '@spillway/core';
import { generateWords } from './text-generator.js';

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minItems?: number;
};

/** A value of the schema's shape, deterministic for the random source (no $ref resolution). */
export function valueFromSchema(schema: unknown, random: RandomSource, depth = 0): unknown {
  const node = (schema ?? {}) as Schema;
  if (node.const !== undefined) return node.const;
  if (Array.isArray(node.enum) && node.enum.length > 0)
    return node.enum[Math.floor(random() * node.enum.length)];
  const variants = node.anyOf ?? node.oneOf;
  if (Array.isArray(variants) && variants.length > 0) return valueFromSchema(variants[0], random, depth + 1);
  const type = Array.isArray(node.type) ? node.type.find((name) => name !== 'null') : node.type;
  switch (type ?? (node.properties ? 'object' : 'string')) {
    case 'object': {
      const result: Record<string, unknown> = {};
      if (depth > 6) return result;
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        result[key] = valueFromSchema(child, random, depth + 1);
      }
      return result;
    }
    case 'array': {
      const length = Math.max(node.minItems ?? 1, 1 + Math.floor(random() * 2));
      return depth > 6 ? [] : Array.from({ length }, () => valueFromSchema(node.items, random, depth + 1));
    }
    case 'integer':
      return Math.floor(random() * 100);
    case 'number':
      return Math.round(random() * 10_000) / 100;
    case 'boolean':
      return random() < 0.5;
    case 'null':
      return null;
    default:
      return generateWords(random, 3).slice(0, 2).join('').trim();
  }
}
