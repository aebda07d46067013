import { ApiError } from './args.js';

// The Block Kit limits that real Slack enforces and that bots trip over in production (a modal
// title over 24 characters, a 51st block, an over-long button value…). Only limits are checked,
// not the full schema: the point is to fail here the way Slack would, with Slack's error shape
// (`errors` plus `response_metadata.messages` carrying a json-pointer to the culprit).

interface Problem {
  pointer: string;
  message: string;
}

type Obj = Record<string, any>;

const MESSAGE_TEXT_MAX = 40_000;

export function checkMessageContent(text: string | undefined, blocks: unknown): void {
  if (text !== undefined && text.length > MESSAGE_TEXT_MAX) throw new ApiError('msg_too_long');
  if (blocks === undefined) return;
  const problems: Problem[] = [];
  checkBlocks(blocks, '/blocks', 50, problems);
  if (problems.length > 0) fail('invalid_blocks', problems);
}

/** views.open/update/push/publish: the view's own limits plus its blocks. */
export function checkView(view: unknown, kind: 'modal-or-home' | 'home'): void {
  const problems: Problem[] = [];
  if (!isObj(view)) throw new ApiError('invalid_arguments', { detail: 'view must be an object' });
  const type = view.type;
  if (type !== 'modal' && type !== 'home') problems.push({ pointer: '/view/type', message: 'must be one of modal, home' });
  if (kind === 'home' && type !== 'home') problems.push({ pointer: '/view/type', message: 'views.publish only publishes home views' });
  if (type === 'modal') {
    if (!isObj(view.title)) problems.push({ pointer: '/view/title', message: 'is required for a modal' });
    else plainText(view.title, '/view/title', 24, problems);
    if (view.submit !== undefined) plainText(view.submit, '/view/submit', 24, problems);
    if (view.close !== undefined) plainText(view.close, '/view/close', 24, problems);
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b: unknown) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) problems.push({ pointer: '/view/submit', message: 'is required when a modal has input blocks' });
  }
  maxLength(view.private_metadata, '/view/private_metadata', 3000, problems);
  maxLength(view.callback_id, '/view/callback_id', 255, problems);
  maxLength(view.external_id, '/view/external_id', 255, problems);
  checkBlocks(view.blocks, '/view/blocks', 100, problems);
  if (problems.length > 0) fail('invalid_arguments', problems);
}

function checkBlocks(blocks: unknown, at: string, maxBlocks: number, problems: Problem[]): void {
  if (!Array.isArray(blocks)) {
    problems.push({ pointer: at, message: 'must be an array' });
    return;
  }
  if (blocks.length > maxBlocks) problems.push({ pointer: at, message: `must be less than ${maxBlocks + 1} items` });
  const blockIds = new Set<string>();
  blocks.forEach((block: unknown, i) => {
    const p = `${at}/${i}`;
    if (!isObj(block) || typeof block.type !== 'string') {
      problems.push({ pointer: `${p}/type`, message: 'is required' });
      return;
    }
    if (block.block_id !== undefined) {
      maxLength(block.block_id, `${p}/block_id`, 255, problems);
      if (blockIds.has(block.block_id)) problems.push({ pointer: `${p}/block_id`, message: 'must be unique' });
      blockIds.add(block.block_id);
    }
    checkBlock(block, p, problems);
  });
}

function checkBlock(block: Obj, p: string, problems: Problem[]): void {
  switch (block.type) {
    case 'section':
      if (block.text !== undefined) textObject(block.text, `${p}/text`, 3000, problems);
      if (block.text === undefined && block.fields === undefined) problems.push({ pointer: p, message: 'must provide text or fields' });
      if (Array.isArray(block.fields)) {
        if (block.fields.length > 10) problems.push({ pointer: `${p}/fields`, message: 'must be less than 11 items' });
        block.fields.forEach((f: unknown, i: number) => textObject(f, `${p}/fields/${i}`, 2000, problems));
      }
      if (block.accessory !== undefined) checkElements([block.accessory], `${p}/accessory`, problems, false);
      break;
    case 'header':
      plainText(block.text, `${p}/text`, 150, problems);
      break;
    case 'context':
      if (!Array.isArray(block.elements) || block.elements.length === 0) problems.push({ pointer: `${p}/elements`, message: 'must have at least 1 item' });
      else if (block.elements.length > 10) problems.push({ pointer: `${p}/elements`, message: 'must be less than 11 items' });
      break;
    case 'actions':
      if (!Array.isArray(block.elements) || block.elements.length === 0) problems.push({ pointer: `${p}/elements`, message: 'must have at least 1 item' });
      else {
        if (block.elements.length > 25) problems.push({ pointer: `${p}/elements`, message: 'must be less than 26 items' });
        checkElements(block.elements, `${p}/elements`, problems, true);
      }
      break;
    case 'input':
      plainText(block.label, `${p}/label`, 2000, problems);
      if (block.hint !== undefined) plainText(block.hint, `${p}/hint`, 2000, problems);
      if (!isObj(block.element)) problems.push({ pointer: `${p}/element`, message: 'is required' });
      else checkElements([block.element], `${p}/element`, problems, false);
      break;
    default:
      // divider, image, rich_text, … : no limits checked.
      break;
  }
}

function checkElements(elements: unknown[], at: string, problems: Problem[], indexed: boolean): void {
  const actionIds = new Set<string>();
  elements.forEach((el, i) => {
    const p = indexed ? `${at}/${i}` : at;
    if (!isObj(el) || typeof el.type !== 'string') {
      problems.push({ pointer: `${p}/type`, message: 'is required' });
      return;
    }
    if (el.action_id !== undefined) {
      maxLength(el.action_id, `${p}/action_id`, 255, problems);
      if (actionIds.has(el.action_id)) problems.push({ pointer: `${p}/action_id`, message: 'must be unique within the block' });
      actionIds.add(el.action_id);
    }
    if (el.type === 'button') {
      plainText(el.text, `${p}/text`, 75, problems);
      maxLength(el.value, `${p}/value`, 2000, problems);
      maxLength(el.url, `${p}/url`, 3000, problems);
    }
    if (el.placeholder !== undefined) plainText(el.placeholder, `${p}/placeholder`, 150, problems);
  });
}

function textObject(value: unknown, p: string, max: number, problems: Problem[]): void {
  if (!isObj(value) || (value.type !== 'plain_text' && value.type !== 'mrkdwn') || typeof value.text !== 'string') {
    problems.push({ pointer: p, message: 'must be a text object' });
    return;
  }
  if (value.text.length === 0) problems.push({ pointer: `${p}/text`, message: 'must be more than 0 characters' });
  maxLength(value.text, `${p}/text`, max, problems);
}

function plainText(value: unknown, p: string, max: number, problems: Problem[]): void {
  if (!isObj(value) || value.type !== 'plain_text' || typeof value.text !== 'string') {
    problems.push({ pointer: p, message: 'must be a plain_text text object' });
    return;
  }
  maxLength(value.text, `${p}/text`, max, problems);
}

function maxLength(value: unknown, p: string, max: number, problems: Problem[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') {
    problems.push({ pointer: p, message: 'must be a string' });
    return;
  }
  if (value.length > max) problems.push({ pointer: p, message: `must be less than ${max + 1} characters` });
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(error: string, problems: Problem[]): never {
  const errors = problems.map((x) => `${x.message} [json-pointer:${x.pointer}]`);
  throw new ApiError(error, { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
}
