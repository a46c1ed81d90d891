/**
 * Which Camunda a diagram was drawn for. Camunda Modeler writes `modeler:executionPlatform`
 * ("Camunda Cloud" for Camunda 8, "Camunda Platform" for 7) on the definitions; a diagram without
 * it counts as Camunda 8 when it declares the zeebe namespace and not the camunda one. Used where
 * the two engines differ: what Zeebe refuses at deploy, how an ad-hoc sub-process activates.
 */
import type { ModdleElement } from './moddle-types.js';

const ZEEBE_NAMESPACE = 'http://camunda.org/schema/zeebe/1.0';
const CAMUNDA_NAMESPACE = 'http://camunda.org/schema/1.0/bpmn';

/** `element` is any element of the diagram (its definitions are found by walking up). */
export function isCamunda8Diagram(element: ModdleElement): boolean {
  let root: ModdleElement = element;
  while (root.$parent) root = root.$parent;
  const attrs = Object.entries((root.$attrs ?? {}) as Record<string, unknown>);
  const platform = attrs.find(([name]) => name.endsWith(':executionPlatform'));
  if (platform) return platform[1] === 'Camunda Cloud';
  const namespaces = attrs.filter(([name]) => name.startsWith('xmlns')).map(([, value]) => value);
  return namespaces.includes(ZEEBE_NAMESPACE) && !namespaces.includes(CAMUNDA_NAMESPACE);
}
