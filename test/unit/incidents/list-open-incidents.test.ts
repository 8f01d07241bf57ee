import { describe, expect, it } from 'vitest';
import { listOpenIncidents } from '../../../src/incidents/list-open-incidents.ts';
import { incident } from './fixtures.ts';

describe('listOpenIncidents', () => {
  it("answers the repository's open incidents in its order (most severe first)", async () => {
    const open = [incident({ severity: 'SEV1', number: 7 }), incident({ severity: 'SEV3', number: 3 })];
    expect(await listOpenIncidents({ incidents: { listOpen: async () => open } })).toEqual(open);
  });
});
