import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// A TypeScript user who installs this package as its README says must be able to compile against its declarations
// (with skipLibCheck off): every package they import must come with types the user gets. The `pool` option is a
// `pg.Pool`, and `pg` ships no types of its own.

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

/** Bare module specifiers imported by the declarations reachable from src/index.ts (what tsup's dts bundle imports). */
function declarationImports(): Set<string> {
  const bare = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const out = ts.transpileDeclaration(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
    });
    for (const m of out.outputText.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  };
  visit(join(pkgDir, 'src', 'index.ts'));
  return bare;
}

const shipsOwnTypes = (name: string): boolean => {
  const file = join(pkgDir, 'node_modules', name, 'package.json');
  if (!existsSync(file)) return false;
  const p = JSON.parse(readFileSync(file, 'utf8')) as { types?: string; typings?: string; exports?: unknown };
  return p.types !== undefined || p.typings !== undefined || JSON.stringify(p.exports ?? null).includes('"types"');
};

const typesPackage = (name: string) => `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;

/** The README's Install section (up to the next `## ` heading). */
const installSection = (/^## Install\s*\n([\s\S]*?)(?=^## )/m.exec(readFileSync(join(pkgDir, 'README.md'), 'utf8'))?.[1] ?? '');

describe('the published declarations', () => {
  const imports = [...declarationImports()];

  it('import pg (the pool option) and @autodev/learning', () => {
    expect(imports).toEqual(expect.arrayContaining(['pg', '@autodev/learning']));
  });

  it.each(imports)('import %s, which a user installing as the README says gets types for', (name) => {
    const declared = pkg.dependencies?.[name] !== undefined || pkg.peerDependencies?.[name] !== undefined;
    expect(declared, `${name} is imported by the declarations but is neither a dependency nor a peer dependency`).toBe(true);
    if (shipsOwnTypes(name)) return;
    const types = typesPackage(name);
    const typesInstalled = pkg.dependencies?.[types] !== undefined || installSection.includes(types);
    expect(typesInstalled, `${name} ships no types: add ${types} to dependencies, or tell TypeScript users to install it in the README's Install section`).toBe(true);
  });
});
