/** Process variables: the values, their stored encoding and the checks on names live with the store (`store/variables.ts`). */
export * from '../store/variables.js';
