/**
 * The compiled, executable form of one DMN file (a decision requirements graph): plain JSON
 * data, immutable once built. The evaluator reads only this; it never touches moddle objects.
 */
import type { Expression, Problem } from '../bpmn/graph.js';
import type { SimpleTests } from './simple-tests.js';

export type HitPolicy = 'UNIQUE' | 'FIRST' | 'PRIORITY' | 'ANY' | 'COLLECT' | 'RULE ORDER' | 'OUTPUT ORDER';
export const HIT_POLICIES: readonly HitPolicy[] = ['UNIQUE', 'FIRST', 'PRIORITY', 'ANY', 'COLLECT', 'RULE ORDER', 'OUTPUT ORDER'];

export type Aggregation = 'SUM' | 'MIN' | 'MAX' | 'COUNT';
export const AGGREGATIONS: readonly Aggregation[] = ['SUM', 'MIN', 'MAX', 'COUNT'];

/** An input column: the expression whose value the rules' entries test. */
export interface InputClause {
  id: string;
  label?: string;
  expression: Expression;
  typeRef?: string;
  /** the name the input value has inside the entries besides `?` (`camunda:inputVariable`, default `cellInput`) */
  inputVariable: string;
  /** the expression is a FEEL variable name or path (`amount`, `model.type`): read without feelin */
  variablePath?: string[];
}

/** An output column. */
export interface OutputClause {
  id: string;
  label?: string;
  /** the key of this output in a rule's result */
  name: string;
  typeRef?: string;
  /** `outputValues`: the allowed values, highest priority first (PRIORITY and OUTPUT ORDER sort by them) */
  allowedValues?: unknown[];
}

/** One input entry: FEEL unary tests; `source` is empty for `-` or an empty cell (matches anything). */
export interface InputEntry {
  id: string;
  source: string;
  /** the same tests read once at compile time when they are simple (simple-tests.ts) */
  simple?: SimpleTests;
}

/** One output entry: an expression, or null for an empty cell (the output is null). */
export interface OutputEntry {
  id: string;
  expression: Expression | null;
  /** a FEEL literal (`"gold"`, `30`, `true`): its value, read once at compile time */
  constant?: { value: string | number | boolean | null };
}

export interface Rule {
  id: string;
  description?: string;
  inputEntries: InputEntry[];
  outputEntries: OutputEntry[];
}

export interface DecisionTable {
  kind: 'table';
  id: string;
  hitPolicy: HitPolicy;
  aggregation?: Aggregation;
  inputs: InputClause[];
  outputs: OutputClause[];
  rules: Rule[];
}

export interface LiteralExpressionLogic {
  kind: 'literal';
  id: string;
  /** the result's name: the decision's `variable` name, else the decision id */
  variableName: string;
  typeRef?: string;
  expression: Expression;
}

export type DecisionLogic = DecisionTable | LiteralExpressionLogic;

export interface Decision {
  /** the decision id in the XML = the decision definition key */
  id: string;
  name?: string;
  versionTag?: string;
  historyTimeToLive?: string;
  /** decisions whose results this one reads, evaluated first */
  requiredDecisions: string[];
  logic: DecisionLogic;
  line?: number;
  column?: number;
}

/** One `.dmn` file: its decisions by id, in document order. */
export interface DecisionGraph {
  /** the `definitions` id = the decision requirements definition key */
  id: string;
  name?: string;
  namespace?: string;
  decisions: Record<string, Decision>;
}

export interface DmnCompileResult {
  graph: DecisionGraph | undefined;
  errors: Problem[];
  warnings: Problem[];
}
