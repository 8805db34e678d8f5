import { pathOf, segmentsCover, segmentsOf, type FieldPath } from './field-path';

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
  // Paths are split once per projection, not once per comparison: this runs per recipient.
  const allowedSegments = allowed.map(segmentsOf);
  const copy = projectValue(payload, [], allowedSegments, withheld, delivered);
  return { payload: copy as Record<string, unknown> | undefined, withheld, delivered };
}

function projectValue(
  value: unknown,
  at: string[],
  allowed: readonly string[][],
  withheld: FieldPath[],
  delivered: FieldPath[],
): unknown {
  if (at.length > 0 && allowed.some((path) => segmentsCover(path, at))) {
    delivered.push(pathOf(at));
    return cloneJson(value);
  }
  const children = childrenOf(value);
  if (children === undefined || !allowed.some((path) => segmentsCover(at, path))) {
    if (at.length > 0) withheld.push(pathOf(at));
    return undefined;
  }
  const projected = new Map<string, unknown>();
  for (const [key, child] of children) {
    const copy = projectValue(child, [...at, key], allowed, withheld, delivered);
    if (copy !== undefined) projected.set(key, copy);
  }
  if (projected.size === 0) return undefined;
  // Keep positions: item 2 of the projection is item 2 of the original.
  if (Array.isArray(value)) return value.map((_, index) => projected.get(String(index)) ?? null);
  return Object.fromEntries(projected);
}

/** A deep copy of parsed JSON (what payloads are); much cheaper than structuredClone. */
function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) copy[key] = cloneJson(child);
    return copy;
  }
  return value;
}

function childrenOf(value: unknown): [string, unknown][] | undefined {
  if (Array.isArray(value)) return value.map((item, index) => [String(index), item]);
  if (typeof value === 'object' && value !== null) return Object.entries(value);
  return undefined;
}
