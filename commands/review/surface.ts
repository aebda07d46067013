import type { Actor } from '../../src/moderation/preconditions.js';
import type { WorkspaceSettings } from '../../src/policy/settings.js';
import type { Platform } from '../../src/store/case.js';
import type { CaseCardModel, Enforcements } from '../case-card.js';
import type { AuthorNotice, DigestModel } from '../notices.js';
import type { Section } from '../sections.js';

/** A posted message: the review channel and the message's id (Discord snowflake, Slack ts). */
export interface MessagePlace {
  channelId: string;
  messageId: string;
}

/** A case card's thread (Discord: a thread channel; Slack: the card's ts in its channel). */
export interface ThreadPlace {
  channelId: string;
  threadId: string;
}

/**
 * What the review flow posts in a case thread, before a platform renders it. Text is neutral:
 * our own tokens (<@id>, <#id>, <t:seconds:f>, **bold**) and user or model text made inert.
 */
export type ThreadPost =
  | { kind: 'prose'; heading: string; sections: Section[] }
  | { kind: 'appeal'; authorSide: string; rationale: string }
  | { kind: 'record'; authorId: string; authorName: string; text: string };

/** A private message to a member: an author's notice (with its Appeal button) or one line. */
export type DirectMessage = { kind: 'notice'; caseId: string; notice: AuthorNotice } | { kind: 'text'; text: string };

/** What a platform cannot do, in its own words, for the moderator who asked for it. */
export interface SurfaceWording {
  noDelete: string;
  noTimeout: string;
  noRestore: string;
}

/**
 * A chat platform as the review flow needs it. Each adapter implements this and its renderers,
 * nothing else: the behaviour (which card, when, who may act, which effects) lives in ReviewFlow.
 * Failures surface as PlatformError, so the flow can tell "gone" from "forbidden" from "down".
 */
export interface ReviewSurface {
  readonly platform: Platform;
  readonly can: Enforcements;
  readonly wording: SurfaceWording;
  /** Posts a card in the review channel and opens its thread where the platform has threads. */
  postCard(channelId: string, card: CaseCardModel): Promise<{ messageId: string; threadId: string | null }>;
  updateCard(place: MessagePlace, card: CaseCardModel): Promise<void>;
  /** Posts the flood digest, or edits the one already posted; returns its message id. */
  putDigest(channelId: string, digest: DigestModel, existingId: string | null): Promise<string>;
  postInThread(place: ThreadPlace, post: ThreadPost): Promise<void>;
  dm(userId: string, message: DirectMessage): Promise<void>;
  /** A coach note answering the member's message where they wrote it. */
  explain(message: { channelId: string; messageId: string; threadId?: string | null }, text: string): Promise<void>;
  /** A link to a posted message, when the platform has one (Slack: chat.getPermalink). */
  link(place: MessagePlace & { workspaceId: string }): Promise<string | null>;
  /** Optional capabilities: absent where the platform (or its configuration) cannot. */
  deleteMessage?(place: MessagePlace): Promise<void>;
  timeout?(workspaceId: string, userId: string, untilMs: number | null, reason: string): Promise<void>;
}

/** A form asking for one paragraph (a dismiss reason, an appeal). */
export interface TextForm {
  /** The custom id its submission comes back with. */
  id: string;
  title: string;
  label: string;
}

/**
 * One click or submission, as the flow answers it. Each platform keeps its own deadline promise
 * (Discord: one callback within 3 s; Slack: ack() already sent) behind these.
 */
export interface ReviewInteraction {
  userId: string;
  /** The card the press came from, when it came from one. */
  card: MessagePlace | null;
  actor(settings: WorkspaceSettings): Promise<Actor>;
  /** Says "working on it" before slow work: `update` leaves the card as it is for now. */
  defer(kind: 'update' | 'reply'): Promise<void>;
  /** A private answer to the person who acted. Neutral text. */
  ephemeral(text: string): Promise<void>;
  askText(form: TextForm): Promise<void>;
  /**
   * Optional: redraws the card the press came from through the interaction itself (Discord edits
   * the deferred message); without it the flow edits the card through the surface.
   */
  updateCard?(card: CaseCardModel): Promise<void>;
}
