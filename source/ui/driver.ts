/** The Driver moved to the headless controller (source/app/controller.ts); re-exported for existing imports. */
export * from '../app/controller.js';
