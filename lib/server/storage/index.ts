import 'server-only';
import { LocalBlobStore } from './local';
import { S3BlobStore, type S3BlobStoreOptions } from './s3';
import type { BlobStore } from './types';

export * from './types';
export { blobKeyForSha256, isBlobKey, sha256OfKey } from './keys';
export { LocalBlobStore } from './local';
export { S3BlobStore } from './s3';
export type { LocalBlobStoreOptions } from './local';
export type { S3BlobStoreOptions } from './s3';

export type BlobStoreConfig = { driver: 'local'; root?: string } | ({ driver: 's3' } & S3BlobStoreOptions);

export function createBlobStore(config: BlobStoreConfig): BlobStore {
  switch (config.driver) {
    case 'local':
      return new LocalBlobStore({ root: config.root });
    case 's3': {
      const { driver: _driver, ...opts } = config;
      return new S3BlobStore(opts);
    }
  }
}

// The process-wide store. Configuration is handed in (env.ts owns process.env) as a value or as a
// function, so importing this module never requires the environment to be valid yet.
let source: BlobStoreConfig | (() => BlobStoreConfig) | undefined;
let instance: BlobStore | undefined;

/** Sets the configuration `getBlobStore()` uses; a store already created with an older one is closed. */
export function configureBlobStore(config: BlobStoreConfig | (() => BlobStoreConfig)): void {
  const previous = instance;
  instance = undefined;
  source = config;
  void previous?.close();
}

export function getBlobStore(): BlobStore {
  if (instance) return instance;
  if (!source) throw new Error('Blob store not configured: call configureBlobStore() at start-up');
  instance = createBlobStore(typeof source === 'function' ? source() : source);
  return instance;
}
