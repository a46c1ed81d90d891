/** dmn-js ships no typings; decision-table.ts describes the part of its API it uses. */
declare module 'dmn-js/lib/Viewer.js';
