/** A JUEL syntax error found while lexing or parsing; `index` is the 0-based offset in the source. */
export class JuelSyntaxError extends Error {
  constructor(
    readonly detail: string,
    readonly index: number,
  ) {
    super(detail);
    this.name = 'JuelSyntaxError';
  }

  /** `<detail> at column <n> in '<source>'` with a 1-based column. */
  describe(displayedSource: string): string {
    return `${this.detail} at column ${this.index + 1} in '${displayedSource}'`;
  }
}
