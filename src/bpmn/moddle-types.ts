/**
 * The loose shape of a moddle element as the compiler reads it. Moddle elements are dynamic
 * objects: known attributes are properties, unknown ones live in `$attrs`.
 */
export interface ModdleElement {
  $type: string;
  id?: string;
  name?: string;
  $attrs?: Record<string, string>;
  $parent?: ModdleElement;
  $instanceOf(type: string): boolean;
  get(name: string): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [property: string]: any;
}

/** `extensionElements.values` of an element, or an empty list. */
export function extensionValues(element: ModdleElement | undefined): ModdleElement[] {
  const values = element?.extensionElements?.values as ModdleElement[] | undefined;
  return values ?? [];
}

/** The first extension element of the given moddle type (e.g. `zeebe:TaskDefinition`). */
export function extension(element: ModdleElement | undefined, type: string): ModdleElement | undefined {
  return extensionValues(element).find((value) => value.$type === type);
}

/** A string attribute, with empty or whitespace-only text treated as absent. */
export function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.trim() === '' ? undefined : value.trim();
}
