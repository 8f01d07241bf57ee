import { describe, expect, it } from 'vitest';
import { actionIdOtherThan } from '../../../commands/actions/unknown-action.ts';
import { HANDLED_ACTION_IDS } from '../../../commands/index.ts';
import { ids } from '../../../src/slack/ids.ts';

describe('the catch-all for buttons no listener answers', () => {
  const catchAll = actionIdOtherThan(HANDLED_ACTION_IDS);
  it('matches none of the buttons the app renders, so they are never answered twice', () => {
    const rendered = [
      ...Object.values(ids.actions),
      ids.incident.acknowledge,
      ids.incident.escalate,
      ids.incident.resolve,
      ids.incident.raise,
      ids.incident.lower,
    ];
    for (const id of rendered) expect(catchAll.test(id), id).toBe(false);
  });
  it('matches any other id, including ones that only start or end like a known one', () => {
    for (const id of ['legacy_button', `${ids.actions.approve}_v2`, `x${ids.actions.deployStart}`, 'signoff.approve', ''])
      expect(catchAll.test(id), id).toBe(true);
  });
});
