/**
 * What every compile pass shares: the element positions, the problem lists, and the one place
 * where attribute text becomes a checked `Expression`.
 */
import { checkExpression, expressionFromText } from '../expressions/index.js';
import type { Expression, Problem } from './graph.js';
import type { Positions } from './positions.js';

/** Anything that names an element: a moddle element or a compiled node/flow. */
export interface ElementRef {
  id?: string;
  $type?: string;
  type?: string;
}

export class CompileContext {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];
  /**
   * References Camunda 7 reads as plain text when they name no element: an errorRef naming no
   * <error> (the error code), a loopDataInputRef naming no data input (the collection variable).
   * Keyed by the element, then by the property (`bpmn:errorRef`).
   */
  readonly textReferences = new WeakMap<object, Record<string, string>>();

  textReference(element: object, property: string): string | undefined {
    return this.textReferences.get(element)?.[property];
  }

  constructor(readonly positions: Positions) {}

  error(message: string, element?: ElementRef): void {
    this.errors.push(this.problem(message, element));
  }

  warn(message: string, element?: ElementRef): void {
    this.warnings.push(this.problem(message, element));
  }

  problem(message: string, element?: ElementRef): Problem {
    const problem: Problem = { message };
    if (!element) return problem;
    if (element.id !== undefined) problem.elementId = element.id;
    const type = element.$type ?? element.type;
    if (type !== undefined) problem.elementType = type;
    const position = element.id !== undefined ? this.positions.get(element.id) : undefined;
    if (position) {
      problem.line = position.line;
      problem.column = position.column;
    }
    return problem;
  }

  /**
   * Classify `text` (`=` FEEL, `${}` JUEL, else literal) and check its syntax; a syntax problem
   * becomes an error on `element` naming `what` (e.g. "condition"). Returns the expression anyway.
   */
  expression(text: string, element: ElementRef, what: string): Expression {
    return this.check(expressionFromText(text), element, what);
  }

  /** Check an already-built expression; see `expression`. */
  check(expression: Expression, element: ElementRef, what: string): Expression {
    const problem = checkExpression(expression);
    if (problem !== null) this.error(`Invalid ${what} '${expression.source}': ${problem}`, element);
    return expression;
  }
}
