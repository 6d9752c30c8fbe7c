import { MAX_TENANT_LENGTH } from '../budgets/budget-options.js';
import { CACHE_MODES } from '../cache/response-cache.js';
import { InvalidRequestError } from '../errors.js';
import type { ChatRequest, ModelRef } from '../types.js';
import { ROLES } from '../types.js';
import {
  checkBoolean,
  checkJson,
  checkNumber,
  checkOneOf,
  checkString,
  describe,
  isRecord,
  MAX_TIMER_MS,
} from './checks.js';

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const TOOL_CHOICES = ['auto', 'none', 'required'];

function fail(field: string, problem: string): never {
  throw new InvalidRequestError(`${field} ${problem}`, { field });
}

function check(field: string, problem: string | undefined): void {
  if (problem) fail(field, problem);
}

// Each caller reads its field by name: a keyed lookup per field on every request was measurable.
function optional(key: string, value: unknown, validate: Rule): void {
  if (value !== undefined) check(key, validate(value));
}

function checkContent(content: unknown, at: string, role: unknown): void {
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) fail(at, `must be a string or an array of parts, got ${describe(content)}`);
  if (content.length === 0 && role !== 'assistant') check(at, 'must not be empty');
  for (const [index, part] of content.entries()) {
    const path = `${at}[${index}]`;
    if (!isRecord(part)) fail(path, `must be a content part object, got ${describe(part)}`);
    if (part.type === 'text') {
      if (typeof part.text !== 'string') fail(`${path}.text`, `must be a string, got ${describe(part.text)}`);
      continue;
    }
    if (part.type !== 'image') fail(`${path}.type`, `must be one of text, image, got ${describe(part.type)}`);
    checkImage(part, path);
  }
}

const MEDIA_TYPE = /^image\/[\w.+-]+$/;

function checkImage(part: Record<string, unknown>, path: string): void {
  for (const key of ['url', 'data', 'mediaType'])
    if (part[key] !== undefined && typeof part[key] !== 'string')
      fail(`${path}.${key}`, `must be a string, got ${describe(part[key])}`);
  if (part.url === undefined && part.data === undefined)
    check(path, 'must give an image as url or as base64 data');
  if (part.data !== undefined && part.mediaType === undefined)
    check(`${path}.mediaType`, 'is required with base64 data (for example "image/png")');
  if (part.mediaType !== undefined && !MEDIA_TYPE.test(part.mediaType as string))
    check(
      `${path}.mediaType`,
      `must be an image media type such as "image/png", got ${describe(part.mediaType)}`,
    );
}

function checkMessages(messages: unknown): void {
  if (!Array.isArray(messages) || messages.length === 0)
    fail('messages', `must be a non-empty array, got ${describe(messages)}`);
  for (let index = 0; index < messages.length; index++) {
    const message: unknown = messages[index];
    // The common message (a role and a string) is checked without building its path strings.
    if (isRecord(message) && typeof message.content === 'string' && message.toolCalls === undefined) {
      if (message.role === 'user' || message.role === 'system' || message.role === 'assistant') continue;
    }
    checkMessage(message, `messages[${index}]`);
  }
}

function checkMessage(message: unknown, at: string): void {
  if (!isRecord(message)) fail(at, `must be a message object, got ${describe(message)}`);
  check(`${at}.role`, checkOneOf(message.role, ROLES));
  const hasToolCalls = Array.isArray(message.toolCalls) && message.toolCalls.length > 0;
  if (
    !(
      message.role === 'assistant' &&
      hasToolCalls &&
      (message.content === '' || message.content === undefined)
    )
  )
    checkContent(message.content, `${at}.content`, message.role);
  if (message.toolCalls !== undefined) {
    if (message.role !== 'assistant') check(`${at}.toolCalls`, 'is only allowed on assistant messages');
    if (!Array.isArray(message.toolCalls)) check(`${at}.toolCalls`, 'must be an array');
    for (const [callIndex, call] of (message.toolCalls as unknown[]).entries()) {
      const path = `${at}.toolCalls[${callIndex}]`;
      if (!isRecord(call)) fail(path, 'must be a tool call object');
      check(`${path}.id`, checkString(call.id));
      check(`${path}.name`, checkString(call.name));
      if (typeof call.arguments !== 'string') check(`${path}.arguments`, checkJson(call.arguments));
      if (call.rawArguments !== undefined && typeof call.rawArguments !== 'string')
        check(`${path}.rawArguments`, `must be a string, got ${describe(call.rawArguments)}`);
    }
  }
  if (message.role === 'tool') check(`${at}.toolCallId`, checkString(message.toolCallId));
  if (message.isError !== undefined) check(`${at}.isError`, checkBoolean(message.isError));
}

function checkModelRef(ref: unknown, at: string, isOffered: (ref: ModelRef) => boolean): void {
  if (typeof ref === 'string') {
    check(at, checkString(ref));
  } else if (isRecord(ref)) {
    check(`${at}.provider`, checkString(ref.provider));
    check(`${at}.model`, checkString(ref.model));
  } else {
    fail(at, `must be a model id or { provider, model }, got ${describe(ref)}`);
  }
  if (!isOffered(ref as ModelRef)) {
    const name = typeof ref === 'string' ? `"${ref}"` : `"${ref.model}" of provider "${ref.provider}"`;
    check(at, `names ${name}, which no configured provider offers`);
  }
}

const NO_TOOLS: ReadonlySet<string> = new Set();

function checkTools(tools: unknown): ReadonlySet<string> {
  if (tools === undefined) return NO_TOOLS;
  const names = new Set<string>();
  if (!Array.isArray(tools)) check('tools', `must be an array, got ${describe(tools)}`);
  for (const [index, tool] of (tools as unknown[]).entries()) {
    const at = `tools[${index}]`;
    if (!isRecord(tool)) fail(at, `must be a tool definition object, got ${describe(tool)}`);
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name))
      check(`${at}.name`, `must be 1-64 letters, digits, '_' or '-', got ${describe(tool.name)}`);
    if (names.has(tool.name as string)) check(`${at}.name`, `duplicates tool "${tool.name}"`);
    names.add(tool.name as string);
    if (!isRecord(tool.parameters)) check(`${at}.parameters`, 'must be a JSON Schema object');
    check(`${at}.parameters`, checkJson(tool.parameters));
    if (tool.description !== undefined && typeof tool.description !== 'string')
      check(`${at}.description`, 'must be a string');
    if (tool.strict !== undefined) check(`${at}.strict`, checkBoolean(tool.strict));
  }
  return names;
}

function checkToolChoice(choice: unknown, toolNames: ReadonlySet<string>): void {
  if (choice === undefined) return;
  if (typeof choice === 'string') {
    check('toolChoice', checkOneOf(choice, TOOL_CHOICES)?.replace(', got', ' or { name }, got'));
    if (choice === 'required' && toolNames.size === 0)
      check('toolChoice', "is 'required' but no tools are given");
    return;
  }
  if (!isRecord(choice) || typeof choice.name !== 'string')
    fail('toolChoice', `must be 'auto', 'none', 'required' or { name }, got ${describe(choice)}`);
  if (!toolNames.has(choice.name)) check('toolChoice.name', `names "${choice.name}", which is not in tools`);
}

function checkResponseFormat(format: unknown): string | undefined {
  if (!isRecord(format)) return `must be an object, got ${describe(format)}`;
  const problem = checkOneOf(format.type, ['text', 'json', 'json-schema']);
  if (problem) return `.type ${problem}`;
  if (format.type !== 'json-schema') return undefined;
  if (!isRecord(format.schema)) return '.schema must be a JSON Schema object';
  const json = checkJson(format.schema);
  if (json) return `.schema ${json}`;
  if (format.name !== undefined && typeof format.name !== 'string')
    return `.name must be a string, got ${describe(format.name)}`;
  if (format.strict !== undefined) {
    const strict = checkBoolean(format.strict);
    if (strict) return `.strict ${strict}`;
  }
  return undefined;
}

// The rules for optional fields, built once rather than as closures on every request.
type Rule = (value: unknown) => string | undefined;
// Durations feed timers: beyond MAX_TIMER_MS a Node timer fires at once instead of late.
const positive: Rule = (value) => checkNumber(value, { min: 0, exclusiveMin: true, max: MAX_TIMER_MS });
const capabilityRule: Rule = (value) => checkNumber(value, { min: 1, max: 10 });
const maxTokensRule: Rule = (value) => checkNumber(value, { min: 1, integer: true });
const temperatureRule: Rule = (value) => checkNumber(value, { min: 0, max: 2 });
const priorityRule: Rule = (value) => checkNumber(value, {});
const seedRule: Rule = (value) => checkNumber(value, { integer: true });
const cacheRule: Rule = (value) => {
  if (value === false) return undefined;
  if (!isRecord(value)) return `must be false or { ttlMs?, mode? }, got ${describe(value)}`;
  if (value.ttlMs !== undefined) {
    const problem = checkNumber(value.ttlMs, { min: 1, integer: true });
    if (problem) return `.ttlMs ${problem}`;
  }
  if (value.mode !== undefined) {
    const problem = checkOneOf(value.mode, CACHE_MODES);
    if (problem) return `.mode ${problem}`;
  }
  return undefined;
};
const hedgeRule: Rule = (value) => {
  if (value === false) return undefined;
  if (!isRecord(value)) return `must be false or { afterMs }, got ${describe(value)}`;
  const problem = checkNumber(value.afterMs, { min: 0, max: MAX_TIMER_MS });
  return problem && `.afterMs ${problem}`;
};
const onInterruptRule: Rule = (value) => checkOneOf(value, ['error', 'continue']);
const stopRule: Rule = (value) =>
  typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    ? undefined
    : `must be a string or an array of strings, got ${describe(value)}`;
const tenantRule: Rule = (value) =>
  typeof value === 'string' && value.length > MAX_TENANT_LENGTH
    ? `must be at most ${MAX_TENANT_LENGTH} characters, got ${value.length}`
    : checkString(value);
const metadataRule: Rule = (value) =>
  isRecord(value) && Object.values(value).every((item) => typeof item === 'string')
    ? undefined
    : 'must be an object of string values';

/** Throws InvalidRequestError naming the first field that is wrong. Sends nothing. */
export function validateRequest(request: ChatRequest, isOffered: (ref: ModelRef) => boolean): void {
  if (!isRecord(request))
    throw new InvalidRequestError(`request must be an object, got ${describe(request)}`);
  const raw = request as unknown as Record<string, unknown>;
  checkMessages(raw.messages);
  if (raw.model !== undefined) {
    if (Array.isArray(raw.model)) {
      if (raw.model.length === 0) check('model', 'must not be an empty array');
      for (const [index, ref] of raw.model.entries()) checkModelRef(ref, `model[${index}]`, isOffered);
    } else checkModelRef(raw.model, 'model', isOffered);
  }
  optional('minCapability', raw.minCapability, capabilityRule);
  if (raw.require !== undefined) {
    if (!isRecord(raw.require)) check('require', `must be an object, got ${describe(raw.require)}`);
    const require = raw.require as Record<string, unknown>;
    for (const key of ['tools', 'vision', 'json'])
      if (require[key] !== undefined) check(`require.${key}`, checkBoolean(require[key]));
    if (require.minContextWindow !== undefined)
      check('require.minContextWindow', checkNumber(require.minContextWindow, { min: 1, integer: true }));
  }
  optional('maxTokens', raw.maxTokens, maxTokensRule);
  optional('temperature', raw.temperature, temperatureRule);
  optional('stop', raw.stop, stopRule);
  checkToolChoice(raw.toolChoice, checkTools(raw.tools));
  if (raw.responseFormat !== undefined) {
    const problem = checkResponseFormat(raw.responseFormat);
    if (problem?.startsWith('.'))
      check(`responseFormat${problem.split(' ')[0]}`, problem.slice(problem.indexOf(' ') + 1));
    else check('responseFormat', problem);
  }
  optional('seed', raw.seed, seedRule);
  if (raw.cache !== undefined) {
    const problem = cacheRule(raw.cache);
    if (problem?.startsWith('.'))
      check(`cache${problem.split(' ')[0]}`, problem.slice(problem.indexOf(' ') + 1));
    else check('cache', problem);
  }
  optional('timeoutMs', raw.timeoutMs, positive);
  optional('attemptTimeoutMs', raw.attemptTimeoutMs, positive);
  optional('timeToFirstTokenMs', raw.timeToFirstTokenMs, positive);
  optional('stallTimeoutMs', raw.stallTimeoutMs, positive);
  if (raw.signal !== undefined && !(raw.signal instanceof AbortSignal))
    check('signal', 'must be an AbortSignal');
  optional('priority', raw.priority, priorityRule);
  optional('metadata', raw.metadata, metadataRule);
  optional('tenant', raw.tenant, tenantRule);
  optional('onInterrupt', raw.onInterrupt, onInterruptRule);
  optional('fallbackOnContentFilter', raw.fallbackOnContentFilter, checkBoolean);
  if (raw.hedge !== undefined) {
    const problem = hedgeRule(raw.hedge);
    if (problem?.startsWith('.'))
      check(`hedge${problem.split(' ')[0]}`, problem.slice(problem.indexOf(' ') + 1));
    else check('hedge', problem);
  }
}
