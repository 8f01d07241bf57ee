import { describe, expect, it } from 'vitest';
import { validateView } from '../../../src/slack/block-kit-limits.ts';
import { renderUnknownModal } from '../../../src/slack/views/unknown-modal.ts';

describe('renderUnknownModal', () => {
  it('says nothing was done, escapes and shortens the id, and fits a modal', () => {
    const view = renderUnknownModal(`<!channel>${'x'.repeat(500)}`);
    expect(validateView(view, 'modal')).toEqual([]);
    const text = view.blocks[0]?.text.text ?? '';
    expect(text).toContain('Nothing was done');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text.length).toBeLessThan(300);
  });
});
