import type { ApiReply, ModelAlias } from '@spillway/core';
import { jsonReply } from '@spillway/core/internal';

/** What `GET /models` lists: `auto`, each alias, then every model a provider offers. */
export type OfferedModel = { id: string; ownedBy: string };

export function offeredModels(
  providers: Record<string, { models: Record<string, unknown> }> | undefined,
  aliases: Record<string, ModelAlias> | undefined,
): OfferedModel[] {
  const listed: OfferedModel[] = [{ id: 'auto', ownedBy: 'spillway' }];
  for (const id of Object.keys(aliases ?? {})) listed.push({ id, ownedBy: 'spillway' });
  const seen = new Set(listed.map((model) => model.id));
  for (const [provider, stats] of Object.entries(providers ?? {})) {
    for (const id of Object.keys(stats.models)) {
      if (seen.has(id)) continue;
      seen.add(id);
      listed.push({ id, ownedBy: provider });
    }
  }
  return listed;
}

/** `GET /models` in OpenAI's list shape, or Anthropic's when the client is Anthropic's SDK. */
export function modelsReply(models: OfferedModel[], anthropicShape: boolean): ApiReply {
  const body = anthropicShape
    ? {
        data: models.map((model) => ({
          type: 'model',
          id: model.id,
          display_name: model.id,
          created_at: '1970-01-01T00:00:00Z',
        })),
        has_more: false,
        first_id: models[0]?.id ?? null,
        last_id: models.at(-1)?.id ?? null,
      }
    : {
        object: 'list',
        data: models.map((model) => ({ id: model.id, object: 'model', created: 0, owned_by: model.ownedBy })),
      };
  return jsonReply(200, body);
}

/** The 404 a client gets for a model id the router does not offer, in its API's shape. */
export function unknownModelReply(model: string, models: OfferedModel[], anthropicShape: boolean): ApiReply {
  const message = `The model '${model}' is not offered by this router. Offered: ${models.map((offered) => offered.id).join(', ')}`;
  const body = anthropicShape
    ? { type: 'error', error: { type: 'not_found_error', message } }
    : { error: { message, type: 'invalid_request_error', param: 'model', code: 'model_not_found' } };
  return jsonReply(404, body);
}

export function notServedReply(url: string, anthropicShape: boolean): ApiReply {
  const message = `${url} is not served by the router (it serves /chat/completions, /responses, /messages and /models)`;
  const body = anthropicShape
    ? { type: 'error', error: { type: 'not_found_error', message } }
    : { error: { message, type: 'invalid_request_error', param: null, code: null } };
  return jsonReply(404, body);
}
