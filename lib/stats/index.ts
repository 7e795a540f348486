export * from './quantile';
export * from './ks';
export * from './psi';
export * from './wasserstein';
export * from './roc';
