/** README.md generated sections are current: every KA_ code in src/ is listed (and only those); the keyword table matches the tables. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODE_DOCS } from '../../src/config/codes.js';
import { renderKeywords, renderReadme, REPO, scanCodes } from '../../scripts/gen-readme-tables.js';

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const section = (name: string): string => readme.slice(readme.indexOf(`<!-- ${name}:begin -->`), readme.indexOf(`<!-- ${name}:end -->`));
const regen = 'regenerate with: npx tsx scripts/gen-readme-tables.ts';

describe('README generated sections', () => {
  it('lists every KA_ code used in src/, and no other', () => {
    const listed = [...section('codes').matchAll(/^\| `(KA_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]!).sort();
    expect(listed, regen).toEqual([...scanCodes().keys()].sort());
  });

  it('describes every code', () => {
    const undocumented = [...scanCodes().keys()].filter((c) => CODE_DOCS[c] === undefined);
    expect(undocumented, 'add a line to src/config/codes.ts').toEqual([]);
  });

  it('keyword compatibility table is current', () => {
    expect(section('keywords').includes(renderKeywords()), regen).toBe(true);
    expect(renderReadme(readme), regen).toBe(readme);
  });
});
