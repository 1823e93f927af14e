import { ArgumentMetadata } from '@nestjs/common';
import {
  FieldError,
  pagingQuerySchema,
  setupRequestSchema,
  updateUserRequestSchema,
  uuidParamSchema,
} from '@agent-controller/shared-contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { DomainError, RequestValidationError } from './domain-error';
import { toFieldErrors, ZodRequestValidationPipe } from './zod-request-validation.pipe';

class PagingQueryDto extends createZodDto(pagingQuerySchema) {}
class SetupBodyDto extends createZodDto(setupRequestSchema) {}
class UpdateUserBodyDto extends createZodDto(updateUserRequestSchema) {}
class IdParamsDto extends createZodDto(uuidParamSchema) {}
class PlainDto {
  limit?: number;
}

const itemsSchema = z.strictObject({
  items: z.array(z.strictObject({ name: z.string().min(1) })),
});

function issuesOf(schema: z.ZodType, value: unknown): z.core.$ZodIssue[] {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return result.error.issues;
}

describe('toFieldErrors', () => {
  it('lists unknown keys one per key', () => {
    const issues = issuesOf(pagingQuerySchema, { sort: 'name', order: 'asc' });

    expect(toFieldErrors(issues, 'query')).toEqual([
      { field: 'sort', location: 'query', message: 'unknown field' },
      { field: 'order', location: 'query', message: 'unknown field' },
    ]);
  });

  it('prefixes unknown nested keys with their dotted path', () => {
    const issues = issuesOf(itemsSchema, { items: [{ name: 'a' }, { name: 'b', colour: 'red' }] });

    expect(toFieldErrors(issues, 'body')).toEqual([
      { field: 'items.1.colour', location: 'body', message: 'unknown field' },
    ]);
  });

  it('joins nested paths with dots', () => {
    const issues = issuesOf(itemsSchema, { items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: '' }] });
    const fields = toFieldErrors(issues, 'body');

    expect(fields).toHaveLength(1);
    expect(fields[0]).toMatchObject({ field: 'items.3.name', location: 'body' });
    expect(fields[0].message).toEqual(expect.any(String));
    expect(fields[0].message).not.toBe('');
  });

  it('names a root-level error after the location', () => {
    expect(toFieldErrors(issuesOf(updateUserRequestSchema, {}), 'body')).toEqual([
      { field: 'body', location: 'body', message: 'At least one field must be given' },
    ]);
    expect(toFieldErrors(issuesOf(pagingQuerySchema, 'limit=5'), 'query')).toEqual([
      expect.objectContaining({ field: 'query', location: 'query' }),
    ]);
  });

  it('keeps one entry per issue otherwise', () => {
    const issues = issuesOf(setupRequestSchema, { token: '', email: 'nope', password: 'short' });

    expect(toFieldErrors(issues, 'body').map((field) => field.field)).toEqual(['token', 'email', 'password']);
  });
});

describe('ZodRequestValidationPipe', () => {
  const pipe = new ZodRequestValidationPipe();

  const query = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'query', metatype });
  const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });
  const param = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'param', metatype });

  function validationError(value: unknown, metadata: ArgumentMetadata): RequestValidationError {
    try {
      pipe.transform(value, metadata);
    } catch (error) {
      if (error instanceof RequestValidationError) return error;
      throw error;
    }
    throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  }

  function fieldsOf(value: unknown, metadata: ArgumentMetadata): FieldError[] {
    const error = validationError(value, metadata);
    expect(error.details).toEqual({ fields: error.fields });
    return error.fields;
  }

  describe('arguments it does not validate', () => {
    it('passes through arguments without a zod DTO type, unchanged', () => {
      const value = { limit: 'abc', anything: true };

      expect(pipe.transform(value, query(PlainDto))).toBe(value);
      expect(pipe.transform(value, body(Object))).toBe(value);
      expect(pipe.transform(value, body(undefined))).toBe(value);
      expect(pipe.transform('abc', param(String))).toBe('abc');
    });

    it('passes through custom decorator arguments even when typed with a DTO', () => {
      const principal = { kind: 'api-key', isGlobalAdmin: true };

      expect(pipe.transform(principal, { type: 'custom', metatype: SetupBodyDto })).toBe(principal);
    });
  });

  describe('query', () => {
    it('returns the parsed data with defaults applied', () => {
      expect(pipe.transform({}, query(PagingQueryDto))).toEqual({ limit: 10, offset: 0 });
    });

    it('coerces query-string numbers', () => {
      expect(pipe.transform({ limit: '5', offset: '40' }, query(PagingQueryDto))).toEqual({ limit: 5, offset: 40 });
    });

    it.each(['0', '101', '-1', 'abc', '1e3', '2.5'])('refuses limit=%p naming the query field', (limit) => {
      const fields = fieldsOf({ limit }, query(PagingQueryDto));

      expect(fields).toHaveLength(1);
      expect(fields[0]).toMatchObject({ field: 'limit', location: 'query' });
    });

    it('refuses an unknown query key', () => {
      expect(fieldsOf({ limit: '5', sort: 'email' }, query(PagingQueryDto))).toEqual([
        { field: 'sort', location: 'query', message: 'unknown field' },
      ]);
    });

    it('throws a DomainError answered as 400 VALIDATION_FAILED with a readable message', () => {
      const error = validationError({ limit: '0' }, query(PagingQueryDto));

      expect(error).toBeInstanceOf(DomainError);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/^Invalid request: query limit: /);
    });
  });

  describe('body', () => {
    it('returns the parsed body, not the raw one', () => {
      const raw = { token: 't', email: 'Admin@Example.com', password: 'p'.repeat(12) };
      const parsed = pipe.transform(raw, body(SetupBodyDto));

      expect(parsed).toEqual({ ...raw, email: 'admin@example.com' });
      expect(parsed).not.toBe(raw);
    });

    it('names every bad body field', () => {
      const fields = fieldsOf({ email: 'not-an-email', password: 'short', extra: 1 }, body(SetupBodyDto));

      expect(fields.map((field) => `${field.location}:${field.field}`).sort()).toEqual([
        'body:email',
        'body:extra',
        'body:password',
        'body:token',
      ]);
    });

    it('names a whole-body error after the body', () => {
      expect(fieldsOf({}, body(UpdateUserBodyDto))).toEqual([
        { field: 'body', location: 'body', message: 'At least one field must be given' },
      ]);
    });

    it('refuses a missing body', () => {
      expect(fieldsOf(undefined, body(SetupBodyDto))).toEqual([
        expect.objectContaining({ field: 'body', location: 'body' }),
      ]);
    });
  });

  describe('unsafe strings', () => {
    it.each([
      ['query', query(PagingQueryDto), { search: 'a\0' }, 'search'],
      [
        'body',
        body(SetupBodyDto),
        { token: 't', email: 'a@example.com', password: `p${'\uD800'}`.repeat(12) },
        'password',
      ],
      ['param', param(IdParamsDto), { id: '\0' }, 'id'],
    ])(
      'refuses a NUL or lone surrogate in the %s before the schema, naming the field',
      (_what, metadata, value, field) => {
        expect(fieldsOf(value, metadata)).toEqual([
          { field, location: metadata.type, message: expect.stringMatching(/NUL|surrogate/) },
        ]);
      },
    );

    it('holds arguments without a zod DTO to the rule too', () => {
      expect(fieldsOf({ anything: { deep: ['x\x1b'] } }, body(Object))).toEqual([
        { field: 'anything.deep.0', location: 'body', message: expect.stringMatching(/control/) },
      ]);
      expect(fieldsOf('a\0', param(String))).toEqual([
        { field: 'param', location: 'param', message: expect.stringMatching(/NUL/) },
      ]);
    });

    it('lets file content carry control characters', () => {
      class WriteDto extends createZodDto(z.strictObject({ content: z.string() })) {}

      expect(pipe.transform({ content: 'a\x1b[0m\n' }, body(WriteDto))).toEqual({ content: 'a\x1b[0m\n' });
    });
  });

  describe('param', () => {
    it('accepts a UUID id', () => {
      const id = '3f1d9a52-8c1e-4f7b-9d2a-6b5e4c3a2f10';

      expect(pipe.transform({ id }, param(IdParamsDto))).toEqual({ id });
    });

    it('names a bad route parameter with location param', () => {
      expect(fieldsOf({ id: 'not-a-uuid' }, param(IdParamsDto))).toEqual([
        expect.objectContaining({ field: 'id', location: 'param' }),
      ]);
    });
  });
});
