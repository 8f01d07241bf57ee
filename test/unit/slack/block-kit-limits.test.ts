import { describe, expect, it } from 'vitest';
import { validateBlocks, validateMessageText, validateView } from '../../../src/slack/block-kit-limits.ts';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'section', text: mrkdwn(text), ...extra });
const button = (actionId: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  text: plain('Go'),
  action_id: actionId,
  ...extra,
});
const paths = (blocks: unknown, surface: 'message' | 'modal' | 'home' = 'message') => validateBlocks(blocks, surface).map((p) => p.path);

describe('validateBlocks: block count per surface', () => {
  const dividers = (n: number) => Array.from({ length: n }, () => ({ type: 'divider' }));

  it('accepts 50 blocks in a message and rejects 51', () => {
    expect(validateBlocks(dividers(50), 'message')).toEqual([]);
    const problems = validateBlocks(dividers(51), 'message');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'blocks' });
    expect(problems[0]?.message).toMatch(/at most 50/);
  });

  it('accepts 100 blocks in modals and home tabs and rejects 101', () => {
    expect(validateBlocks(dividers(100), 'modal')).toEqual([]);
    expect(validateBlocks(dividers(100), 'home')).toEqual([]);
    expect(paths(dividers(101), 'modal')).toEqual(['blocks']);
    expect(paths(dividers(101), 'home')).toEqual(['blocks']);
  });

  it('requires an array of block objects', () => {
    expect(paths('not blocks')).toEqual(['blocks']);
    expect(paths([42])).toEqual(['blocks[0]']);
  });
});

describe('validateBlocks: block types and ids', () => {
  it('accepts every known block type', () => {
    const blocks = [
      section('hi'),
      { type: 'header', text: plain('Title') },
      { type: 'divider' },
      { type: 'context', elements: [mrkdwn('ctx')] },
      { type: 'actions', elements: [button('a')] },
      { type: 'image', image_url: 'https://example.com/x.png', alt_text: 'x' },
      { type: 'input', label: plain('Why'), element: { type: 'plain_text_input', action_id: 'why' } },
      { type: 'rich_text', elements: [] },
      { type: 'markdown', text: '**bold**' },
    ];
    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });

  it('rejects an unknown block type', () => {
    expect(paths([{ type: 'carousel_of_doom' }])).toEqual(['blocks[0].type']);
    expect(paths([{ text: mrkdwn('no type') }])).toEqual(['blocks[0].type']);
  });

  it('limits block_id to 255 characters', () => {
    expect(paths([section('x', { block_id: 'b'.repeat(255) })])).toEqual([]);
    expect(paths([section('x', { block_id: 'b'.repeat(256) })])).toEqual(['blocks[0].block_id']);
  });

  it('rejects a duplicate block_id', () => {
    expect(paths([section('a', { block_id: 'one' }), section('b', { block_id: 'two' })])).toEqual([]);
    const problems = validateBlocks([section('a', { block_id: 'same' }), section('b', { block_id: 'same' })], 'message');
    expect(problems.map((p) => p.path)).toEqual(['blocks[1].block_id']);
    expect(problems[0]?.message).toMatch(/duplicate block_id/);
  });

  it('reports every problem, not just the first', () => {
    const blocks = [{ type: 'nope' }, section('x'.repeat(3001)), { type: 'header', text: mrkdwn('h') }];
    expect(paths(blocks)).toEqual(['blocks[0].type', 'blocks[1].text.text', 'blocks[2].text.type']);
  });
});

describe('validateBlocks: text objects', () => {
  it('requires plain_text or mrkdwn with a non-empty string', () => {
    expect(paths([{ type: 'section', text: plain('ok') }])).toEqual([]);
    expect(paths([{ type: 'section', text: { type: 'markdown', text: 'x' } }])).toEqual(['blocks[0].text.type']);
    expect(paths([{ type: 'section', text: mrkdwn('') }])).toEqual(['blocks[0].text.text']);
    expect(paths([{ type: 'section', text: { type: 'mrkdwn', text: 7 } }])).toEqual(['blocks[0].text.text']);
    expect(paths([{ type: 'section', text: 'bare string' }])).toEqual(['blocks[0].text']);
  });

  it('rejects emoji on mrkdwn (Slack treats it as an invalid property)', () => {
    expect(paths([{ type: 'section', text: { ...plain('x'), emoji: true } }])).toEqual([]);
    expect(paths([{ type: 'section', text: { ...mrkdwn('x'), emoji: true } }])).toEqual(['blocks[0].text.emoji']);
  });
});

describe('validateBlocks: section', () => {
  it('needs text or fields', () => {
    expect(paths([{ type: 'section', fields: [mrkdwn('a')] }])).toEqual([]);
    expect(paths([{ type: 'section' }])).toEqual(['blocks[0]']);
  });

  it('limits text to 3000 characters', () => {
    expect(paths([section('x'.repeat(3000))])).toEqual([]);
    const problems = validateBlocks([section('x'.repeat(3001))], 'message');
    expect(problems).toEqual([{ path: 'blocks[0].text.text', message: expect.stringMatching(/3000/) }]);
  });

  it('limits fields to 10 items of at most 2000 characters', () => {
    const fields = (n: number, len = 5) => Array.from({ length: n }, () => mrkdwn('f'.repeat(len)));
    expect(paths([{ type: 'section', fields: fields(10, 2000) }])).toEqual([]);
    expect(paths([{ type: 'section', fields: fields(11) }])).toEqual(['blocks[0].fields']);
    expect(paths([{ type: 'section', fields: [mrkdwn('ok'), mrkdwn('f'.repeat(2001))] }])).toEqual(['blocks[0].fields[1].text']);
  });

  it('validates the accessory like an element', () => {
    expect(paths([section('x', { accessory: button('go') })])).toEqual([]);
    expect(paths([section('x', { accessory: button('go', { style: 'loud' }) })])).toEqual(['blocks[0].accessory.style']);
    expect(paths([section('x', { accessory: { type: 'plain_text_input', action_id: 'p' } })])).toEqual(['blocks[0].accessory.type']);
    expect(paths([section('x', { accessory: { type: 'image', image_url: 'https://e.com/i.png' } })])).toEqual(['blocks[0].accessory.alt_text']);
  });
});

describe('validateBlocks: header', () => {
  it('accepts plain_text up to 150 characters', () => {
    expect(paths([{ type: 'header', text: plain('h'.repeat(150)) }])).toEqual([]);
  });

  it('rejects 151 characters', () => {
    expect(paths([{ type: 'header', text: plain('h'.repeat(151)) }])).toEqual(['blocks[0].text.text']);
  });

  it('rejects mrkdwn and a missing text', () => {
    expect(paths([{ type: 'header', text: mrkdwn('h') }])).toEqual(['blocks[0].text.type']);
    expect(paths([{ type: 'header' }])).toEqual(['blocks[0].text']);
  });
});

describe('validateBlocks: context', () => {
  it('accepts 1 to 10 text or image elements', () => {
    const image = { type: 'image', image_url: 'https://e.com/i.png', alt_text: 'i' };
    const elements = [...Array.from({ length: 9 }, () => plain('t')), image];
    expect(paths([{ type: 'context', elements }])).toEqual([]);
  });

  it('rejects 0 or 11 elements and non-text elements', () => {
    expect(paths([{ type: 'context', elements: [] }])).toEqual(['blocks[0].elements']);
    expect(paths([{ type: 'context', elements: Array.from({ length: 11 }, () => plain('t')) }])).toEqual(['blocks[0].elements']);
    expect(paths([{ type: 'context', elements: [button('b')] }])).toEqual(['blocks[0].elements[0].type']);
  });
});

describe('validateBlocks: actions', () => {
  const buttons = (n: number) => Array.from({ length: n }, (_, i) => button(`b${i}`));

  it('accepts 1 to 25 elements', () => {
    expect(paths([{ type: 'actions', elements: buttons(25) }])).toEqual([]);
  });

  it('rejects 26 elements and an empty list', () => {
    expect(paths([{ type: 'actions', elements: buttons(26) }])).toEqual(['blocks[0].elements']);
    expect(paths([{ type: 'actions', elements: [] }])).toEqual(['blocks[0].elements']);
  });

  it('rejects duplicate action_ids within the block', () => {
    expect(paths([{ type: 'actions', elements: [button('same'), button('same')] }])).toEqual(['blocks[0].elements[1].action_id']);
    // The same action_id in different blocks is fine: block_id disambiguates.
    expect(
      paths([
        { type: 'actions', elements: [button('same')] },
        { type: 'actions', elements: [button('same')] },
      ]),
    ).toEqual([]);
  });

  it('rejects elements that only belong in input blocks', () => {
    expect(paths([{ type: 'actions', elements: [{ type: 'plain_text_input', action_id: 'x' }] }])).toEqual(['blocks[0].elements[0].type']);
  });
});

describe('validateBlocks: button', () => {
  const inActions = (b: unknown) => [{ type: 'actions', elements: [b] }];

  it('accepts a fully specified button at the limits', () => {
    const b = button('a'.repeat(255), {
      text: plain('t'.repeat(75)),
      value: 'v'.repeat(2000),
      url: `https://e.com/${'u'.repeat(3000 - 14)}`,
      style: 'danger',
    });
    expect(paths(inActions(b))).toEqual([]);
    expect(paths(inActions(button('x', { style: 'primary' })))).toEqual([]);
  });

  it('limits text to plain_text of 75 characters', () => {
    expect(paths(inActions(button('x', { text: plain('t'.repeat(76)) })))).toEqual(['blocks[0].elements[0].text.text']);
    expect(paths(inActions(button('x', { text: mrkdwn('t') })))).toEqual(['blocks[0].elements[0].text.type']);
  });

  it('limits action_id, value and url', () => {
    expect(paths(inActions(button('a'.repeat(256))))).toEqual(['blocks[0].elements[0].action_id']);
    expect(paths(inActions(button('x', { value: 'v'.repeat(2001) })))).toEqual(['blocks[0].elements[0].value']);
    expect(paths(inActions(button('x', { url: 'u'.repeat(3001) })))).toEqual(['blocks[0].elements[0].url']);
  });

  it("only allows style 'primary' or 'danger'", () => {
    expect(paths(inActions(button('x', { style: 'secondary' })))).toEqual(['blocks[0].elements[0].style']);
  });

  it('validates a confirm dialog', () => {
    const confirm = { title: plain('Sure?'), text: mrkdwn('Really'), confirm: plain('Yes'), deny: plain('No') };
    expect(paths(inActions(button('x', { confirm })))).toEqual([]);
    expect(paths(inActions(button('x', { confirm: { ...confirm, title: plain('t'.repeat(101)) } })))).toEqual([
      'blocks[0].elements[0].confirm.title.text',
    ]);
  });
});

describe('validateBlocks: other blocks', () => {
  it('image needs alt_text and a url', () => {
    expect(paths([{ type: 'image', image_url: 'https://e.com/i.png', alt_text: 'i' }])).toEqual([]);
    expect(paths([{ type: 'image', alt_text: 'i' }])).toEqual(['blocks[0]']);
  });

  it('input needs a plain_text label and an input element', () => {
    const input = {
      type: 'input',
      label: plain('L'),
      element: { type: 'static_select', action_id: 's', options: [{ text: plain('o'), value: 'o' }] },
    };
    expect(paths([input])).toEqual([]);
    expect(paths([{ ...input, label: undefined }])).toEqual(['blocks[0].label']);
    expect(paths([{ ...input, element: button('b') }])).toEqual(['blocks[0].element.type']);
  });

  it('markdown text is limited to 12000 characters', () => {
    expect(paths([{ type: 'markdown', text: 'm'.repeat(12000) }])).toEqual([]);
    expect(paths([{ type: 'markdown', text: 'm'.repeat(12001) }])).toEqual(['blocks[0].text']);
  });
});

describe('validateMessageText', () => {
  it('accepts text up to 40000 characters', () => {
    expect(validateMessageText('x'.repeat(40000))).toEqual([]);
  });

  it('rejects text over 40000 characters or of the wrong type', () => {
    expect(validateMessageText('x'.repeat(40001)).map((p) => p.path)).toEqual(['text']);
    expect(validateMessageText(42).map((p) => p.path)).toEqual(['text']);
  });

  it('requires text when blocks are absent, not when they are present', () => {
    expect(validateMessageText(undefined).map((p) => p.path)).toEqual(['text']);
    expect(validateMessageText('', []).map((p) => p.path)).toEqual(['text']);
    expect(validateMessageText(undefined, [{ type: 'divider' }])).toEqual([]);
  });
});

describe('validateView', () => {
  const modal = { type: 'modal', title: plain('Approve'), blocks: [section('hi')] };

  it('accepts a minimal modal and home tab', () => {
    expect(validateView(modal, 'modal')).toEqual([]);
    expect(validateView({ type: 'home', blocks: [] }, 'home')).toEqual([]);
  });

  it('limits the modal title to 24 characters and requires submit with inputs', () => {
    expect(validateView({ ...modal, title: plain('t'.repeat(25)) }, 'modal').map((p) => p.path)).toEqual(['view.title.text']);
    const withInput = {
      ...modal,
      blocks: [{ type: 'input', label: plain('L'), element: { type: 'plain_text_input', action_id: 'p' } }],
    };
    expect(validateView(withInput, 'modal').map((p) => p.path)).toEqual(['view.submit']);
    expect(validateView({ ...withInput, submit: plain('Send') }, 'modal')).toEqual([]);
  });

  it('checks the view type and nested blocks', () => {
    expect(validateView(modal, 'home').map((p) => p.path)).toEqual(['view.type']);
    expect(validateView({ ...modal, blocks: [{ type: 'bogus' }] }, 'modal').map((p) => p.path)).toEqual(['view.blocks[0].type']);
  });
});
