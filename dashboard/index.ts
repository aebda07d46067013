import type { App } from '../src/app.js';
import { AuditRepository } from '../src/store/audit-repository.js';
import { newSecret, SessionRepository } from '../src/store/session-repository.js';
import type { DashboardDeps } from './context.js';
import { lifecycleDecisions } from './decisions.js';
import { CaseFeed } from './live.js';
import { dashboardPlugin } from './plugin.js';
import { discordSignIn } from './platforms/discord.js';
import { slackSignIn } from './platforms/slack.js';
import type { SignInProvider } from './platforms/types.js';

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
  if (config.DISCORD_CLIENT_ID && config.DISCORD_CLIENT_SECRET && config.DISCORD_TOKEN) {
    providers.push(
      discordSignIn({
        clientId: config.DISCORD_CLIENT_ID,
        clientSecret: config.DISCORD_CLIENT_SECRET,
        redirectUri: `${publicUrl}/auth/discord/callback`,
        botToken: config.DISCORD_TOKEN,
        apiUrl: config.DISCORD_API_URL ?? 'https://discord.com/api',
        settings,
        now,
      }),
    );
  }
  if (config.SLACK_CLIENT_ID && config.SLACK_CLIENT_SECRET && config.SLACK_BOT_TOKEN) {
    providers.push(
      slackSignIn({
        clientId: config.SLACK_CLIENT_ID,
        clientSecret: config.SLACK_CLIENT_SECRET,
        redirectUri: `${publicUrl}/auth/slack/callback`,
        botToken: config.SLACK_BOT_TOKEN,
        apiUrl: config.SLACK_API_URL ?? 'https://slack.com/api/',
        settings,
        now,
      }),
    );
  }
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
