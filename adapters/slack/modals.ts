import type { View } from '@slack/types';
import { ASSESS_COMMANDS } from '../../commands/ethics.js';
import { CHANNEL_MODES, type WorkspaceSettings } from '../../src/policy/settings.js';

export const ASK_MODAL = 'ng:ask';
export const CONFIG_MODAL = 'ng:config';

const plain = (text: string) => ({ type: 'plain_text' as const, text });

/** `/ethics` alone: choose the frame and fill the fields; fields a frame does not use are ignored. */
export function askModal(meta: { channelId: string }): View {
  const fields = ['situation', 'intent', 'action', 'norm'] as const;
  const spec = (name: string) => ASSESS_COMMANDS.flatMap((c) => c.options).find((o) => o.name === name);
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

/** `/ethics config`: the whole settings page at once. */
export function configModal(settings: WorkspaceSettings, meta: { channelId: string; teamId: string }): View {
  const severities = ['low', 'medium', 'high'].map((s) => ({ text: plain(s), value: s }));
  const monitored = Object.keys(settings.channels);
  const modeOf = monitored.length > 0 ? settings.channels[monitored[0] as string]?.mode : undefined;
  return {
    type: 'modal',
    callback_id: CONFIG_MODAL,
    private_metadata: JSON.stringify(meta),
    title: plain('normguard settings'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: 'channels',
        optional: true,
        label: plain('Monitored channels'),
        element: { type: 'multi_conversations_select', action_id: 'value', ...(monitored.length > 0 ? { initial_conversations: monitored } : {}), filter: { include: ['public', 'private'], exclude_bot_users: true } },
      },
      {
        type: 'input',
        block_id: 'mode',
        label: plain('Mode for those channels'),
        element: {
          type: 'static_select',
          action_id: 'value',
          initial_option: { text: plain(modeOf ?? 'flag'), value: modeOf ?? 'flag' },
          options: CHANNEL_MODES.map((m) => ({ text: plain(m), value: m })),
        },
      },
      {
        type: 'input',
        block_id: 'review_channel',
        optional: true,
        label: plain('Review channel (case cards go here)'),
        element: { type: 'conversations_select', action_id: 'value', ...(settings.reviewChannelId ? { initial_conversation: settings.reviewChannelId } : {}) },
      },
      {
        type: 'input',
        block_id: 'moderators',
        optional: true,
        label: plain('Moderators (besides workspace admins)'),
        element: { type: 'multi_users_select', action_id: 'value', ...(settings.moderatorUserIds.length > 0 ? { initial_users: settings.moderatorUserIds } : {}) },
      },
      {
        type: 'input',
        block_id: 'moderator_group',
        optional: true,
        label: plain('Moderator user group ID (e.g. S0123ABC)'),
        element: { type: 'plain_text_input', action_id: 'value', ...(settings.moderatorRoleIds[0] ? { initial_value: settings.moderatorRoleIds[0] } : {}) },
      },
      {
        type: 'input',
        block_id: 'flag_threshold',
        label: plain('Lowest severity that opens a case'),
        element: { type: 'static_select', action_id: 'value', initial_option: { text: plain(settings.thresholds.flag), value: settings.thresholds.flag }, options: severities },
      },
      {
        type: 'input',
        block_id: 'notify_authors',
        optional: true,
        label: plain('Author notices'),
        element: {
          type: 'checkboxes',
          action_id: 'value',
          options: [{ text: plain('Tell authors privately when a case is upheld, with how to appeal'), value: 'on' }],
          ...(settings.notifyAuthors ? { initial_options: [{ text: plain('Tell authors privately when a case is upheld, with how to appeal'), value: 'on' }] } : {}),
        },
      },
      {
        type: 'input',
        block_id: 'blocked_reporters',
        optional: true,
        label: plain('Members whose reports are refused'),
        element: { type: 'multi_users_select', action_id: 'value', ...(settings.blockedReporterIds.length > 0 ? { initial_users: settings.blockedReporterIds } : {}) },
      },
      {
        type: 'input',
        block_id: 'coach_flag_threshold',
        label: plain('Coach mode: lowest severity flagged rather than explained'),
        element: { type: 'static_select', action_id: 'value', initial_option: { text: plain(settings.thresholds.coachFlag), value: settings.thresholds.coachFlag }, options: severities },
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

/** "Report to moderators": an optional note; the message's place rides in private_metadata. */
export function reportModal(meta: { channelId: string; ts: string; user: string; text: string; threadTs?: string }): View {
  return {
    type: 'modal',
    callback_id: REPORT_MODAL,
    private_metadata: JSON.stringify(meta).slice(0, 3000),
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
