import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEslint } from '../../src/parsers/eslint.js';
import { fixture } from '../helpers.js';

describe('parseEslint', () => {
  it('sums the counts of the report eslint -f json wrote', () => {
    expect(parseEslint(readFileSync(fixture('eslint.json'), 'utf8'), 'eslint.json')).toEqual({ errors: 2, warnings: 2, fixableErrors: 0, fixableWarnings: 2, files: 4 });
  });

  it('accepts json-with-metadata and counts messages by severity when counts are absent', () => {
    const doc = { results: [{ filePath: 'a.js', messages: [{ severity: 2 }, { severity: 1 }, { severity: 2 }] }], metadata: {} };
    expect(parseEslint(JSON.stringify(doc), 'm.json')).toMatchObject({ errors: 2, warnings: 1 });
  });

  it('refuses a negative or fractional count instead of recording it', () => {
    expect(() => parseEslint('[{"filePath":"/p/a.ts","errorCount":-2,"warningCount":0}]', 'e.json')).toThrow(/e\.json: entry \[0\] \(\/p\/a\.ts\) has errorCount -2, not a whole number >= 0/);
    expect(() => parseEslint('[{"filePath":"a","errorCount":0,"warningCount":1.5}]', 'e.json')).toThrow(/warningCount 1\.5/);
  });

  it('says that an empty file is empty, not that its JSON ended early', () => {
    expect(() => parseEslint(' \n', 'eslint.json')).toThrow(/eslint\.json: the file is empty, not ESLint JSON/);
  });

  it('rejects non-JSON and other shapes with the file name', () => {
    expect(() => parseEslint('✖ 3 problems', 'stylish.txt')).toThrow(/stylish\.txt: not valid JSON/);
    expect(() => parseEslint(readFileSync(fixture('eslint-malformed.json'), 'utf8'), 'eslint-malformed.json')).toThrow(/expected a JSON array/);
    expect(() => parseEslint('[{"messages":[]}]', 'e.json')).toThrow(/entry \[0\]/);
  });
});
