import { libraryConfig } from '../../tsup.base.js';

// Two builds into one dist (the build script empties it first; `clean` in either would race the other):
// - ESM: the library and `@autodev/learning/testing`, sharing one chunk, so both see the same classes (LearningError);
// - CJS: the library only. The testing helpers import vitest, which cannot be require()d, so a CJS copy of them
//   could never run (it was 650 KB of dead weight in the package).
export default [
  libraryConfig({ index: 'src/index.ts', testing: 'src/testing/index.ts' }, { format: ['esm'], clean: false }),
  libraryConfig({ index: 'src/index.ts' }, { format: ['cjs'], clean: false }),
];
