/** Minimal typing for dmn-moddle's main export (the package ships no types). */
declare module 'dmn-moddle' {
  export interface ModdleWarning {
    message: string;
    element?: unknown;
    property?: string;
    value?: unknown;
    error?: Error;
  }
  export interface ParseResult {
    rootElement: unknown;
    references: unknown[];
    warnings: ModdleWarning[];
    elementsById: Record<string, unknown>;
  }
  export class DmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string): Promise<ParseResult>;
  }
}
