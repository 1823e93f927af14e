import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, OperationObject, SchemaObject, SwaggerModule } from '@nestjs/swagger';
import { errorBodySchema } from '@agent-controller/shared-contracts';
import { z } from 'zod';
import { cleanupOpenApiDoc } from 'nestjs-zod';

export const OPENAPI_UI_PATH = 'api/docs';
export const OPENAPI_JSON_PATH = '/api/docs/openapi.json';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Agent Controller API')
    .setDescription(
      'Control plane for fleets of remote agent-manager servers. No request string may contain NUL, an unpaired ' +
        'UTF-16 surrogate or a control character other than tab, newline and carriage return (free text content ' +
        'such as file content and commit messages may carry control characters, never NUL): 400 VALIDATION_FAILED.',
    )
    .setVersion('1.0')
    .addBearerAuth()
    .build();
  return withErrorResponses(cleanupOpenApiDoc(SwaggerModule.createDocument(app, config)));
}

/** Every operation can fail with the one error shape; say so once per operation instead of per route. */
function withErrorResponses(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas['ErrorBody'] = z.toJSONSchema(errorBodySchema, { target: 'openapi-3.0' }) as SchemaObject;
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as OperationObject[]) {
      if (typeof operation !== 'object' || !operation.responses) continue;
      operation.responses['default'] = {
        description: 'Error: `{statusCode, code, message, details?, requestId}`',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
      };
    }
  }
  return document;
}

export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
  });
}
