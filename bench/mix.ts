/**
 * The realistic message mix every benchmark replays: real Moral Stories actions (data/moral_stories_sample.jsonl)
 * as chat messages, among the ordinary lines a community channel is mostly made of. Deterministic
 * per seed, so two runs (and normguard and the naive bot within a run) see the same messages.
 */
import { buildFrame } from '../src/strategies/index.js';
import { auditFields } from '../src/moderation/situation.js';
import type { IncomingMessage } from '../src/moderation/index.js';
import { loadMoralStories, type MoralStory } from '../test/support/moral-stories.js';

export type MixKind =
  | 'greeting'
  | 'emoji'
  | 'link'
  | 'attachment'
  | 'bot-command'
  | 'bot'
  | 'question'
  | 'chat'
  | 'spam'
  | 'moral'
  | 'immoral';

/**
 * Share of each kind in the mix (sums to 1). Roughly half of what a busy community channel
 * carries never needs a model: one-word reactions, emoji, links, uploads, other bots and their
 * commands. The rest is real speech; the 16% of Moral Stories actions (half of them immoral)
 * make this a far more contentious channel than most, on purpose: flags are what cost prose.
 */
export const MIX_PROPORTIONS: Readonly<Record<MixKind, number>> = {
  greeting: 0.18, // "gm", "lol", "ty!": under the prefilter's letter floor
  emoji: 0.08, // "😂😂", ":pepe:"
  link: 0.07, // a bare URL, maybe with a mention
  attachment: 0.04, // an upload without text
  'bot-command': 0.05, // "!play …", "/roll 2d6"
  bot: 0.06, // other bots and webhooks (music bots, feeds)
  question: 0.12, // ordinary questions, unique
  chat: 0.12, // ordinary statements, unique
  spam: 0.12, // a handful of lines pasted again and again by a few accounts (one of them abusive)
  moral: 0.08, // a story's moral action
  immoral: 0.08, // a story's immoral action
};

export interface MixMessage {
  kind: MixKind;
  message: IncomingMessage;
}

export interface MixOptions {
  /** How many messages. */
  size: number;
  seed?: number;
  /** Channels the messages are spread over (all in one workspace unless `workspaces` says so). */
  channels?: number;
  workspaces?: number;
  /** Use each story action at most once per `size` messages; later cycles vary the text (see `vary`). */
  stories?: readonly MoralStory[];
  /** First message id number, so two mixes in one store never share ids. */
  firstId?: number;
  /** createdAt of the first message; later ones follow a second apart. */
  startAt?: number;
}

export const MEMBERS = [
  'ada', 'bram', 'chloe', 'dmitri', 'elif', 'femi', 'greta', 'hiro', 'ines', 'jonas', 'kofi', 'lena', 'mateo', 'nadia',
  'oskar', 'priya', 'quentin', 'rosa', 'sami', 'tove', 'uma', 'viktor', 'wen', 'ximena', 'yusuf', 'zoe', 'alba', 'bodhi',
  'cyrus', 'dara', 'emeka', 'fleur', 'gael', 'hana', 'ivo', 'jun', 'kira', 'luca', 'mira', 'noor',
] as const;
const SPAMMERS = ['giveaway_bot99', 'stream_promo', 'cheapgold_store', 'raid_account1', 'raid_account2', 'raid_account3'] as const;

const GREETINGS = ['gm', 'gn all', 'lol', 'lmao', 'ty!', 'thanks!', 'nice one', 'same', 'hi all', 'brb', 'ok', 'true', 'gg', 'yep', 'nope', 'welcome!', 'hahaha', 'omg'];
const EMOJI = ['😂😂', '🎉', '👍', '🔥🔥🔥', ':pepe:', '<:kekw:112233445566>', '❤️', '😭', '👀', ':tada: :tada:'];
const LINKS = [
  'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
  'https://github.com/ollama/ollama/releases',
  'https://imgur.com/gallery/a1b2c3',
  '<@123456789012345678> https://tenor.com/view/cat-dance-gif-12345',
  'www.example.org/patch-notes',
];
const BOT_COMMANDS = ['!play lofi hip hop radio', '/roll 2d6', '!rank', '?help music', '!skip', '.weather berlin', '$price btc', '!queue'];
const BOT_POSTS = [
  'Now playing: lofi hip hop radio - beats to relax/study to, requested by someone',
  'New video from a channel you follow: patch notes explained in ten minutes',
  'Reminder: the weekly community game night starts in one hour in the voice channel',
];

const Q_START = ['Has anyone', 'Did anyone', 'Does anybody here', 'Has somebody', 'Anyone'];
const Q_VERB = ['tried', 'finished', 'seen', 'played', 'read', 'watched', 'figured out', 'looked at'];
const Q_OBJECT = [
  'the new raid', 'the patch notes', 'the latest update', 'the spring event', 'the new map', 'the ranked changes',
  'the art contest entries', 'the new crafting system', 'the soundtrack release', 'the dev stream', 'the speedrun',
  'the beginner guide', 'the modding tools', 'the tournament bracket', 'the server rules update',
];
const Q_TIME = ['yet', 'today', 'this week', 'tonight', 'since Monday', 'over the weekend'];

const S_START = ['Just got back from', 'Finally finished', 'Spent the whole evening on', 'Really enjoyed', 'Still working through'];
const S_OBJECT = [
  'the gym', 'work', 'my exams', 'the garden', 'a long hike', 'the new book club pick', 'a pottery class', 'my first marathon',
  'the museum trip', 'a road trip with friends', 'the cooking stream', 'a group project', 'my sister’s wedding',
];
const S_TAIL = ['what did I miss here?', 'anyone up for a game later?', 'feeling great about it.', 'so tired now.', 'would recommend it.', 'pics soon.'];

/** Pasted again and again (different accounts, channels and context each time). */
export const SPAM_LINES = [
  'FREE NITRO for everyone who joins my server today, link in my bio!!!',
  'Check out my stream tonight, giant giveaway, follow and share with everyone',
  'Anyone want cheap gold? DM me for the best prices in the whole game',
  'You are all idiots and this server is trash, come to mine instead',
] as const;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

/** Cumulative proportions, in a fixed order, for sampling a kind. */
const KINDS = Object.keys(MIX_PROPORTIONS) as MixKind[];
function kindSampler(random: () => number): () => MixKind {
  const cumulative: Array<[number, MixKind]> = [];
  let sum = 0;
  for (const kind of KINDS) {
    sum += MIX_PROPORTIONS[kind];
    cumulative.push([sum, kind]);
  }
  return () => {
    const x = random() * sum;
    return cumulative.find(([edge]) => x < edge)?.[1] ?? 'chat';
  };
}

/**
 * Makes a line unique after the pool of its kind has been used once (a long run has more messages
 * than the sample has stories): real speech rarely repeats word for word, so only spam should.
 */
function vary(text: string, cycle: number): string {
  return cycle === 0 ? text : `${text} (${cycle})`;
}

export function buildMix(options: MixOptions): MixMessage[] {
  return [...mixStream(options)];
}

/** The same messages as `buildMix`, one at a time: a long run need not hold them all in memory. */
export function* mixStream(options: MixOptions): Generator<MixMessage> {
  const random = rng(options.seed ?? 42);
  const nextKind = kindSampler(random);
  const channels = options.channels ?? 8;
  const workspaces = options.workspaces ?? 1;
  const stories = options.stories ?? loadMoralStories();
  const startAt = options.startAt ?? Date.UTC(2026, 0, 1);
  const firstId = options.firstId ?? 1;
  let moralAt = 0;
  let immoralAt = 0;
  let questionAt = 0;
  let chatAt = 0;
  const questions = Q_START.length * Q_VERB.length * Q_OBJECT.length * Q_TIME.length;
  const statements = S_START.length * S_OBJECT.length * S_TAIL.length;
  for (let i = 0; i < options.size; i++) {
    const kind = nextKind();
    const id = firstId + i;
    const channel = Math.floor(random() * channels);
    const workspace = channel % workspaces;
    let author: IncomingMessage['author'] = member(pick(random, MEMBERS));
    let text = '';
    let attachments = 0;
    switch (kind) {
      case 'greeting':
        text = pick(random, GREETINGS);
        break;
      case 'emoji':
        text = pick(random, EMOJI);
        break;
      case 'link':
        text = pick(random, LINKS);
        break;
      case 'attachment':
        attachments = 1;
        break;
      case 'bot-command':
        text = pick(random, BOT_COMMANDS);
        break;
      case 'bot':
        text = pick(random, BOT_POSTS);
        author = { ...member(random() < 0.5 ? 'MusicBot' : 'FeedHook'), isBot: true, isWebhook: random() >= 0.5 };
        break;
      case 'question': {
        const n = questionAt++;
        const k = (n * 7919) % questions; // a stride that visits every combination once per cycle
        text = vary(
          `${Q_START[k % Q_START.length]} ${Q_VERB[Math.floor(k / Q_START.length) % Q_VERB.length]} ${
            Q_OBJECT[Math.floor(k / (Q_START.length * Q_VERB.length)) % Q_OBJECT.length]
          } ${Q_TIME[Math.floor(k / (Q_START.length * Q_VERB.length * Q_OBJECT.length)) % Q_TIME.length]}?`,
          Math.floor(n / questions),
        );
        break;
      }
      case 'chat': {
        const n = chatAt++;
        const k = (n * 211) % statements;
        text = vary(
          `${S_START[k % S_START.length]} ${S_OBJECT[Math.floor(k / S_START.length) % S_OBJECT.length]}, ${
            S_TAIL[Math.floor(k / (S_START.length * S_OBJECT.length)) % S_TAIL.length]
          }`,
          Math.floor(n / statements),
        );
        break;
      }
      case 'spam': {
        const line = Math.floor(random() * SPAM_LINES.length);
        text = SPAM_LINES[line] as string;
        // The raid line comes from the three raid accounts, each other line from its own spammer.
        author = member(line === 3 ? (SPAMMERS[3 + Math.floor(random() * 3)] as string) : (SPAMMERS[line] as string));
        break;
      }
      case 'moral': {
        const n = moralAt++;
        text = vary((stories[n % stories.length] as MoralStory).moral_action, Math.floor(n / stories.length));
        break;
      }
      case 'immoral': {
        const n = immoralAt++;
        text = vary((stories[n % stories.length] as MoralStory).immoral_action, Math.floor(n / stories.length));
        break;
      }
    }
    yield {
      kind,
      message: {
        platform: 'discord',
        workspaceId: `g${workspace}`,
        channelId: `c${channel}`,
        messageId: `m${id}`,
        author,
        text,
        createdAt: startAt + i * 1000,
        replyTo: null,
        attachments,
        url: null,
      },
    };
  }
}

function member(name: string): IncomingMessage['author'] {
  return { id: `u-${name}`, name, isBot: false, isWebhook: false, roleIds: [], isNew: false };
}

/** The workspaces and channels a mix with these options may use, for switching monitoring on. */
export function mixChannels(options: Pick<MixOptions, 'channels' | 'workspaces'>): Map<string, Set<string>> {
  const channels = options.channels ?? 8;
  const workspaces = options.workspaces ?? 1;
  const byWorkspace = new Map<string, Set<string>>();
  for (let c = 0; c < channels; c++) {
    const workspaceId = `g${c % workspaces}`;
    const set = byWorkspace.get(workspaceId) ?? new Set<string>();
    set.add(`c${c}`);
    byWorkspace.set(workspaceId, set);
  }
  return byWorkspace;
}

/**
 * The simulator's answer key. Its judge keys on the S3 action exactly as the bot sends it
 * ("{author} writes: {text}", sanitised), so the key is built with the product's own
 * auditFields and frame builder: each story's moral action is permissible, its immoral one not.
 * Every other line is judged by the simulator's keyword families, the same for both bots.
 */
export function answerKey(mix: readonly MixMessage[]): Array<{ action: string; label: 'permissible' | 'impermissible' }> {
  const key = new Map<string, 'permissible' | 'impermissible'>();
  for (const { kind, message } of mix) {
    if (kind !== 'moral' && kind !== 'immoral') continue;
    const fields = auditFields({ authorName: message.author.name, text: message.text }, []);
    const action = buildFrame('permissibility', fields).fields.action ?? '';
    key.set(action, kind === 'moral' ? 'permissible' : 'impermissible');
  }
  return [...key].map(([action, label]) => ({ action, label }));
}

/** Counts by kind, for the report. */
export function kindCounts(mix: readonly MixMessage[]): Record<MixKind, number> {
  const counts = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<MixKind, number>;
  for (const { kind } of mix) counts[kind]++;
  return counts;
}

/**
 * What a moderator should see flagged: a story's immoral action, and the abusive line the raid
 * accounts paste. Everything else — greetings, questions, chat, moral actions, advertising spam —
 * is permissible (spam is the prefilter's and rate limits' business, not a moral verdict's).
 */
export function truthOf(m: MixMessage): 'permissible' | 'impermissible' {
  if (m.kind === 'immoral') return 'impermissible';
  if (m.kind === 'spam' && m.message.text === SPAM_LINES[3]) return 'impermissible';
  return 'permissible';
}
