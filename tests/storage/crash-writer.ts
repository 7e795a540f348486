// Child process for the crash test: starts an endless streaming put and waits to be SIGKILLed mid-write,
// the way a server dies during an upload. Run with `tsx --conditions=react-server`.
import { Readable } from 'node:stream';
import { createBlobStore, type BlobStoreConfig } from '../../lib/server/storage/index';

const config = JSON.parse(process.argv[2] ?? '') as BlobStoreConfig;
const chunk = Buffer.alloc(1024 * 1024, 0x5a);
const endless = new Readable({
  read() {
    // Throttled so the temp file stays small before the parent's kill lands.
    setTimeout(() => this.push(chunk), 5);
  },
});
createBlobStore(config)
  .put(endless)
  .then(
    () => process.exit(3),
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
