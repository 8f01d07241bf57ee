import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/shared/paths.ts';

const doc = readFileSync(join(projectRoot, 'docs', 'architecture.md'), 'utf8');
const rules = readFileSync(join(projectRoot, '.dependency-cruiser.cjs'), 'utf8');

/** The folders a layer constant of .dependency-cruiser.cjs names, e.g. `const KERNEL = '^src/(shared|secrets)/'`. */
function layerFolders(name: string): string[] {
  const match = new RegExp(`const ${name} =\\s*'\\^src/\\(([^)]+)\\)/'`).exec(rules);
  if (!match?.[1]) throw new Error(`${name} not found in .dependency-cruiser.cjs`);
  return match[1].split('|').map((folder) => `src/${folder}`);
}

/** The folders the layer table of docs/architecture.md lists in the row that starts with `layer`. */
function documentedFolders(layer: string): string[] {
  const row = doc.split('\n').find((line) => line.startsWith(`| ${layer} |`));
  if (!row) throw new Error(`no "${layer}" row in the layer table`);
  const folderCell = row.split('|')[2] ?? '';
  return [...folderCell.matchAll(/`(src\/[a-z-]+)`/g)].map((found) => found[1] ?? '');
}

describe('docs/architecture.md matches the code', () => {
  it.each([
    ['kernel', 'KERNEL'],
    ['domain', 'DOMAIN'],
    ['adapters', 'ADAPTER'],
  ])('lists the same %s folders as the dependency rule', (layer, constant) => {
    expect(documentedFolders(layer).sort()).toEqual(layerFolders(constant).sort());
  });

  it('puts every folder of src/ in a layer, so a new folder cannot slip past the rule', () => {
    const placed = new Set([...layerFolders('KERNEL'), ...layerFolders('DOMAIN'), ...layerFolders('ADAPTER'), 'src/main', 'src/cli']);
    const folders = readdirSync(join(projectRoot, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `src/${entry.name}`);
    expect(folders.filter((folder) => !placed.has(folder))).toEqual([]);
  });

  it('names only files and folders that exist', () => {
    const paths = [...doc.matchAll(/`((?:src|commands|jobs|tools|test|bench)\/[\w./-]+)`/g)].map((found) => found[1] ?? '');
    expect(paths.length).toBeGreaterThan(40);
    expect(paths.filter((path) => !existsSync(join(projectRoot, path.replace(/\/$/, ''))))).toEqual([]);
  });

  it('names every rule of .dependency-cruiser.cjs', () => {
    const names = [...rules.matchAll(/name: '([a-z-]+)'|onlyImports\(\s*'([a-z-]+)'/g)].map((found) => found[1] ?? found[2] ?? '');
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });
});
