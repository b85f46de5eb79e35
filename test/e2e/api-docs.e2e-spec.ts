import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { launchBrowser } from '../helpers/browser';
import { createTenant } from '../factories/tenant.factory';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

type Schema = OpenAPIV3.ReferenceObject | OpenAPIV3.SchemaObject;

/** A schema that says something: properties, items, a composition, an enum or a type other than a bare object. */
function describesSomething(schema: OpenAPIV3.SchemaObject | undefined): boolean {
  if (!schema) return false;
  return Boolean(
    (schema.properties && Object.keys(schema.properties).length > 0) ||
    ('items' in schema && schema.items) ||
    schema.allOf ||
    schema.oneOf ||
    schema.enum ||
    (schema.type && schema.type !== 'object'),
  );
}

/** The schemas nested in one (properties, items, compositions, map values), one level down. */
function nestedIn(schema: OpenAPIV3.SchemaObject): Schema[] {
  const additional = typeof schema.additionalProperties === 'object' ? [schema.additionalProperties] : [];
  const items = 'items' in schema ? [schema.items] : [];
  return [
    ...Object.values(schema.properties ?? {}),
    ...items,
    ...additional,
    ...(schema.allOf ?? []),
    ...(schema.oneOf ?? []),
    ...(schema.anyOf ?? []),
  ];
}

/** The references a schema makes, itself or through the inline schemas nested in it. */
function referencesIn(schema: Schema): OpenAPIV3.ReferenceObject[] {
  return '$ref' in schema ? [schema] : nestedIn(schema).flatMap(referencesIn);
}

/**
 * What is empty in a schema: the schema itself, or any component it references however deep (a `$ref` to a
 * schema with no properties is as empty as `{}`). Names each empty one.
 */
function emptiesIn(document: OpenAPIV3.Document, schema: Schema | undefined, name: string, seen = new Set<string>()): string[] {
  if (!schema) return [name];
  if ('$ref' in schema) {
    if (seen.has(schema.$ref)) return [];
    seen.add(schema.$ref);
    return emptiesIn(document, document.components?.schemas?.[schema.$ref.split('/').pop()!], schema.$ref, seen);
  }
  const own = describesSomething(schema) ? [] : [name];
  return [
    ...own,
    ...nestedIn(schema)
      .flatMap(referencesIn)
      .flatMap((reference) => emptiesIn(document, reference, reference.$ref, seen)),
  ];
}

/** /docs is complete: every route documented with its request, its answer and its errors, and the document valid. */
describe('API documentation', () => {
  let t: TestApp;
  let document: OpenAPIV3.Document;
  let operations: [string, OpenAPIV3.OperationObject][];

  beforeAll(async () => {
    t = await createTestApp();
    document = (await t.http.get('/docs/openapi.json').expect(200)).body;
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, OpenAPIV3.OperationObject>).map(
        ([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as [string, OpenAPIV3.OperationObject],
      ),
    );
  });
  afterAll(() => t?.close());

  it('is a valid OpenAPI document', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    expect(operations.length).toBeGreaterThan(35);
  });

  it('describes the bearer scheme as Callpass keys, not JWTs', () => {
    const scheme = document.components?.securitySchemes?.bearer as OpenAPIV3.HttpSecurityScheme;
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'Callpass API key' });
    expect(scheme.description).toContain('cp_tenant_');
  });

  it('lists the token routes first', () => {
    expect(document.tags?.[0]?.name).toBe('tokens');
    const [first] = operations.filter(([, operation]) => operation.tags?.[0] !== 'health');
    expect(first[1].tags).toEqual(['tokens']);
  });

  it('gives every route a summary, a section, and the schema of its request and of its answer', () => {
    const gaps: string[] = [];
    for (const [name, operation] of operations) {
      if (!operation.summary) gaps.push(`${name}: no summary`);
      if (!operation.tags?.length) gaps.push(`${name}: no tag`);
      const success = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      if (success.length === 0) gaps.push(`${name}: no success response`);
      for (const [status, response] of success) {
        if (status === '204') continue;
        // JSON, or the one type a route produces instead (the browser library's script).
        const content = (response as OpenAPIV3.ResponseObject).content ?? {};
        const schema = (content['application/json'] ?? Object.values(content)[0])?.schema;
        for (const empty of emptiesIn(document, schema, 'the schema')) gaps.push(`${name}: ${status} answers an empty ${empty}`);
      }
      if (/^(POST|PATCH|PUT) /.test(name) && operation.requestBody) {
        const schema = (operation.requestBody as OpenAPIV3.RequestBodyObject).content['application/json']?.schema;
        for (const empty of emptiesIn(document, schema, 'the schema')) gaps.push(`${name}: its request has an empty ${empty}`);
      }
    }
    expect(gaps).toEqual([]);
  });

  it('lists the error codes of every route, with their status, in the one error shape', () => {
    for (const [name, operation] of operations) {
      const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
      expect([name, errors.length > 0]).toEqual([name, true]);
      for (const [, response] of errors) {
        const schema = (response as OpenAPIV3.ResponseObject).content?.['application/json']?.schema as OpenAPIV3.SchemaObject;
        const error = schema.properties?.error as OpenAPIV3.SchemaObject;
        expect((error.properties?.code as OpenAPIV3.SchemaObject).enum?.length).toBeGreaterThan(0);
      }
    }
    const issue = operations.find(([name]) => name === 'POST /v1/tokens')![1];
    expect((issue.responses['403'] as OpenAPIV3.ResponseObject).description).toContain('capability_not_allowed');
    expect(issue.requestBody).toBeDefined();
  });

  it('lists 429 on every route that mints (rate limited) and 504 wherever a provider may not answer in time', () => {
    const codesOf = (operation: OpenAPIV3.OperationObject, status: string) =>
      [...((operation.responses[status] as OpenAPIV3.ResponseObject | undefined)?.description ?? '').matchAll(/`(\w+)`/g)].map(
        ([, code]) => code,
      );
    const minting = operations.filter(([name]) => /^POST .*\/tokens(\/\{id\}\/refresh)?$/.test(name)).map(([name]) => name);
    expect(minting).toHaveLength(6);
    for (const [name, operation] of operations) {
      if (minting.includes(name)) expect([name, codesOf(operation, '429')]).toEqual([name, ['rate_limited']]);
      const callsProvider = codesOf(operation, '503').includes('provider_unavailable');
      expect([name, codesOf(operation, '504')]).toEqual([name, callsProvider ? ['provider_unavailable'] : []]);
    }
  });

  it('writes messages such as `Bearer <key>` in descriptions as text, not as HTML that Markdown would drop', () => {
    const descriptions: string[] = [];
    const collect = (value: unknown, key?: string): void => {
      if (typeof value === 'string' && key === 'description') descriptions.push(value);
      else if (value && typeof value === 'object') for (const [name, nested] of Object.entries(value)) collect(nested, name);
    };
    collect(document);
    expect(descriptions.filter((text) => /<[a-z]/i.test(text.replace(/`[^`]*`/g, '')))).toEqual([]);
    const unauthenticated = operations.find(([name]) => name === 'POST /v1/tokens')![1].responses['401'] as OpenAPIV3.ResponseObject;
    expect(unauthenticated.description).toContain('"Authorization: Bearer &lt;key&gt;"');
  });

  it("serves the document at Nest's usual /docs-json too, and as YAML", async () => {
    expect((await t.http.get('/docs-json').expect(200)).body).toEqual(document);
    expect((await t.http.get('/docs-yaml').expect(200)).text).toContain('openapi: 3.');
  });

  it('renders in a real browser under its content security policy, token routes first', async () => {
    await t.app.listen(0, '127.0.0.1');
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => void (message.type() === 'error' && problems.push(message.text())));
      page.on('pageerror', (error) => void problems.push(String(error)));
      await page.goto(`${(await t.app.getUrl()).replace('[::1]', '127.0.0.1')}/docs`);
      await page.waitForSelector('.opblock-tag');
      const sections = await page.$$eval('.opblock-tag span', (tags) => tags.map((tag) => tag.textContent));
      expect(sections[0]).toBe('tokens');
      expect(await page.locator('.opblock-summary-path').first().textContent()).toBe('/v1/tokens');
      await page.locator('.opblock-summary').first().click();
      expect(await page.locator('.response[data-code="401"] .response-col_description').first().textContent()).toContain(
        '"Authorization: Bearer <key>"',
      );
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('documents every user id the same way, in bodies and in queries: the one rule the API applies to them', () => {
    const inBodies = Object.entries(document.components!.schemas!).flatMap(([name, schema]) => {
      const userId = (schema as OpenAPIV3.SchemaObject).properties?.userId as OpenAPIV3.SchemaObject | undefined;
      return userId && !name.endsWith('Response') ? [[name, userId] as const] : [];
    });
    const inQueries = operations.flatMap(([route, operation]) =>
      (operation.parameters ?? [])
        .map((parameter) => parameter as OpenAPIV3.ParameterObject)
        .filter((parameter) => parameter.in === 'query' && parameter.name === 'userId')
        .map((parameter) => [route, parameter.schema as OpenAPIV3.SchemaObject] as const),
    );
    expect(inBodies.length).toBeGreaterThanOrEqual(4);
    expect(inQueries.length).toBeGreaterThanOrEqual(4);
    for (const [where, schema] of [...inBodies, ...inQueries]) {
      expect({ where, ...schema }).toMatchObject({ where, minLength: 1, maxLength: 200, pattern: '^\\P{Cc}{1,200}$' });
    }
    const requiredIn = (name: string) => (document.components!.schemas![name] as OpenAPIV3.SchemaObject).required ?? [];
    expect(['CreateEndpointDto', 'CreateSessionDto', 'ServiceTokenDto'].filter((name) => requiredIn(name).includes('userId'))).toHaveLength(
      3,
    );
    expect(requiredIn('IssueTokenDto')).not.toContain('userId');
    const queryRequired = (route: string) =>
      (operations.find(([name]) => name === route)![1].parameters as OpenAPIV3.ParameterObject[]).find(
        (parameter) => parameter.name === 'userId',
      )!.required;
    expect(queryRequired('GET /v1/sessions')).toBeFalsy();
  });

  it('gives the token route request and answer examples', () => {
    const issue = operations.find(([name]) => name === 'POST /v1/tokens')![1];
    const request = (issue.requestBody as OpenAPIV3.RequestBodyObject).content['application/json'].schema as OpenAPIV3.ReferenceObject;
    const schema = document.components!.schemas![request.$ref.split('/').pop()!] as OpenAPIV3.SchemaObject;
    expect((schema.properties!.endpointId as OpenAPIV3.SchemaObject).example).toBeDefined();
  });

  it('gives the token route a request example that names the endpoint one way, as the route requires', async () => {
    const issue = operations.find(([name]) => name === 'POST /v1/tokens')![1];
    const examples = Object.values((issue.requestBody as OpenAPIV3.RequestBodyObject).content['application/json'].examples ?? {});
    expect(examples).toHaveLength(1);
    const tenant = await createTenant(t);
    for (const example of examples as OpenAPIV3.ExampleObject[]) {
      // Named one way, the endpoint is looked up (and not found here) instead of the request being refused as ambiguous.
      const answer = await t.http.post('/v1/tokens').set(bearer(tenant.key)).send(example.value).expect(404);
      expect(answer.body.error.code).toBe('endpoint_not_found');
    }
  });
});
