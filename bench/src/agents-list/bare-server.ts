/**
 * The baseline of the agents list: a bare Fastify (the version the control plane runs on) that
 * answers GET /api/v1/agents from memory with the very page object the control plane answered,
 * so Fastify serializes the same JSON; and /serialized/api/v1/agents with that JSON pre-serialized.
 */
import fastify, { type FastifyInstance } from 'fastify';

export interface BareServer {
  readonly url: string;
  readonly fastify: FastifyInstance;
  close(): Promise<void>;
}

/** `pages` maps the `limit` query value ('' for none) to the page body. */
export async function startBareServer(pages: ReadonlyMap<string, unknown>): Promise<BareServer> {
  const app = fastify();
  const serialized = new Map([...pages].map(([limit, body]) => [limit, JSON.stringify(body)]));
  const limitOf = (query: unknown) =>
    typeof query === 'object' && query !== null && 'limit' in query ? String(query.limit) : '';
  app.get('/api/v1/agents', (request) => pages.get(limitOf(request.query)));
  app.get('/serialized/api/v1/agents', async (request, reply) => {
    await reply.type('application/json; charset=utf-8').send(serialized.get(limitOf(request.query)));
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, fastify: app, close: () => app.close() };
}
