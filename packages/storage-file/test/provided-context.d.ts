import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder of the plain-JS bundle of src/ that child processes import (built by global-setup.ts). */
    fixtureBundleDir: string;
  }
}
