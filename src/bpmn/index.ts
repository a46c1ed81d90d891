/** BPMN 2.0 XML → validated, JSON-serialisable `ProcessGraph`s. */
export { compileBpmn, NO_EXECUTABLE_PROCESS } from './compile.js';
export type * from './graph.js';
