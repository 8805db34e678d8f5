import { covers, pathOf, type FieldPath } from './field-path';

export interface Projection {
  /** The payload with only the allowed fields; undefined when nothing is allowed. */
  readonly payload: Record<string, unknown> | undefined;
  /** Paths (with array indexes) of the top-most parts that were present and left out. */
  readonly withheld: readonly FieldPath[];
  /** Paths (with array indexes) of the top-most parts that were delivered. */
  readonly delivered: readonly FieldPath[];
}

/**
 * Copies the parts of `payload` that an allowed path covers; everything else stays behind.
 * Deny by default: a part is copied only when some path allows it or something above it.
 */
export function project(
  payload: Record<string, unknown>,
  allowed: readonly FieldPath[],
): Projection {
  const withheld: FieldPath[] = [];
  const delivered: FieldPath[] = [];
  const copy = projectValue(payload, [], allowed, withheld, delivered);
  return { payload: copy as Record<string, unknown> | undefined, withheld, delivered };
}

function projectValue(
  value: unknown,
  at: string[],
  allowed: readonly FieldPath[],
  withheld: FieldPath[],
  delivered: FieldPath[],
): unknown {
  const here = pathOf(at);
  if (at.length > 0 && allowed.some((path) => covers(path, here))) {
    delivered.push(here);
    return structuredClone(value);
  }
  const children = childrenOf(value);
  if (children === undefined || !allowed.some((path) => covers(here, path))) {
    if (at.length > 0) withheld.push(here);
    return undefined;
  }
  const projected: [string, unknown][] = [];
  for (const [key, child] of children) {
    const copy = projectValue(child, [...at, key], allowed, withheld, delivered);
    if (copy !== undefined) projected.push([key, copy]);
  }
  if (Array.isArray(value)) {
    // Keep positions: item 2 of the projection is item 2 of the original.
    return projected.length === 0
      ? undefined
      : value.map((_, index) => projected.find(([key]) => key === String(index))?.[1] ?? null);
  }
  return projected.length === 0 ? undefined : Object.fromEntries(projected);
}

function childrenOf(value: unknown): [string, unknown][] | undefined {
  if (Array.isArray(value)) return value.map((item, index) => [String(index), item]);
  if (typeof value === 'object' && value !== null) return Object.entries(value);
  return undefined;
}
