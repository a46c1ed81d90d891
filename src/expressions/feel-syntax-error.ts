/** The first error node of a parsed FEEL tree (feelin parses leniently: errors are nodes, not exceptions). */
export interface SyntaxErrorSpan {
  from: number;
  to: number;
}

interface SyntaxNode {
  type: { isError: boolean };
  from: number;
  to: number;
}

interface ParsedTree {
  iterate(spec: { enter(node: SyntaxNode): false | undefined }): void;
}

export function firstSyntaxError(tree: ParsedTree): SyntaxErrorSpan | undefined {
  let error: SyntaxErrorSpan | undefined;
  tree.iterate({
    enter(node) {
      if (error !== undefined) return false;
      if (node.type.isError) {
        error = { from: node.from, to: node.to };
        return false;
      }
      return undefined;
    },
  });
  return error;
}
