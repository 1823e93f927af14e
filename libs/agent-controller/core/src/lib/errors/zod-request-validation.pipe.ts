import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { FieldError } from '@agent-controller/shared-contracts';
import type { z } from 'zod';
import { RequestValidationError } from './domain-error';
import { findUnsafeString } from './unsafe-strings';

type SchemaCarrier = { isZodDto?: boolean; schema?: z.ZodType };
type Location = FieldError['location'];

/** Turns zod issues into one entry per bad field, naming unknown keys individually. */
export function toFieldErrors(issues: z.core.$ZodIssue[], location: Location): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: path ? `${path}.${key}` : key,
        location,
        message: 'unknown field',
      }));
    }
    return [{ field: path || location, location, message: issue.message }];
  });
}

/**
 * Validates `@Body()`, `@Query()` and `@Param()` arguments typed with a nestjs-zod DTO and replaces them
 * with the parsed value. Unlike nestjs-zod's own pipe it reports which part of the request was wrong.
 * Every such argument, typed or not, is first held to the string rule of `unsafe-strings.ts`.
 */
@Injectable()
export class ZodRequestValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const unsafe = findUnsafeString(value);
    if (unsafe) {
      throw new RequestValidationError([
        { field: unsafe.path || metadata.type, location: metadata.type, message: unsafe.message },
      ]);
    }
    const carrier = metadata.metatype as SchemaCarrier | undefined;
    if (!carrier?.isZodDto || !carrier.schema) return value;
    const result = carrier.schema.safeParse(value);
    if (result.success) return result.data;
    throw new RequestValidationError(toFieldErrors(result.error.issues, metadata.type));
  }
}
