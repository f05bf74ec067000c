// ${VAR} interpolation. It runs on the string scalars of the parsed YAML document, never on the
// raw text, so a variable's value can never add keys or change the file's structure.
import { type Document, isMap, isPair, isScalar, isSeq, type Node, Scalar } from 'yaml';

/** Environment given to the loader; the library never reads process.env itself. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Result of expanding the references in one string. */
export interface Expansion {
  readonly value: string;
  /** One message per problem (unset variable, malformed reference). */
  readonly problems: readonly string[];
}

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Expands `${VAR}` and `${VAR:-default}` (default used when VAR is unset or empty) in `text`.
 * `$${` is a literal `${`. A `${VAR}` without a default whose variable is unset is a problem.
 */
export function expandString(text: string, env: Env): Expansion {
  let value = '';
  const problems: string[] = [];
  let index = 0;
  while (index < text.length) {
    if (text.startsWith('$${', index)) {
      value += '${';
      index += 3;
      continue;
    }
    if (!text.startsWith('${', index)) {
      value += text.charAt(index);
      index += 1;
      continue;
    }
    const close = text.indexOf('}', index + 2);
    if (close === -1) {
      problems.push(`unterminated "\${" (close it with "}", or write "$\${" for a literal "\${")`);
      value += text.slice(index);
      break;
    }
    const body = text.slice(index + 2, close);
    index = close + 1;
    const match = REFERENCE.exec(body);
    if (match === null) {
      problems.push(
        `invalid reference "\${${body}}": write \${NAME} or \${NAME:-default}, or "$\${" for a literal "\${"`,
      );
      continue;
    }
    const [, name = '', fallback] = match;
    if (fallback?.includes('${') === true) {
      problems.push(
        `nested reference in the default of \${${name}} is not supported; write the default literally`,
      );
      continue;
    }
    const set = env[name];
    if (fallback !== undefined) {
      value += set === undefined || set === '' ? fallback : set;
    } else if (set === undefined) {
      problems.push(`environment variable ${name} is not set (set it, or write \${${name}:-default})`);
    } else {
      value += set;
    }
  }
  return { value, problems };
}

const WHOLE_REFERENCE = /^\$\{[^}]*\}$/;
const YAML_BOOLEAN = /^(?:true|True|TRUE|false|False|FALSE)$/;
const YAML_NUMBER = /^[-+]?(?:\d+|\d*\.\d+|\d+\.\d*)(?:[eE][-+]?\d+)?$/;

/** Types an expanded plain scalar the way YAML would have typed the same text written inline. */
function typeLikeYaml(text: string): string | number | boolean {
  if (YAML_BOOLEAN.test(text)) return text.toLowerCase() === 'true';
  if (YAML_NUMBER.test(text)) return Number(text);
  return text;
}

/** A problem found while interpolating, located by key path. */
export interface InterpolationProblem {
  readonly segments: readonly (string | number)[];
  readonly message: string;
}

function keyOf(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/**
 * Expands references in every string scalar of `doc`, in place. A plain (unquoted) value that is
 * exactly one reference takes the type YAML would give the expanded text (`workers: ${N:-2}` is the
 * number 2), and a mapping entry whose such value expands to nothing is removed, as if the key were
 * absent (`model: ${MODEL:-}` leaves the default in force). Quoted values always stay strings.
 * Keys are never interpolated.
 */
export function interpolateDocument(doc: Document, env: Env): InterpolationProblem[] {
  const problems: InterpolationProblem[] = [];

  /** Returns false when the scalar expanded to nothing and its mapping entry should be dropped. */
  const visitScalar = (scalar: Scalar, segments: readonly (string | number)[]): boolean => {
    if (typeof scalar.value !== 'string' || !scalar.value.includes('$')) return true;
    const source = scalar.value;
    const { value, problems: found } = expandString(source, env);
    for (const message of found) problems.push({ segments, message });
    const wholePlain = scalar.type === Scalar.PLAIN && WHOLE_REFERENCE.test(source);
    scalar.value = wholePlain ? typeLikeYaml(value) : value;
    return !(wholePlain && found.length === 0 && value === '');
  };

  const visit = (node: Node | null | undefined, segments: readonly (string | number)[]): boolean => {
    if (isScalar(node)) return visitScalar(node, segments);
    if (isMap(node)) {
      node.items = node.items.filter(
        (pair) => !isPair(pair) || visit(pair.value as Node | null, [...segments, keyOf(pair.key)]),
      );
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item as Node | null, [...segments, index]));
    }
    return true;
  };

  visit(doc.contents, []);
  return problems;
}
