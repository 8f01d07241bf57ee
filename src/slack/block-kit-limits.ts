// Block Kit limits as documented by Slack (docs.slack.dev/reference/block-kit). Real Slack rejects
// payloads that break them with `invalid_blocks` / `invalid_arguments`, and it does so only at run
// time in production, so the local stand-in and unit tests run every payload through this first.

export type Surface = 'message' | 'modal' | 'home';

export interface BlockKitProblem {
  path: string;
  message: string;
}

export const BLOCK_KIT_LIMITS = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  blockId: 255,
  actionId: 255,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  buttonAccessibilityLabel: 75,
  imageUrl: 3000,
  imageAltText: 2000,
  imageTitle: 2000,
  inputLabel: 2000,
  inputHint: 2000,
  markdownText: 12000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  selectOptions: 100,
  overflowOptions: 5,
  checkboxOptions: 10,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  messageText: 40000,
  viewTitle: 24,
  viewButton: 24,
  viewCallbackId: 255,
  viewPrivateMetadata: 3000,
  viewExternalId: 255,
} as const;

const BLOCK_TYPES = new Set(['section', 'header', 'divider', 'context', 'actions', 'image', 'input', 'rich_text', 'markdown']);

const SELECT_TYPES = new Set([
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
]);

// Which element may sit where differs per block; these sets mirror the "works with" lists in the docs.
const INTERACTIVE_TYPES = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'overflow',
  'radio_buttons',
  'timepicker',
  'workflow_button',
  ...SELECT_TYPES,
]);
const ACCESSORY_TYPES = new Set([...INTERACTIVE_TYPES, 'image']);
const INPUT_ELEMENT_TYPES = new Set([
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'file_input',
  'number_input',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'timepicker',
  'url_text_input',
  ...SELECT_TYPES,
]);

type Obj = Record<string, unknown>;

class Collector {
  readonly problems: BlockKitProblem[] = [];
  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkString(c: Collector, value: unknown, path: string, max: number, opts: { required?: boolean; nonEmpty?: boolean } = {}): void {
  if (value === undefined) {
    if (opts.required) c.add(path, 'is required');
    return;
  }
  if (typeof value !== 'string') {
    c.add(path, 'must be a string');
    return;
  }
  if (opts.nonEmpty && value.length === 0) c.add(path, 'must be more than 0 characters');
  if (value.length > max) c.add(path, `must be at most ${max} characters (got ${value.length})`);
}

function checkTextObject(c: Collector, value: unknown, path: string, max: number, opts: { plainOnly?: boolean; required?: boolean } = {}): void {
  if (value === undefined) {
    if (opts.required) c.add(path, 'is required');
    return;
  }
  if (!isObject(value)) {
    c.add(path, 'must be a text object');
    return;
  }
  const { type } = value;
  if (type !== 'plain_text' && type !== 'mrkdwn') {
    // Not a text object at all (e.g. a button in a context block): its fields mean something else.
    c.add(`${path}.type`, "must be 'plain_text' or 'mrkdwn'");
    return;
  }
  if (opts.plainOnly && type !== 'plain_text') c.add(`${path}.type`, "must be 'plain_text'");
  if (typeof value.text !== 'string') {
    c.add(`${path}.text`, 'must be a string');
  } else {
    if (value.text.length === 0) c.add(`${path}.text`, 'must be more than 0 characters');
    if (value.text.length > max) {
      c.add(`${path}.text`, `must be at most ${max} characters (got ${value.text.length})`);
    }
  }
  // Slack rejects these as "invalid additional property" rather than ignoring them.
  if (type === 'mrkdwn' && 'emoji' in value) c.add(`${path}.emoji`, 'is only allowed on plain_text');
  if (type === 'plain_text' && 'verbatim' in value) c.add(`${path}.verbatim`, 'is only allowed on mrkdwn');
}

function checkConfirm(c: Collector, value: unknown, path: string): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    c.add(path, 'must be a confirmation dialog object');
    return;
  }
  const L = BLOCK_KIT_LIMITS;
  checkTextObject(c, value.title, `${path}.title`, L.confirmTitle, { plainOnly: true, required: true });
  checkTextObject(c, value.text, `${path}.text`, L.confirmText, { required: true });
  checkTextObject(c, value.confirm, `${path}.confirm`, L.confirmButton, { plainOnly: true, required: true });
  checkTextObject(c, value.deny, `${path}.deny`, L.confirmButton, { plainOnly: true, required: true });
  checkStyle(c, value.style, `${path}.style`);
}

function checkStyle(c: Collector, value: unknown, path: string): void {
  if (value !== undefined && value !== 'primary' && value !== 'danger') {
    c.add(path, "must be 'primary' or 'danger'");
  }
}

function checkOptions(c: Collector, value: unknown, path: string, bounds: { min: number; max: number }, allowMrkdwn: boolean): void {
  if (!Array.isArray(value)) {
    c.add(path, 'must be an array of option objects');
    return;
  }
  if (value.length < bounds.min) c.add(path, `must have at least ${bounds.min} option(s)`);
  if (value.length > bounds.max) c.add(path, `must have at most ${bounds.max} options (got ${value.length})`);
  const L = BLOCK_KIT_LIMITS;
  value.forEach((option, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(option)) {
      c.add(p, 'must be an option object');
      return;
    }
    checkTextObject(c, option.text, `${p}.text`, L.optionText, { plainOnly: !allowMrkdwn, required: true });
    checkString(c, option.value, `${p}.value`, L.optionValue, { required: true });
    checkTextObject(c, option.description, `${p}.description`, L.optionDescription, { plainOnly: !allowMrkdwn });
  });
}

function checkImageElement(c: Collector, el: Obj, path: string): void {
  const L = BLOCK_KIT_LIMITS;
  if (el.image_url === undefined && el.slack_file === undefined) {
    c.add(path, 'must have image_url or slack_file');
  }
  checkString(c, el.image_url, `${path}.image_url`, L.imageUrl, { nonEmpty: true });
  checkString(c, el.alt_text, `${path}.alt_text`, L.imageAltText, { required: true, nonEmpty: true });
}

function checkElement(c: Collector, value: unknown, path: string, allowed: Set<string>): void {
  if (!isObject(value)) {
    c.add(path, 'must be an element object');
    return;
  }
  const type = value.type;
  if (typeof type !== 'string' || !allowed.has(type)) {
    c.add(`${path}.type`, `element type ${JSON.stringify(type)} is not allowed here`);
    return;
  }
  const L = BLOCK_KIT_LIMITS;
  if (type === 'image') {
    checkImageElement(c, value, path);
    return;
  }
  checkString(c, value.action_id, `${path}.action_id`, L.actionId, { nonEmpty: true });
  checkConfirm(c, value.confirm, `${path}.confirm`);
  checkTextObject(c, value.placeholder, `${path}.placeholder`, L.placeholder, { plainOnly: true });

  if (type === 'button') {
    checkTextObject(c, value.text, `${path}.text`, L.buttonText, { plainOnly: true, required: true });
    checkString(c, value.value, `${path}.value`, L.buttonValue);
    checkString(c, value.url, `${path}.url`, L.buttonUrl);
    checkString(c, value.accessibility_label, `${path}.accessibility_label`, L.buttonAccessibilityLabel);
    checkStyle(c, value.style, `${path}.style`);
  } else if (type === 'static_select' || type === 'multi_static_select') {
    if (value.options === undefined && value.option_groups === undefined) {
      c.add(path, 'must have options or option_groups');
    } else if (value.options !== undefined) {
      checkOptions(c, value.options, `${path}.options`, { min: 1, max: L.selectOptions }, false);
    }
  } else if (type === 'overflow') {
    checkOptions(c, value.options, `${path}.options`, { min: 1, max: L.overflowOptions }, false);
  } else if (type === 'checkboxes' || type === 'radio_buttons') {
    checkOptions(c, value.options, `${path}.options`, { min: 1, max: L.checkboxOptions }, true);
  }
}

function checkSection(c: Collector, block: Obj, path: string): void {
  const L = BLOCK_KIT_LIMITS;
  if (block.text === undefined && block.fields === undefined) {
    c.add(path, 'section must have text or fields');
  }
  checkTextObject(c, block.text, `${path}.text`, L.sectionText);
  if (block.fields !== undefined) {
    if (!Array.isArray(block.fields)) {
      c.add(`${path}.fields`, 'must be an array of text objects');
    } else {
      if (block.fields.length === 0) c.add(`${path}.fields`, 'must have at least 1 item');
      if (block.fields.length > L.sectionFields) {
        c.add(`${path}.fields`, `must have at most ${L.sectionFields} items (got ${block.fields.length})`);
      }
      for (const [i, field] of block.fields.entries()) checkTextObject(c, field, `${path}.fields[${i}]`, L.sectionFieldText);
    }
  }
  if (block.accessory !== undefined) checkElement(c, block.accessory, `${path}.accessory`, ACCESSORY_TYPES);
}

function checkContext(c: Collector, block: Obj, path: string): void {
  const { elements } = block;
  if (!Array.isArray(elements)) {
    c.add(`${path}.elements`, 'must be an array');
    return;
  }
  const max = BLOCK_KIT_LIMITS.contextElements;
  if (elements.length === 0) c.add(`${path}.elements`, 'must have at least 1 element');
  if (elements.length > max) c.add(`${path}.elements`, `must have at most ${max} elements (got ${elements.length})`);
  elements.forEach((el, i) => {
    const p = `${path}.elements[${i}]`;
    if (isObject(el) && el.type === 'image') checkImageElement(c, el, p);
    // Context text has no documented per-element cap below the message-wide one.
    else checkTextObject(c, el, p, BLOCK_KIT_LIMITS.sectionText);
  });
}

function checkActions(c: Collector, block: Obj, path: string): void {
  const { elements } = block;
  if (!Array.isArray(elements)) {
    c.add(`${path}.elements`, 'must be an array');
    return;
  }
  const max = BLOCK_KIT_LIMITS.actionsElements;
  if (elements.length === 0) c.add(`${path}.elements`, 'must have at least 1 element');
  if (elements.length > max) c.add(`${path}.elements`, `must have at most ${max} elements (got ${elements.length})`);
  for (const [i, el] of elements.entries()) checkElement(c, el, `${path}.elements[${i}]`, INTERACTIVE_TYPES);
  checkUniqueActionIds(c, elements, `${path}.elements`);
}

// Slack routes interactions by (block_id, action_id); a duplicate makes the second element unreachable.
function checkUniqueActionIds(c: Collector, elements: unknown[], path: string): void {
  const seen = new Map<string, number>();
  elements.forEach((el, i) => {
    if (!isObject(el) || typeof el.action_id !== 'string') return;
    const first = seen.get(el.action_id);
    if (first !== undefined) {
      c.add(`${path}[${i}].action_id`, `duplicate action_id ${JSON.stringify(el.action_id)} (also at ${path}[${first}])`);
    } else {
      seen.set(el.action_id, i);
    }
  });
}

function checkBlock(c: Collector, block: unknown, path: string): void {
  if (!isObject(block)) {
    c.add(path, 'must be a block object');
    return;
  }
  const L = BLOCK_KIT_LIMITS;
  if (typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) {
    c.add(`${path}.type`, `unknown block type ${JSON.stringify(block.type)}`);
    return;
  }
  checkString(c, block.block_id, `${path}.block_id`, L.blockId, { nonEmpty: true });
  switch (block.type) {
    case 'section':
      checkSection(c, block, path);
      break;
    case 'header':
      checkTextObject(c, block.text, `${path}.text`, L.headerText, { plainOnly: true, required: true });
      break;
    case 'context':
      checkContext(c, block, path);
      break;
    case 'actions':
      checkActions(c, block, path);
      break;
    case 'image':
      checkImageElement(c, block, path);
      checkTextObject(c, block.title, `${path}.title`, L.imageTitle, { plainOnly: true });
      break;
    case 'input':
      checkTextObject(c, block.label, `${path}.label`, L.inputLabel, { plainOnly: true, required: true });
      checkTextObject(c, block.hint, `${path}.hint`, L.inputHint, { plainOnly: true });
      if (block.element === undefined) c.add(`${path}.element`, 'is required');
      else checkElement(c, block.element, `${path}.element`, INPUT_ELEMENT_TYPES);
      break;
    case 'rich_text':
      if (!Array.isArray(block.elements)) c.add(`${path}.elements`, 'must be an array');
      break;
    case 'markdown':
      checkString(c, block.text, `${path}.text`, L.markdownText, { required: true, nonEmpty: true });
      break;
    default:
      // divider carries nothing beyond type and block_id.
      break;
  }
}

function checkBlockArray(c: Collector, blocks: unknown, surface: Surface, path: string): void {
  if (!Array.isArray(blocks)) {
    c.add(path, 'must be an array of blocks');
    return;
  }
  const max = surface === 'message' ? BLOCK_KIT_LIMITS.blocksPerMessage : BLOCK_KIT_LIMITS.blocksPerView;
  if (blocks.length > max) {
    c.add(path, `must have at most ${max} blocks for a ${surface} (got ${blocks.length})`);
  }
  const blockIds = new Map<string, number>();
  blocks.forEach((block, i) => {
    const p = `${path}[${i}]`;
    checkBlock(c, block, p);
    if (isObject(block) && typeof block.block_id === 'string') {
      const first = blockIds.get(block.block_id);
      if (first !== undefined) {
        c.add(`${p}.block_id`, `duplicate block_id ${JSON.stringify(block.block_id)} (also at ${path}[${first}])`);
      } else {
        blockIds.set(block.block_id, i);
      }
    }
  });
}

export function validateBlocks(blocks: unknown, surface: Surface): BlockKitProblem[] {
  const c = new Collector();
  checkBlockArray(c, blocks, surface, 'blocks');
  return c.problems;
}

/**
 * `blocks` is the sibling argument of the same call: without blocks Slack needs the text itself,
 * with blocks the text is only the notification fallback and may be omitted.
 */
export function validateMessageText(text: unknown, blocks?: unknown): BlockKitProblem[] {
  const c = new Collector();
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  if (text === undefined || text === '') {
    if (!hasBlocks) c.add('text', 'is required when blocks are absent');
    return c.problems;
  }
  checkString(c, text, 'text', BLOCK_KIT_LIMITS.messageText);
  return c.problems;
}

/** Validates a whole `view` payload as passed to views.open / views.update / views.push / views.publish. */
export function validateView(view: unknown, surface: Exclude<Surface, 'message'>): BlockKitProblem[] {
  const c = new Collector();
  if (!isObject(view)) {
    c.add('view', 'must be a view object');
    return c.problems;
  }
  const L = BLOCK_KIT_LIMITS;
  if (view.type !== surface) c.add('view.type', `must be '${surface}'`);
  if (surface === 'modal') {
    checkTextObject(c, view.title, 'view.title', L.viewTitle, { plainOnly: true, required: true });
    checkTextObject(c, view.submit, 'view.submit', L.viewButton, { plainOnly: true });
    checkTextObject(c, view.close, 'view.close', L.viewButton, { plainOnly: true });
    // A modal with inputs but no submit button cannot be submitted, so Slack refuses to open it.
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) c.add('view.submit', 'is required when the view has input blocks');
  }
  checkString(c, view.callback_id, 'view.callback_id', L.viewCallbackId);
  checkString(c, view.private_metadata, 'view.private_metadata', L.viewPrivateMetadata);
  checkString(c, view.external_id, 'view.external_id', L.viewExternalId);
  checkBlockArray(c, view.blocks, surface, 'view.blocks');
  return c.problems;
}
