import type { App } from '../src/app.js';
import { AuditRepository } from '../src/store/audit-repository.js';
import { newSecret, SessionRepository } from '../src/store/session-repository.js';
import type { DashboardDeps } from './context.js';
import { lifecycleDecisions } from './decisions.js';
import { CaseFeed } from './live.js';
import { dashboardPlugin } from './plugin.js';
import { discordSignIn } from './platforms/discord.js';
import { slackSignIn } from './platforms/slack.js';
import type { SignInOptions, SignInProvider } from './platforms/types.js';

const SECRET_KEY = 'dash-secret';
/** Cases each live feed compares per tick: a new or changed case is always among a workspace's newest. */
const FEED_WINDOW = 200;

/**
 * The web dashboard, when NORMGUARD_PUBLIC_URL is set: sign-in with the configured platforms,
 * sessions and the audit log in the store, decisions through the running adapters' reviewers.
 */
export async function startDashboard(core: App) {
  const { config, store, moderation, clock } = core;
  const publicUrl = config.NORMGUARD_PUBLIC_URL?.replace(/\/+$/, '');
  if (!publicUrl) return null;
  const providers: SignInProvider[] = [];
  const settings = store.repos.settings;
  const now = () => clock.now();
  // The same OAuth app, bot access and settings for each platform; a platform is offered only when all are configured.
  const signIn = (platform: 'discord' | 'slack', clientId: string | undefined, clientSecret: string | undefined, botToken: string | undefined, apiUrl: string): SignInOptions | null =>
    clientId && clientSecret && botToken ? { clientId, clientSecret, botToken, apiUrl, redirectUri: `${publicUrl}/auth/${platform}/callback`, settings, now } : null;
  const discord = signIn('discord', config.DISCORD_CLIENT_ID, config.DISCORD_CLIENT_SECRET, config.DISCORD_TOKEN, config.DISCORD_API_URL ?? 'https://discord.com/api');
  const slack = signIn('slack', config.SLACK_CLIENT_ID, config.SLACK_CLIENT_SECRET, config.SLACK_BOT_TOKEN, config.SLACK_API_URL ?? 'https://slack.com/api/');
  if (discord) providers.push(discordSignIn(discord));
  if (slack) providers.push(slackSignIn(slack));
  // One secret per deployment, kept in the store: every process and every restart signs alike.
  await store.kv.setIfNotExists(SECRET_KEY, newSecret());
  const secret = (await store.kv.get<string>(SECRET_KEY)) as string;
  const logger = core.logger.child({ component: 'dashboard' });
  const feed = new CaseFeed((ws) => store.repos.cases.listByWorkspace(ws, { limit: FEED_WINDOW }), 1000, (err) => logger.warn({ err }, 'live feed could not read cases'));
  const deps: DashboardDeps = {
    publicUrl,
    providers,
    sessions: new SessionRepository(store.kv, clock, config.NORMGUARD_SESSION_HOURS * 3_600_000),
    audit: new AuditRepository(store.kv, clock),
    cases: store.repos.cases,
    settings,
    activity: moderation.activity,
    decisions: lifecycleDecisions(moderation.cases, moderation.reviewers),
    feed,
    clock,
    logger,
    secret,
    sessionTtlMs: config.NORMGUARD_SESSION_HOURS * 3_600_000,
  };
  logger.info({ publicUrl, signIn: providers.map((p) => p.platform) }, 'web dashboard enabled');
  return { plugin: dashboardPlugin(deps), trustProxy: 'loopback', close: async () => feed.close() };
}
