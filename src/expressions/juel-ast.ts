/** The syntax tree of a compiled JUEL expression: plain immutable data, walked by the evaluator. */

/** Properties of the `execution` object, answered from the EvaluationContext. */
export type ExecutionProperty =
  | 'processInstanceId'
  | 'processBusinessKey'
  | 'businessKey'
  | 'currentActivityId'
  | 'activityId'
  | 'processDefinitionKey';

export const EXECUTION_PROPERTIES: ReadonlySet<string> = new Set<ExecutionProperty>([
  'processInstanceId',
  'processBusinessKey',
  'businessKey',
  'currentActivityId',
  'activityId',
  'processDefinitionKey',
]);

/** Methods callable on values (arrays, strings, objects), with their argument count. */
export type ValueMethod = 'size' | 'isEmpty' | 'contains' | 'length' | 'toUpperCase' | 'toLowerCase';

export const VALUE_METHOD_ARITY: ReadonlyMap<string, number> = new Map<ValueMethod, number>([
  ['size', 0],
  ['isEmpty', 0],
  ['contains', 1],
  ['length', 0],
  ['toUpperCase', 0],
  ['toLowerCase', 0],
]);

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';
export type ComparisonOperator = '==' | '!=' | '<' | '>' | '<=' | '>=';

export type JuelNode =
  /** A literal: number, string, boolean or null. */
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  /** A variable reference. */
  | { readonly kind: 'variable'; readonly name: string }
  /** `a.b` */
  | { readonly kind: 'property'; readonly object: JuelNode; readonly name: string }
  /** `a[b]` */
  | { readonly kind: 'index'; readonly object: JuelNode; readonly key: JuelNode }
  /** `a.size()`, `a.contains(x)`, ... */
  | { readonly kind: 'method'; readonly object: JuelNode; readonly name: ValueMethod; readonly args: readonly JuelNode[] }
  /** `execution.processInstanceId`, ... */
  | { readonly kind: 'execution'; readonly property: ExecutionProperty }
  /** `execution.getVariable(x)` / `execution.hasVariable(x)` */
  | { readonly kind: 'executionVariable'; readonly has: boolean; readonly name: JuelNode }
  | { readonly kind: 'negate'; readonly operand: JuelNode }
  | { readonly kind: 'not'; readonly operand: JuelNode }
  | { readonly kind: 'empty'; readonly operand: JuelNode }
  | { readonly kind: 'arithmetic'; readonly operator: ArithmeticOperator; readonly left: JuelNode; readonly right: JuelNode }
  | { readonly kind: 'comparison'; readonly operator: ComparisonOperator; readonly left: JuelNode; readonly right: JuelNode }
  | { readonly kind: 'and'; readonly left: JuelNode; readonly right: JuelNode }
  | { readonly kind: 'or'; readonly left: JuelNode; readonly right: JuelNode }
  | { readonly kind: 'conditional'; readonly test: JuelNode; readonly then: JuelNode; readonly otherwise: JuelNode }
  /** A composite template `text ${a} text`: strings and expressions concatenated to a string. */
  | { readonly kind: 'template'; readonly parts: readonly (string | JuelNode)[] };
