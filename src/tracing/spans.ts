import { Attributes, context, SpanStatusCode, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { FastifyInstance } from 'fastify';

/**
 * Whether start-tracing.ts started the SDK (main.ts only; tests and the CLI never do), and how to flush what it
 * still holds when the process stops.
 */
export const tracingState = { enabled: false, shutdown: (): Promise<void> => Promise.resolve() };

const tracer = trace.getTracer('callpass');

/**
 * Runs `work` in a span named `name` (a pipeline stage); without tracing, just runs it (these wrap every token).
 * Attributes carry names and ids of no secret: never a token, key or credential.
 */
export function inSpan<T>(name: string, work: () => Promise<T>, attributes?: Attributes): Promise<T> {
  if (!tracingState.enabled) return work();
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as { code?: string }).code ?? (error as Error).name });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Names each server span after its route (`POST /v1/tokens`), which the HTTP instrumentation cannot know. */
export function nameServerSpans(fastify: FastifyInstance): void {
  if (!tracingState.enabled) return;
  fastify.addHook('onRequest', (request, _reply, done) => {
    const rpc = getRPCMetadata(context.active());
    if (rpc?.type === RPCType.HTTP && request.routeOptions.url) rpc.route = request.routeOptions.url;
    done();
  });
}
