// Reads a zod schema back, so that issue messages can list allowed keys and name what a field
// expects. Zod's issues carry neither.
import { z } from 'zod';

type Schema = z.core.$ZodType;

/** How a schema describes itself in "expected …, got …" messages. */
export interface ExpectedDescription {
  /** What the field expects, e.g. 'a duration'. */
  readonly expected: string;
  /** A fix for a value of the wrong type, e.g. '(add a unit, e.g. "30s")'. */
  readonly fix?: (value: unknown) => string | undefined;
}

const descriptions = new WeakMap<Schema, ExpectedDescription>();

/** Names what a schema expects in "expected …, got …" messages, with an optional fix for wrong types. */
export function describeExpected<T extends Schema>(
  schema: T,
  expected: string,
  fix?: (value: unknown) => string | undefined,
): T {
  descriptions.set(schema, fix === undefined ? { expected } : { expected, fix });
  return schema;
}

/** Every schema met while peeling wrappers (optional, default, prefault, pipe…) off `schema`, outermost first. */
export function schemaLayers(schema: Schema): Schema[] {
  const seen: Schema[] = [schema];
  let current = schema;
  for (;;) {
    let inner: Schema | undefined;
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodReadonly ||
      current instanceof z.ZodCatch
    ) {
      inner = current.unwrap();
    } else if (current instanceof z.ZodPipe) {
      inner = current.in instanceof z.ZodTransform ? current.out : current.in;
    }
    if (inner === undefined) return seen;
    seen.push(inner);
    current = inner;
  }
}

/** The schema with every wrapper removed. */
function unwrapSchema(schema: Schema): Schema {
  return schemaLayers(schema).at(-1) ?? schema;
}

/** The description given with describeExpected to this schema or one of its wrappers. */
export function expectedDescriptionOf(schema: Schema): ExpectedDescription | undefined {
  for (const layer of schemaLayers(schema)) {
    const description = descriptions.get(layer);
    if (description !== undefined) return description;
  }
  return undefined;
}

function isRecordLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value under `segment` of a mapping or list, or undefined. */
function childValue(value: unknown, segment: PropertyKey): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<PropertyKey, unknown>)[segment]
    : undefined;
}

/** The option of a union that `value` selects (by discriminator when there is one). */
function pickOption(union: z.ZodUnion, value: unknown): Schema | undefined {
  const options = union.options as readonly Schema[];
  const discriminator = union instanceof z.ZodDiscriminatedUnion ? union.def.discriminator : undefined;
  if (discriminator === undefined || !isRecordLike(value))
    return options.length === 1 ? options[0] : undefined;
  return options.find((option) => {
    const inner = unwrapSchema(option);
    if (!(inner instanceof z.ZodObject)) return false;
    const field = (inner.shape as Record<string, Schema | undefined>)[discriminator];
    return field !== undefined && z.safeParse(field, value[discriminator]).success;
  });
}

/**
 * The schema that validates the value at `path` inside `root`, following object shapes, record
 * values, array elements and (using `data` to choose) union options. Undefined when the path
 * leaves the schema (an unknown key).
 */
export function schemaAt(root: Schema, path: readonly PropertyKey[], data: unknown): Schema | undefined {
  let schema: Schema | undefined = root;
  let value = data;
  for (const segment of path) {
    let inner: Schema | undefined = unwrapSchema(schema);
    if (inner instanceof z.ZodUnion) {
      const picked = pickOption(inner, value);
      inner = picked === undefined ? undefined : unwrapSchema(picked);
    }
    if (inner instanceof z.ZodObject) {
      schema = (inner.shape as Record<string, Schema | undefined>)[String(segment)];
    } else if (inner instanceof z.ZodRecord) {
      schema = inner.valueType;
    } else if (inner instanceof z.ZodArray) {
      schema = inner.element;
    } else {
      return undefined;
    }
    if (schema === undefined) return undefined;
    value = childValue(value, segment);
  }
  return schema;
}

/** The keys the mapping at `path` allows: an object's shape (of the union option `data` selects), or a record's enum keys. */
export function allowedKeysAt(
  root: Schema,
  path: readonly PropertyKey[],
  data: unknown,
): string[] | undefined {
  const schema = schemaAt(root, path, data);
  if (schema === undefined) return undefined;
  let inner = unwrapSchema(schema);
  if (inner instanceof z.ZodUnion) {
    const picked = pickOption(
      inner,
      path.reduce<unknown>((value, segment) => childValue(value, segment), data),
    );
    if (picked === undefined) return undefined;
    inner = unwrapSchema(picked);
  }
  if (inner instanceof z.ZodObject) return Object.keys(inner.shape);
  if (inner instanceof z.ZodRecord) {
    const keyType = unwrapSchema(inner.keyType);
    if (keyType instanceof z.ZodEnum) return keyType.options.map(String);
  }
  return undefined;
}
