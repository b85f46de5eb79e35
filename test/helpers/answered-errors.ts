import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OpenAPIV3 } from 'openapi-types';

/** One error a route answered: `METHOD /openapi/{path}`, status and code, and whether the route's entry in /docs lists them. */
interface AnsweredError {
  route: string;
  status: number;
  code: string;
  documented: boolean;
  testPath: string;
}

/** Documented error codes by `METHOD /path` and status, read from the app's own OpenAPI document. */
type DocumentedErrors = Map<string, Map<number, Set<string>>>;

/**
 * Records the error codes a test app answers, each with its route and status, in the run's directory (global-setup
 * names it), marked as listed or not by the app's own /docs/openapi.json; undocumented-errors-reporter.mjs fails the
 * run on any that is not. Returns what to call once the app is ready: it reads the document.
 */
export function recordAnsweredErrors(fastify: FastifyInstance): () => Promise<void> {
  const directory = process.env.CALLPASS_ANSWERED_ERRORS;
  if (!directory) return async () => undefined;
  let documented: DocumentedErrors | undefined;
  const recorded = new Set<string>();
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const answer = documented && answeredError(documented, request, reply.statusCode, payload);
    const key = answer && `${answer.route} ${answer.status} ${answer.code}`;
    if (answer && key && !recorded.has(key)) {
      recorded.add(key);
      fs.mkdirSync(directory, { recursive: true });
      fs.appendFileSync(path.join(directory, `${process.pid}.jsonl`), `${JSON.stringify(answer)}\n`);
    }
    return payload;
  });
  return async () => {
    const response = await fastify.inject({ method: 'GET', url: '/docs/openapi.json' });
    documented = documentedErrors(response.json<OpenAPIV3.Document>());
  };
}

/** The error an answer carries, on a route the document describes (those it leaves out, such as /metrics, are not checked). */
function answeredError(documented: DocumentedErrors, request: FastifyRequest, status: number, payload: unknown): AnsweredError | undefined {
  const code = status >= 400 ? errorCodeOf(payload) : undefined;
  const route = code && routeOf(request);
  const listed = route && documented.get(route);
  if (!code || !route || !listed) return undefined;
  const testPath = path.relative(process.cwd(), expect.getState().testPath ?? '');
  return { route, status, code, documented: listed.get(status)?.has(code) ?? false, testPath };
}

function errorCodeOf(payload: unknown): string | undefined {
  if (typeof payload !== 'string' || !payload.startsWith('{')) return undefined;
  try {
    const code = (JSON.parse(payload) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The route as the OpenAPI document names it (`/v1/endpoints/{id}` for Fastify's `/v1/endpoints/:id`); HEAD is GET's. */
function routeOf(request: FastifyRequest): string | undefined {
  const url = request.routeOptions.url;
  if (url === undefined) return undefined;
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  return `${method} ${url.replace(/:(\w+)/g, '{$1}')}`;
}

function documentedErrors(document: OpenAPIV3.Document): DocumentedErrors {
  const routes: DocumentedErrors = new Map();
  for (const [pattern, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, OpenAPIV3.OperationObject>)) {
      const byStatus = new Map<number, Set<string>>();
      for (const [status, response] of Object.entries(operation.responses)) {
        const schema = (response as OpenAPIV3.ResponseObject).content?.['application/json']?.schema as OpenAPIV3.SchemaObject | undefined;
        const code = (schema?.properties?.error as OpenAPIV3.SchemaObject | undefined)?.properties?.code as
          OpenAPIV3.SchemaObject | undefined;
        if (code?.enum) byStatus.set(Number(status), new Set(code.enum as string[]));
      }
      routes.set(`${method.toUpperCase()} ${pattern}`, byStatus);
    }
  }
  return routes;
}
