/** A `decisionTable` → `DecisionTable`, with every problem a deploy must refuse. */
import type { CompileContext } from '../bpmn/context.js';
import type { ModdleElement } from '../bpmn/moddle-types.js';
import { checkUnaryTests } from '../expressions/feel-unary-tests.js';
import { compileDmnExpression, languageOf } from './compile-expression.js';
import { AGGREGATIONS, HIT_POLICIES, type Aggregation, type DecisionTable, type HitPolicy, type InputClause, type OutputClause, type Rule } from './graph.js';
import { parseLiteral, parseLiteralList } from './literals.js';
import { parseSimpleTests } from './simple-tests.js';
import { CoercionError, coerce, isKnownTypeRef, KNOWN_TYPE_REFS } from './type-refs.js';

const DEFAULT_INPUT_VARIABLE = 'cellInput';

export function compileTable(table: ModdleElement, decision: ModdleElement, definitions: ModdleElement, ctx: CompileContext): DecisionTable | undefined {
  const id = (table.id as string | undefined) ?? `${decision.id as string}_table`;
  const hitPolicy = hitPolicyOf(table, ctx);
  const aggregation = aggregationOf(table, hitPolicy, ctx);
  const inputs = ((table.input as ModdleElement[] | undefined) ?? []).map((input) => compileInput(input, definitions, ctx));
  const outputs = compileOutputs(table, decision, ctx);
  if (outputs.length === 0) ctx.error('Decision table has no output column', table);
  if (aggregation !== undefined && outputs.length > 1) {
    ctx.error(`Hit policy COLLECT with aggregation ${aggregation} needs exactly one output column (the table has ${outputs.length})`, table);
  }
  if ((hitPolicy === 'PRIORITY' || hitPolicy === 'OUTPUT ORDER') && !outputs.some((o) => o.allowedValues)) {
    ctx.error(`Hit policy ${hitPolicy} orders results by the output values: give at least one output column its allowed values (outputValues)`, table);
  }
  const rules = ((table.rule as ModdleElement[] | undefined) ?? []).map((rule) => compileRule(rule, inputs, outputs, definitions, ctx));
  if (hitPolicy === undefined || inputs.some((i) => i === undefined)) return undefined;
  const compiled: DecisionTable = { kind: 'table', id, hitPolicy, inputs: inputs as InputClause[], outputs, rules };
  if (aggregation !== undefined) compiled.aggregation = aggregation;
  return compiled;
}

function hitPolicyOf(table: ModdleElement, ctx: CompileContext): HitPolicy | undefined {
  const raw = ((table.hitPolicy as string | undefined) ?? 'UNIQUE').trim().toUpperCase().replace(/_/g, ' ');
  if ((HIT_POLICIES as readonly string[]).includes(raw)) return raw as HitPolicy;
  ctx.error(`Unknown hit policy '${table.hitPolicy as string}': use one of ${HIT_POLICIES.join(', ')}`, table);
  return undefined;
}

function aggregationOf(table: ModdleElement, hitPolicy: HitPolicy | undefined, ctx: CompileContext): Aggregation | undefined {
  const raw = (table.aggregation as string | undefined)?.trim().toUpperCase();
  if (raw === undefined || raw === '') return undefined;
  if (!(AGGREGATIONS as readonly string[]).includes(raw)) {
    ctx.error(`Unknown aggregation '${table.aggregation as string}': use one of ${AGGREGATIONS.join(', ')}`, table);
    return undefined;
  }
  if (hitPolicy !== 'COLLECT') {
    ctx.error(`Aggregation ${raw} is only allowed with hit policy COLLECT (the table has ${hitPolicy ?? 'an unknown hit policy'})`, table);
    return undefined;
  }
  return raw as Aggregation;
}

function checkTypeRef(typeRef: unknown, element: ModdleElement, ctx: CompileContext): string | undefined {
  if (typeof typeRef !== 'string' || typeRef.trim() === '') return undefined;
  if (isKnownTypeRef(typeRef.trim())) return typeRef.trim();
  ctx.error(`Unknown type '${typeRef}': use one of ${KNOWN_TYPE_REFS}`, element);
  return undefined;
}

function compileInput(input: ModdleElement, definitions: ModdleElement, ctx: CompileContext): InputClause | undefined {
  const expression = input.inputExpression as ModdleElement | undefined;
  const text = (expression?.text as string | undefined)?.trim();
  if (!expression || !text) {
    ctx.error('Input column has no input expression', input);
    return undefined;
  }
  const compiled = compileDmnExpression(text, languageOf(expression, definitions), expression.id ? expression : input, 'input expression', ctx);
  if (!compiled) return undefined;
  const clause: InputClause = {
    id: input.id as string,
    expression: compiled,
    inputVariable: (input.inputVariable as string | undefined)?.trim() || DEFAULT_INPUT_VARIABLE,
  };
  if (input.label) clause.label = input.label as string;
  const path = compiled.language === 'feel' ? variablePath(compiled.source) : undefined;
  if (path) clause.variablePath = path;
  const typeRef = checkTypeRef(expression.typeRef, expression.id ? expression : input, ctx);
  if (typeRef !== undefined) clause.typeRef = typeRef;
  return clause;
}

function compileOutputs(table: ModdleElement, decision: ModdleElement, ctx: CompileContext): OutputClause[] {
  const outputs = (table.output as ModdleElement[] | undefined) ?? [];
  const names = new Set<string>();
  return outputs.map((output) => {
    let name = (output.name as string | undefined)?.trim();
    if (!name) {
      if (outputs.length > 1) ctx.error('Output column has no name: a table with several outputs needs a name for each', output);
      name = decision.id as string;
    }
    if (names.has(name)) ctx.error(`Output name '${name}' is used by two columns`, output);
    names.add(name);
    const clause: OutputClause = { id: output.id as string, name };
    if (output.label) clause.label = output.label as string;
    const typeRef = checkTypeRef(output.typeRef, output, ctx);
    if (typeRef !== undefined) clause.typeRef = typeRef;
    const allowed = (output.outputValues as ModdleElement | undefined)?.text as string | undefined;
    if (allowed !== undefined && allowed.trim() !== '') {
      const values = parseLiteralList(allowed);
      if (values === undefined) ctx.error(`Output values '${allowed}' must be a comma-separated list of literals such as "high","low"`, output);
      else clause.allowedValues = values;
    }
    return clause;
  });
}

function compileRule(rule: ModdleElement, inputs: Array<InputClause | undefined>, outputs: OutputClause[], definitions: ModdleElement, ctx: CompileContext): Rule {
  const inputEntries = (rule.inputEntry as ModdleElement[] | undefined) ?? [];
  const outputEntries = (rule.outputEntry as ModdleElement[] | undefined) ?? [];
  if (inputEntries.length !== inputs.length) ctx.error(`Rule has ${inputEntries.length} input entries for ${inputs.length} input columns`, rule);
  if (outputEntries.length !== outputs.length) ctx.error(`Rule has ${outputEntries.length} output entries for ${outputs.length} output columns`, rule);
  const compiled: Rule = {
    id: rule.id as string,
    inputEntries: inputEntries.map((entry) => {
      const text = ((entry.text as string | undefined) ?? '').trim();
      const source = text === '-' ? '' : text;
      const problem = source === '' ? null : checkUnaryTests(source);
      if (problem !== null) ctx.error(`Invalid input entry '${source}': ${problem}`, entry);
      if ((entry.expressionLanguage as string | undefined) && !/feel/i.test(entry.expressionLanguage as string)) {
        ctx.error(`Input entries are FEEL unary tests: expression language '${entry.expressionLanguage as string}' is not supported`, entry);
      }
      const simple = source === '' || problem !== null ? undefined : parseSimpleTests(source);
      return simple ? { id: entry.id as string, source, simple } : { id: entry.id as string, source };
    }),
    outputEntries: outputEntries.map((entry, index) => {
      const text = ((entry.text as string | undefined) ?? '').trim();
      if (text === '') return { id: entry.id as string, expression: null };
      const expression = compileDmnExpression(text, languageOf(entry, definitions), entry, 'output entry', ctx) ?? null;
      const output = outputs[index];
      if (expression?.language === 'feel' && output) checkOutputLiteral(text, output, entry, ctx);
      const literal = expression?.language === 'feel' ? parseLiteral(text) : undefined;
      return literal ? { id: entry.id as string, expression, constant: literal } : { id: entry.id as string, expression };
    }),
  };
  const description = (rule.description as string | undefined)?.trim();
  if (description) compiled.description = description;
  return compiled;
}

/** A literal output entry must fit its column's type and allowed values. */
function checkOutputLiteral(text: string, output: OutputClause, entry: ModdleElement, ctx: CompileContext): void {
  const literal = parseLiteral(text);
  if (literal === undefined || literal.value === null) return;
  if (output.typeRef !== undefined) {
    try {
      const coerced = coerce(literal.value, output.typeRef);
      if (output.typeRef.toLowerCase() !== 'string' && typeof literal.value === 'string' && typeof coerced !== 'string') throw new CoercionError(`value '${literal.value}' is a string, not of type '${output.typeRef}'`);
    } catch (error) {
      if (!(error instanceof CoercionError)) throw error;
      ctx.error(`Output entry ${text} does not fit output '${output.name}': ${error.message}`, entry);
      return;
    }
  }
  if (output.allowedValues && !output.allowedValues.includes(literal.value)) {
    ctx.error(`Output entry ${text} is not one of the allowed values of output '${output.name}' (${output.allowedValues.map((v) => JSON.stringify(v)).join(', ')})`, entry);
  }
}

/** FEEL words that are not variable names when they stand alone. */
const KEYWORDS = new Set(['true', 'false', 'null', 'not', 'and', 'or', 'between', 'in', 'for', 'some', 'every', 'if', 'then', 'else', 'return', 'satisfies', 'instance', 'of', 'function']);

/** `amount` → ['amount'], `model.type` → ['model', 'type']; undefined for anything else. */
function variablePath(source: string): string[] | undefined {
  const text = source.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(text)) return undefined;
  const path = text.split('.');
  return path.some((part) => KEYWORDS.has(part)) ? undefined : path;
}
