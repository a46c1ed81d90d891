/**
 * Tree-walking evaluator for compiled JUEL. Reads only own properties of plain objects and arrays,
 * never calls anything found in the data, and never returns a function.
 */
import type { EvaluationContext } from './context.js';
import { EvaluationFailure } from './evaluation-failure.js';
import type { JuelNode } from './juel-ast.js';
import {
  checkLength,
  compareValues,
  concat,
  finite,
  isEmptyValue,
  isPlainObject,
  looseEquals,
  toBoolean,
  toNumber,
  toText,
} from './juel-values.js';
import { FORBIDDEN_PROPERTIES, MAX_STRING_LENGTH } from './limits.js';
import { typeName } from './messages.js';

type Variables = Readonly<Record<string, unknown>>;

/** Evaluate a compiled JUEL tree; failures are EvaluationFailures for the caller to dress. */
export function evaluateJuelNode(node: JuelNode, variables: Variables, context: EvaluationContext | undefined): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'variable':
      return readVariable(variables, node.name);
    case 'property':
      return readMember(evaluateJuelNode(node.object, variables, context), node.name);
    case 'index':
      return readMember(evaluateJuelNode(node.object, variables, context), evaluateJuelNode(node.key, variables, context));
    case 'method':
      return callMethod(node, variables, context);
    case 'execution':
      return executionProperty(node.property, context);
    case 'executionVariable': {
      const name = evaluateJuelNode(node.name, variables, context);
      if (typeof name !== 'string') throw new EvaluationFailure(`execution.${node.has ? 'hasVariable' : 'getVariable'}() expects a string, got ${typeName(name)}`);
      if (node.has) return Object.hasOwn(variables, name);
      return Object.hasOwn(variables, name) && !FORBIDDEN_PROPERTIES.has(name) ? safe(variables[name], name) : null;
    }
    case 'negate':
      return finite(-toNumber(evaluateJuelNode(node.operand, variables, context)));
    case 'not':
      return !toBoolean(evaluateJuelNode(node.operand, variables, context));
    case 'empty':
      if (rootVariableMissing(node.operand, variables)) return true;
      return isEmptyValue(evaluateJuelNode(node.operand, variables, context));
    case 'and':
      return toBoolean(evaluateJuelNode(node.left, variables, context)) && toBoolean(evaluateJuelNode(node.right, variables, context));
    case 'or':
      return toBoolean(evaluateJuelNode(node.left, variables, context)) || toBoolean(evaluateJuelNode(node.right, variables, context));
    case 'conditional':
      return toBoolean(evaluateJuelNode(node.test, variables, context))
        ? evaluateJuelNode(node.then, variables, context)
        : evaluateJuelNode(node.otherwise, variables, context);
    case 'comparison': {
      const left = evaluateJuelNode(node.left, variables, context);
      const right = evaluateJuelNode(node.right, variables, context);
      switch (node.operator) {
        case '==':
          return looseEquals(left, right);
        case '!=':
          return !looseEquals(left, right);
        default: {
          const order = compareValues(left, right);
          if (order === null || Number.isNaN(order)) return false;
          return node.operator === '<' ? order < 0 : node.operator === '>' ? order > 0 : node.operator === '<=' ? order <= 0 : order >= 0;
        }
      }
    }
    case 'arithmetic': {
      const left = evaluateJuelNode(node.left, variables, context);
      const right = evaluateJuelNode(node.right, variables, context);
      switch (node.operator) {
        case '+':
          if (typeof left === 'string' || typeof right === 'string') return concat(left, right);
          return finite(toNumber(left) + toNumber(right));
        case '-':
          return finite(toNumber(left) - toNumber(right));
        case '*':
          return finite(toNumber(left) * toNumber(right));
        case '/': {
          const divisor = toNumber(right);
          if (divisor === 0) throw new EvaluationFailure('Division by zero');
          return finite(toNumber(left) / divisor);
        }
        case '%': {
          const divisor = toNumber(right);
          if (divisor === 0) throw new EvaluationFailure('Division by zero');
          return finite(toNumber(left) % divisor);
        }
      }
      break;
    }
    case 'template': {
      let text = '';
      for (const part of node.parts) {
        text += typeof part === 'string' ? part : toText(evaluateJuelNode(part, variables, context));
        if (text.length > MAX_STRING_LENGTH) checkLength(text);
      }
      return text;
    }
  }
  throw new EvaluationFailure('Unsupported expression');
}

function readVariable(variables: Variables, name: string): unknown {
  if (!Object.hasOwn(variables, name)) throw new EvaluationFailure(`Unknown variable '${name}'`, name);
  return safe(variables[name], name);
}

/** Undefined reads as null; functions are never handed out. */
function safe(value: unknown, name: string): unknown {
  if (value === undefined) return null;
  if (typeof value === 'function') throw new EvaluationFailure(`'${name}' is a function, which expressions cannot access`);
  return value;
}

/** `object.key` / `object[key]`: null-safe, own properties of plain objects and arrays only. */
function readMember(object: unknown, key: unknown): unknown {
  if (object === null || object === undefined) return null;
  if (Array.isArray(object)) {
    if (key === 'length') return object.length;
    const index = typeof key === 'number' ? key : typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : NaN;
    if (!Number.isInteger(index)) throw new EvaluationFailure(`Cannot index an array with ${describeKey(key)}`);
    return index >= 0 && index < object.length && Object.hasOwn(object, index) ? safe(object[index], String(index)) : null;
  }
  if (isPlainObject(object)) {
    if (typeof key !== 'string' && typeof key !== 'number') throw new EvaluationFailure(`Cannot index an object with ${describeKey(key)}`);
    const name = String(key);
    if (FORBIDDEN_PROPERTIES.has(name)) throw new EvaluationFailure(`Access to '${name}' is not allowed`);
    return Object.hasOwn(object, name) ? safe(object[name], name) : null;
  }
  throw new EvaluationFailure(`Cannot read property ${describeKey(key)} of ${typeName(object)}`);
}

function describeKey(key: unknown): string {
  return typeof key === 'string' ? `'${key.length > 40 ? key.slice(0, 40) + '…' : key}'` : typeName(key) === 'number' ? String(key) : typeName(key);
}

/** Root variable of `x`, `x.a`, `x[0].b`: when it is missing, `empty` answers true instead of failing. */
function rootVariableMissing(node: JuelNode, variables: Variables): boolean {
  let current = node;
  while (current.kind === 'property' || current.kind === 'index') current = current.object;
  return current.kind === 'variable' && !Object.hasOwn(variables, current.name);
}

function callMethod(node: Extract<JuelNode, { kind: 'method' }>, variables: Variables, context: EvaluationContext | undefined): unknown {
  const target = evaluateJuelNode(node.object, variables, context);
  if (target === null || target === undefined) return null;
  switch (node.name) {
    case 'size':
    case 'isEmpty': {
      let size: number;
      if (typeof target === 'string' || Array.isArray(target)) size = target.length;
      else if (isPlainObject(target)) size = Object.keys(target).length;
      else break;
      return node.name === 'size' ? size : size === 0;
    }
    case 'contains': {
      const item = evaluateJuelNode(node.args[0]!, variables, context);
      if (Array.isArray(target)) {
        for (const element of target) if (looseEquals(element, item)) return true;
        return false;
      }
      if (typeof target === 'string') return target.includes(toText(item));
      if (isPlainObject(target)) return typeof item === 'string' && Object.hasOwn(target, item);
      break;
    }
    case 'length':
      if (typeof target === 'string') return target.length;
      break;
    case 'toUpperCase':
      if (typeof target === 'string') return checkLength(target.toUpperCase());
      break;
    case 'toLowerCase':
      if (typeof target === 'string') return checkLength(target.toLowerCase());
      break;
  }
  throw new EvaluationFailure(`${node.name}() is not supported on ${typeName(target)}`);
}

function executionProperty(property: string, context: EvaluationContext | undefined): unknown {
  switch (property) {
    case 'processInstanceId':
      return context?.processInstanceId ?? null;
    case 'processBusinessKey':
    case 'businessKey':
      return context?.businessKey ?? null;
    case 'currentActivityId':
    case 'activityId':
      return context?.elementId ?? null;
    case 'processDefinitionKey':
      return context?.processDefinitionKey ?? null;
    default:
      return null;
  }
}
