import type { webApi } from '@slack/bolt';
import type { ReviewInteraction, TextForm } from '../../../commands/review/surface.js';
import type { SlackPeople } from '../actor.js';
import { slackCall } from '../errors.js';
import { reasonModal } from '../modals.js';
import { clip, slackText } from '../render/text.js';

/** Where a Slack action or submission came from. Bolt has already acked it (within 3 s). */
export interface SlackPress {
  userId: string;
  /** The channel it happened in; a DM channel (D…) or none means "answer in a DM". */
  channelId: string | null;
  /** The message the button sits on (a case card, a digest, a notice). */
  messageTs: string | null;
  triggerId: string | null;
}

/** Slack's side of one interaction for the review flow: ephemerals, DMs and modals. */
export function slackInteraction(press: SlackPress, client: webApi.WebClient, people: SlackPeople): ReviewInteraction {
  const inChannel = press.channelId !== null && !press.channelId.startsWith('D');
  return {
    userId: press.userId,
    card: inChannel && press.messageTs ? { channelId: press.channelId as string, messageId: press.messageTs } : null,
    actor: (settings) => people.actor(press.userId, settings),
    // Bolt acked before the flow ran; there is nothing more to say "working on it" with.
    defer: async () => {},
    ephemeral: (text) => tellPrivately(client, press.userId, inChannel ? press.channelId : null, text),
    askText: async (form: TextForm) => {
      if (!press.triggerId) throw new Error('this interaction cannot open a form');
      const place = { channelId: press.channelId ?? '', messageTs: press.messageTs ?? '' };
      // Slack caps a modal's title at 24 characters.
      await slackCall('opening the form', () => client.views.open({ trigger_id: press.triggerId as string, view: reasonModal(form.id, clip(form.title, 24), form.label, place) }));
    },
  };
}

/** An ephemeral in the channel, or a DM where there is no channel to whisper in. Neutral text. */
export async function tellPrivately(client: webApi.WebClient, userId: string, channelId: string | null, text: string): Promise<void> {
  if (channelId) {
    await slackCall('answering privately', () => client.chat.postEphemeral({ channel: channelId, user: userId, text: slackText(text) }));
    return;
  }
  const { channel } = await slackCall('opening a direct message', () => client.conversations.open({ users: userId }));
  await slackCall('answering in a direct message', () => client.chat.postMessage({ channel: channel?.id ?? userId, text: slackText(text) }));
}
