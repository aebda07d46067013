import type { View } from '@slack/types';
import { ASSESS_COMMANDS } from '../../commands/assess.js';
import { optionSpecs } from '../../commands/options.js';

export const ASK_MODAL = 'ng:ask';
export const CONFIG_MODAL = 'ng:config';

export const plainText = (text: string) => ({ type: 'plain_text' as const, text });

const plain = (text: string) => ({ type: 'plain_text' as const, text });

/** `/ethics` alone: choose the frame and fill the fields; fields a frame does not use are ignored. */
export function askModal(meta: { channelId: string }): View {
  const fields = ['situation', 'intent', 'action', 'norm'] as const;
  const spec = (name: string) => ASSESS_COMMANDS.flatMap((c) => optionSpecs(c.options)).find((o) => o.name === name);
  return {
    type: 'modal',
    callback_id: ASK_MODAL,
    private_metadata: JSON.stringify(meta),
    title: plain('Ask normguard'),
    submit: plain('Ask'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: 'command',
        label: plain('What do you want to know?'),
        element: {
          type: 'static_select',
          action_id: 'value',
          initial_option: { text: plain('Is an action permissible? (check)'), value: 'check' },
          options: ASSESS_COMMANDS.map((c) => ({ text: plain(`${c.description.slice(0, 60)} (${c.name})`), value: c.name })),
        },
      },
      ...fields.map((name) => {
        const o = spec(name);
        return {
          type: 'input' as const,
          block_id: name,
          optional: true,
          label: plain(name[0]!.toUpperCase() + name.slice(1)),
          hint: plain(`${o?.description ?? ''}${name === 'action' ? ' (evaluate, check)' : name === 'norm' ? ' (why)' : name === 'intent' ? ' (advise, evaluate, check)' : ''}`.slice(0, 150)),
          element: { type: 'plain_text_input' as const, action_id: 'value', multiline: o?.multiline ?? false, max_length: o?.maxLength },
        };
      }),
      {
        type: 'input',
        block_id: 'public',
        optional: true,
        label: plain('Visibility'),
        element: { type: 'checkboxes', action_id: 'value', options: [{ text: plain('Post the answer in the channel'), value: 'public' }] },
      },
    ],
  };
}

/** A one-field modal for a reason (dismiss, deny an appeal) or the author's appeal. */
export function reasonModal(callbackId: string, title: string, label: string, meta: { channelId: string; messageTs: string }): View {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: JSON.stringify({ channelId: meta.channelId, messageTs: meta.messageTs }),
    title: plain(title),
    submit: plain('Send'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: 'reason',
        label: plain(label),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 1500 },
      },
    ],
  };
}

export const REPORT_MODAL = 'ng:report';

/**
 * "Report to moderators": an optional note. Only the message's place rides in private_metadata
 * (3,000 characters at most on Slack): the message itself is read again on submission.
 */
export function reportModal(meta: { channelId: string; ts: string; threadTs?: string }): View {
  return {
    type: 'modal',
    callback_id: REPORT_MODAL,
    private_metadata: JSON.stringify(meta),
    title: plain('Report to moderators'),
    submit: plain('Report'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: 'note',
        optional: true,
        label: plain('What is wrong with this message?'),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 500 },
      },
    ],
  };
}

/** Reads `state.values[block].value` whatever the element type. */
export function viewValue(values: Record<string, Record<string, any>>, block: string): any {
  const v = values[block]?.value;
  if (!v) return undefined;
  return v.value ?? v.selected_option?.value ?? v.selected_conversation ?? v.selected_conversations ?? v.selected_users ?? v.selected_options ?? undefined;
}
