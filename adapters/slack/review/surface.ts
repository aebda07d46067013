import type { webApi } from '@slack/bolt';
import type { CaseCardModel, Enforcements } from '../../../commands/case-card.js';
import type { DigestModel } from '../../../commands/notices.js';
import type { DirectMessage, MessagePlace, ReviewSurface, SurfaceWording, ThreadPlace, ThreadPost } from '../../../commands/review/surface.js';
import { slackCall } from '../errors.js';
import { caseCardBlocks, digestBlocks } from '../render/blocks.js';
import { escapeMrkdwn } from '../render/text.js';
import { directPost, threadPost, type SlackPost } from '../render/thread-post.js';

type WebClient = webApi.WebClient;

const WORDING: SurfaceWording = {
  noDelete: 'Deleting another member’s message needs SLACK_ADMIN_USER_TOKEN; nothing was deleted.',
  noTimeout: 'Slack has no timeouts.',
  noRestore: 'A deleted Slack message cannot be restored; it was reposted in the case thread for the record.',
};

/**
 * The review flow's port on Slack: Web API calls only. A card's thread is the card's own ts.
 * Deleting a member's message needs a workspace admin's user token; without one the flow
 * offers "Ask the author to edit" instead.
 */
export class SlackSurface implements ReviewSurface {
  readonly platform = 'slack' as const;
  readonly can: Enforcements;
  readonly wording = WORDING;
  readonly deleteMessage?: (place: MessagePlace) => Promise<void>;

  constructor(
    private readonly client: WebClient,
    adminClient: WebClient | null,
  ) {
    this.can = { delete: adminClient !== null, timeout: false, askEdit: true };
    if (adminClient) {
      this.deleteMessage = async (place) => {
        await slackCall('deleting the message', () => adminClient.chat.delete({ channel: place.channelId, ts: place.messageId, as_user: true }));
      };
    }
  }

  async postCard(channelId: string, card: CaseCardModel): Promise<{ messageId: string; threadId: string | null }> {
    const posted = await slackCall('posting the case card', () =>
      this.client.chat.postMessage({ channel: channelId, text: `Case ${card.caseId}: ${card.verdict}, severity ${card.severity}`, blocks: caseCardBlocks(card), unfurl_links: false }),
    );
    const ts = posted.ts as string;
    return { messageId: ts, threadId: ts };
  }

  async updateCard(place: MessagePlace, card: CaseCardModel): Promise<void> {
    await slackCall('updating the case card', () => this.client.chat.update({ channel: place.channelId, ts: place.messageId, text: `Case ${card.caseId}: ${card.status}`, blocks: caseCardBlocks(card) }));
  }

  async putDigest(channelId: string, digest: DigestModel, existingId: string | null): Promise<string> {
    const text = `Flood of cases: ${digest.total} in this window`;
    const blocks = digestBlocks(digest);
    if (existingId) {
      await slackCall('updating the digest', () => this.client.chat.update({ channel: channelId, ts: existingId, text, blocks }));
      return existingId;
    }
    return (await slackCall('posting the digest', () => this.client.chat.postMessage({ channel: channelId, text, blocks }))).ts as string;
  }

  async postInThread(place: ThreadPlace, post: ThreadPost): Promise<void> {
    await this.post(place.channelId, place.threadId, threadPost(post));
  }

  async dm(userId: string, message: DirectMessage): Promise<void> {
    const { channel } = await slackCall('opening a direct message', () => this.client.conversations.open({ users: userId }));
    await this.post(channel?.id ?? userId, undefined, directPost(message));
  }

  async explain(message: { channelId: string; messageId: string; threadId?: string | null }, text: string): Promise<void> {
    await this.post(message.channelId, message.threadId ?? message.messageId, { text: escapeMrkdwn(text) });
  }

  async link(place: MessagePlace): Promise<string | null> {
    const res = await slackCall('linking to the message', () => this.client.chat.getPermalink({ channel: place.channelId, message_ts: place.messageId }));
    return res.permalink ?? null;
  }

  private async post(channel: string, threadTs: string | undefined, post: SlackPost): Promise<void> {
    await slackCall('posting a message', () =>
      this.client.chat.postMessage({ channel, text: post.text, ...(post.blocks ? { blocks: post.blocks } : {}), ...(threadTs ? { thread_ts: threadTs } : {}), unfurl_links: false }),
    );
  }
}
