/** The model card schema (card 1 and card 2, upgraded on read): see model-card/index.ts. */
export * from './model-card/index';
