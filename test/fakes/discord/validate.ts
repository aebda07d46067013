// Discord's documented limits on what a bot sends. A raw object can bypass discord.js's builders,
// and the real API answers 400 "Invalid Form Body" (code 50035) for an over-long embed or a bad
// button — a bug a lenient fake would hide until production. Unknown component kinds (e.g.
// Components V2 layouts) pass unchecked rather than fail a valid message.

import { Errors } from './http.js';

// Bodies are free-form JSON from the client under test.
type Json = Record<string, any>;

class FormErrors {
  private readonly tree: Record<string, unknown> = {};
  private count = 0;

  add(path: Array<string | number>, code: string, message: string): void {
    let node = this.tree as Record<string, any>;
    for (const key of path) node = node[String(key)] ??= {};
    (node._errors ??= []).push({ code, message });
    this.count += 1;
  }

  length(path: Array<string | number>, value: unknown, min: number, max: number): void {
    if (value === undefined || value === null) {
      if (min > 0) this.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
      return;
    }
    const n = String(value).length;
    if (n < min || n > max) {
      const message = min === 0 ? `Must be ${max} or fewer in length.` : `Must be between ${min} and ${max} in length.`;
      this.add(path, min === 0 ? 'BASE_TYPE_MAX_LENGTH' : 'BASE_TYPE_BAD_LENGTH', message);
    }
  }

  throwIfAny(): void {
    if (this.count > 0) throw Errors.invalidForm(this.tree);
  }
}

function embedSize(e: Json): number {
  const len = (v: unknown) => (typeof v === 'string' ? v.length : 0);
  let n = len(e.title) + len(e.description) + len(e.footer?.text) + len(e.author?.name);
  for (const f of Array.isArray(e.fields) ? e.fields : []) n += len(f?.name) + len(f?.value);
  return n;
}

function checkEmbeds(errors: FormErrors, embeds: unknown): void {
  if (embeds === undefined || embeds === null) return;
  if (!Array.isArray(embeds)) return errors.add(['embeds'], 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (embeds.length > 10) errors.add(['embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  let total = 0;
  embeds.forEach((e: Json, i) => {
    const at = (...p: Array<string | number>) => ['embeds', i, ...p];
    errors.length(at('title'), e.title, 0, 256);
    errors.length(at('description'), e.description, 0, 4096);
    errors.length(at('footer', 'text'), e.footer?.text, 0, 2048);
    errors.length(at('author', 'name'), e.author?.name, 0, 256);
    const fields = Array.isArray(e.fields) ? e.fields : [];
    if (fields.length > 25) errors.add(at('fields'), 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    fields.forEach((f: Json, j: number) => {
      errors.length(at('fields', j, 'name'), f?.name === '' ? undefined : f?.name, 1, 256);
      errors.length(at('fields', j, 'value'), f?.value === '' ? undefined : f?.value, 1, 1024);
    });
    total += embedSize(e);
  });
  if (total > 6000) errors.add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
}

const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);

function checkInteractive(errors: FormErrors, path: Array<string | number>, c: Json, seen: Set<string>): void {
  const customId = (required: boolean) => {
    errors.length([...path, 'custom_id'], c.custom_id, required ? 1 : 0, 100);
    if (typeof c.custom_id === 'string') {
      if (seen.has(c.custom_id)) errors.add([...path, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
      seen.add(c.custom_id);
    }
  };
  if (c.type === 2) {
    if (![1, 2, 3, 4, 5, 6].includes(c.style)) return errors.add([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6}.');
    if (c.style === 5) {
      if (typeof c.url !== 'string') errors.add([...path, 'url'], 'BASE_TYPE_REQUIRED', 'This field is required');
    } else if (c.style !== 6) {
      customId(true);
    }
    errors.length([...path, 'label'], c.label, 0, 80);
    if (c.label === undefined && c.emoji === undefined && c.style !== 6) errors.add([...path], 'BUTTON_COMPONENT_INVALID', 'A button needs a label or an emoji');
    return;
  }
  if (SELECT_TYPES.has(c.type)) {
    customId(true);
    errors.length([...path, 'placeholder'], c.placeholder, 0, 150);
    if (c.type === 3) {
      const options = Array.isArray(c.options) ? c.options : [];
      if (options.length < 1 || options.length > 25) errors.add([...path, 'options'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 25 in length.');
      options.forEach((o: Json, k: number) => {
        errors.length([...path, 'options', k, 'label'], o?.label, 1, 100);
        errors.length([...path, 'options', k, 'value'], o?.value, 1, 100);
      });
    }
  }
}

function checkComponents(errors: FormErrors, components: unknown, v2: boolean): void {
  if (components === undefined || components === null) return;
  if (!Array.isArray(components)) return errors.add(['components'], 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (v2) return; // Layout components of Components V2 are beyond what the fake checks.
  if (components.length > 5) errors.add(['components'], 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
  const seen = new Set<string>();
  components.forEach((row: Json, i) => {
    if (row?.type !== 1) return errors.add(['components', i, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1,).');
    const children = Array.isArray(row.components) ? row.components : [];
    const selects = children.filter((c: Json) => SELECT_TYPES.has(c?.type)).length;
    if (children.length < 1 || children.length > 5 || (selects > 0 && children.length !== 1)) {
      errors.add(['components', i, 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length (a select fills its row).');
    }
    children.forEach((c: Json, j: number) => checkInteractive(errors, ['components', i, 'components', j], c, seen));
  });
}

/** Validates a message create body (channel message, interaction reply or follow-up). */
export function validateMessageCreate(body: Json | undefined, fileCount: number): void {
  const b = body ?? {};
  const errors = new FormErrors();
  errors.length(['content'], b.content, 0, 2000);
  checkEmbeds(errors, b.embeds);
  const v2 = typeof b.flags === 'number' && (b.flags & (1 << 15)) !== 0;
  checkComponents(errors, b.components, v2);
  errors.throwIfAny();
  const hasContent = typeof b.content === 'string' && b.content.length > 0;
  const has = (v: unknown) => Array.isArray(v) && v.length > 0;
  if (!hasContent && !has(b.embeds) && !has(b.components) && !has(b.sticker_ids) && !b.poll && fileCount === 0) throw Errors.emptyMessage();
}

/** Validates an edit: only what is present is checked, and an edit may empty a message. */
export function validateMessageEdit(body: Json | undefined, v2: boolean): void {
  const b = body ?? {};
  const errors = new FormErrors();
  errors.length(['content'], b.content, 0, 2000);
  checkEmbeds(errors, b.embeds);
  checkComponents(errors, b.components, v2 || (typeof b.flags === 'number' && (b.flags & (1 << 15)) !== 0));
  errors.throwIfAny();
}

/** Validates a modal (callback type 9): rows of one text input, or Label (18) / Text Display (10). */
export function validateModal(data: Json | undefined): void {
  const d = data ?? {};
  const errors = new FormErrors();
  errors.length(['data', 'title'], d.title, 1, 45);
  errors.length(['data', 'custom_id'], d.custom_id, 1, 100);
  const rows = Array.isArray(d.components) ? d.components : [];
  if (rows.length < 1 || rows.length > 5) errors.add(['data', 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
  const textInput = (path: Array<string | number>, c: Json, labelled: boolean) => {
    errors.length([...path, 'custom_id'], c.custom_id, 1, 100);
    if (c.style !== 1 && c.style !== 2) errors.add([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2}.');
    if (!labelled) errors.length([...path, 'label'], c.label, 1, 45);
    errors.length([...path, 'value'], c.value, 0, 4000);
    errors.length([...path, 'placeholder'], c.placeholder, 0, 100);
    if (c.max_length !== undefined && (c.max_length < 1 || c.max_length > 4000)) errors.add([...path, 'max_length'], 'NUMBER_TYPE_MAX', 'int value should be between 1 and 4000.');
  };
  rows.forEach((row: Json, i: number) => {
    const path = ['data', 'components', i];
    if (row?.type === 1) {
      const children = Array.isArray(row.components) ? row.components : [];
      if (children.length !== 1 || children[0]?.type !== 4) return errors.add([...path, 'components'], 'BASE_TYPE_BAD_LENGTH', 'A modal row holds exactly one text input.');
      textInput([...path, 'components', 0], children[0], false);
    } else if (row?.type === 18) {
      errors.length([...path, 'label'], row.label, 1, 45);
      if (row.component?.type === 4) textInput([...path, 'component'], row.component, true);
      else errors.length([...path, 'component', 'custom_id'], row.component?.custom_id, 1, 100);
    } else if (row?.type !== 10) {
      errors.add([...path, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1, 10, 18).');
    }
  });
  errors.throwIfAny();
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}]{1,32}$/u;

function checkOptions(errors: FormErrors, path: Array<string | number>, options: unknown): void {
  if (options === undefined) return;
  if (!Array.isArray(options)) return errors.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (options.length > 25) errors.add(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  const names = new Set<string>();
  let optionalSeen = false;
  options.forEach((o: Json, i: number) => {
    const at = [...path, i];
    if (typeof o?.name !== 'string' || !COMMAND_NAME.test(o.name) || o.name !== o.name.toLowerCase()) {
      errors.add([...at, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    } else if (names.has(o.name)) {
      errors.add([...at, 'name'], 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Option name already exists');
    } else names.add(o.name);
    errors.length([...at, 'description'], o?.description, 1, 100);
    if (o?.type === 1 || o?.type === 2) {
      checkOptions(errors, [...at, 'options'], o.options);
      return;
    }
    if (o?.required) {
      if (optionalSeen) errors.add([...at, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    } else optionalSeen = true;
    if (Array.isArray(o?.choices) && o.choices.length > 25) errors.add([...at, 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  });
}

function checkCommand(e: FormErrors, path: Array<string | number>, cmd: Json): void {
  const type = cmd?.type ?? 1;
  if (![1, 2, 3, 4].includes(type)) e.add([...path, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4}.');
  if (type === 1) {
    if (typeof cmd?.name !== 'string' || !COMMAND_NAME.test(cmd.name) || cmd.name !== cmd.name.toLowerCase()) {
      e.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    }
    e.length([...path, 'description'], cmd?.description, 1, 100);
    checkOptions(e, [...path, 'options'], cmd?.options);
  } else {
    e.length([...path, 'name'], cmd?.name, 1, 32);
    if (typeof cmd?.description === 'string' && cmd.description.length > 0) {
      e.add([...path, 'description'], 'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION_INVALID', 'Context menu commands cannot have description');
    }
  }
}

/** Validates one command registration (POST/PATCH body). */
export function validateCommand(cmd: Json): void {
  const errors = new FormErrors();
  checkCommand(errors, [], cmd);
  errors.throwIfAny();
}

export function validateCommandList(list: unknown): void {
  const errors = new FormErrors();
  if (!Array.isArray(list)) {
    errors.add([], 'BASE_TYPE_ARRAY', 'Must be an array.');
    return errors.throwIfAny();
  }
  const keys = new Set<string>();
  list.forEach((cmd: Json, i) => {
    checkCommand(errors, [i], cmd);
    const key = `${cmd?.type ?? 1}:${cmd?.name}`;
    if (keys.has(key)) errors.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`);
    keys.add(key);
  });
  errors.throwIfAny();
}
