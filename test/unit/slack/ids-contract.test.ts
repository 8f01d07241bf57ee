import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/shared/paths.ts';
import { ids } from '../../../src/slack/ids.ts';

function values(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  return node !== null && typeof node === 'object' ? Object.values(node).flatMap(values) : [];
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

describe('Slack ids', () => {
  it('are unique, so no action, block or modal can be routed to another one’s handler', () => {
    const all = values(ids);
    expect(all.filter((id, index) => all.indexOf(id) !== index)).toEqual([]);
    for (const id of all) expect(id.length).toBeLessThanOrEqual(255);
  });

  it('every incident button and modal has a registered handler (none answered by nobody)', () => {
    const registered = sources(join(projectRoot, 'commands')).join('\n');
    for (const key of ['acknowledge', 'escalate', 'raise', 'lower', 'resolve'] as const)
      expect(registered).toContain(`on.action(ids.incident.${key},`);
    for (const key of ['resolveModal', 'lowerModal'] as const) expect(registered).toContain(`on.view(ids.incident.${key},`);
  });
});
