/* eslint-disable @typescript-eslint/no-require-imports -- OpenTelemetry is loaded only when tracing is on */
import fs from 'node:fs';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { tracingState } from './spans';

/** Quiet routes that would drown the traces. */
const UNTRACED_PATHS = /^\/(health|metrics|docs)(\/|$|\?)/;

/**
 * Optional OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT (or …_TRACES_ENDPOINT) is set. Spans are
 * exported over OTLP/HTTP (JSON). No query string, header or statement value is recorded: pg records statement texts
 * (with $n placeholders), and query strings and database error messages are removed before export. Trace context is
 * read from callers but never sent to providers.
 *
 * This module is the start of main.ts, its entry point: main.ts imports it first, as the instrumentations (inbound
 * HTTP, pg, undici for provider calls) patch modules as they are loaded, so it runs before anything else is loaded,
 * configuration included. So it reads the environment itself, once, here: it loads a `.env` file into `process.env`
 * (for main.ts's configuration too) and takes the standard OTEL_* variables it needs (TracingEnvironment); the
 * OpenTelemetry exporter reads its own OTEL_EXPORTER_OTLP_* variables, as every OpenTelemetry SDK does.
 */
if (fs.existsSync('.env')) process.loadEnvFile('.env');
const environment = tracingEnvironment(process.env);
if (environment.endpoint && !environment.disabled) startTracing(environment.serviceName);

/** The standard OpenTelemetry variables tracing is switched and named by. */
interface TracingEnvironment {
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT: tracing is on only with one of them. */
  endpoint?: string;
  /** OTEL_SDK_DISABLED=true switches it off all the same. */
  disabled: boolean;
  /** OTEL_SERVICE_NAME, by default "callpass". */
  serviceName: string;
}

function tracingEnvironment(env: Readonly<Record<string, string | undefined>>): TracingEnvironment {
  return {
    endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT,
    disabled: env.OTEL_SDK_DISABLED === 'true',
    serviceName: env.OTEL_SERVICE_NAME ?? 'callpass',
  };
}

function startTracing(serviceName: string): void {
  const { context, propagation, trace } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } =
    require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { defaultResource, resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { TracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { UndiciInstrumentation } =
    require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');

  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': serviceName })),
    spanProcessors: [new BatchSpanProcessor({ exporter: withoutQueryStrings(new OTLPTraceExporter()) })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const w3c = new W3CTraceContextPropagator();
  propagation.setGlobalPropagator({
    extract: (context, carrier, getter) => w3c.extract(context, carrier, getter),
    // Trace context stays inside: provider hosts are third parties (and some are chosen by tenants).
    inject: () => undefined,
    fields: () => w3c.fields(),
  });
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? '') }),
      new PgInstrumentation(),
      new UndiciInstrumentation(),
    ],
  });
  tracingState.enabled = true;
  tracingState.shutdown = () => provider.shutdown().catch(() => undefined);
}

/** Attributes that may hold a query string, and so a credential sent the wrong way (`?access_token=`). */
const QUERY_ATTRIBUTES = ['url.full', 'http.url', 'http.target', 'url.query'];

function withoutQueryStrings(exporter: SpanExporter): SpanExporter {
  return {
    export: (spans, done) =>
      exporter.export(
        spans.map((span) => {
          const attributes = { ...span.attributes };
          for (const name of QUERY_ATTRIBUTES) {
            const value = attributes[name];
            if (name === 'url.query') delete attributes[name];
            else if (typeof value === 'string') attributes[name] = value.split('?')[0];
          }
          // A database error's message may quote a value the statement carried: only its code is kept.
          const status = attributes['db.system.name'] && span.status.message ? { code: span.status.code } : span.status;
          // The span's own methods (spanContext …) still answer through the prototype.
          return Object.assign(Object.create(span) as typeof span, { attributes, status });
        }),
        done,
      ),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}
