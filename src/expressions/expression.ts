/** An expression as the compiler leaves it: its language and its text (JUEL `${...}`, FEEL `=...`, or a literal). */
/** `juel` for `${...}` (Camunda 7), `feel` for `=...` (Camunda 8, source without the `=`), `literal` for plain text. */
export type ExpressionLanguage = 'juel' | 'feel' | 'literal';

export interface Expression {
  language: ExpressionLanguage;
  source: string;
}
