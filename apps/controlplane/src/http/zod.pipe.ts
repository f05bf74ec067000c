import { ValidationError } from '@fracta/domain';
import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** Parses a body or query with its contract schema; a failure is a 400 naming every field. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly what: string,
  ) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const issues = result.error.issues.slice(0, 20).map((issue) => {
      const path = issue.path.join('.');
      const message =
        issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message;
      return path === '' ? message : `${path}: ${message}`;
    });
    throw new ValidationError('REQUEST_INVALID', `invalid ${this.what}: ${issues.join('; ')}`, { issues });
  }
}
