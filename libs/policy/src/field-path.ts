/**
 * Field paths name parts of a message payload: JSON pointers whose `*` segment stands for every
 * item of an array, e.g. `/betrokkenen/*\/persoon/naam`. A rule that allows a path allows everything
 * below it.
 */
export type FieldPath = string;

export function segmentsOf(path: FieldPath): string[] {
  return path === '' || path === '/' ? [] : path.slice(1).split('/').map(unescape);
}

export function pathOf(segments: readonly string[]): FieldPath {
  return segments.length === 0 ? '/' : `/${segments.map(escape).join('/')}`;
}

/** True when `ancestor` is `path` itself or lies above it; `*` on either side matches any array index. */
export function covers(ancestor: FieldPath, path: FieldPath): boolean {
  return segmentsCover(segmentsOf(ancestor), segmentsOf(path));
}

/** `covers` for paths already split into segments. */
export function segmentsCover(above: readonly string[], below: readonly string[]): boolean {
  if (above.length > below.length) return false;
  return above.every((segment, index) => sameSegment(segment, below[index]));
}

function sameSegment(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  return a === b || (a === '*' && isIndexOrStar(b)) || (b === '*' && isIndexOrStar(a));
}

/** The path with array indexes replaced by `*`: the form rules and schemas use. */
export function generalise(path: FieldPath): FieldPath {
  return pathOf(segmentsOf(path).map((segment) => (/^[0-9]+$/.test(segment) ? '*' : segment)));
}

function isIndexOrStar(segment: string | undefined): boolean {
  return segment !== undefined && (segment === '*' || /^[0-9]+$/.test(segment));
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
