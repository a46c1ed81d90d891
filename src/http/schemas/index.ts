export * from './common.js';
export * from './process.js';
export * from './task.js';
export * from './external-task.js';
export * from './job.js';
