import { html } from '../html.js';
import { page } from './layout.js';

export interface LoginOptions {
  providers: Array<{ platform: 'discord' | 'slack'; label: string }>;
  returnTo: string | null;
  error: string | null;
}

/** Failures shown on the sign-in page, by code: the query never carries text to display. */
export const LOGIN_ERRORS: Record<string, string> = {
  state: 'The sign-in took too long or was started elsewhere. Please try again.',
  denied: 'The sign-in was cancelled.',
  failed: 'The platform did not confirm who you are. Please try again.',
  expired: 'Your session has ended. Please sign in again.',
};

export function loginPage(o: LoginOptions): string {
  const query = o.returnTo ? `?return_to=${encodeURIComponent(o.returnTo)}` : '';
  const message = o.error ? LOGIN_ERRORS[o.error] : undefined;
  return page(
    'Sign in',
    html`${message ? html`<p class="notice" role="alert">${message}</p>` : ''}
<p>Moderators and admins of a Discord server or Slack workspace where normguard runs can review cases here.</p>
<ul class="signin">${o.providers.map((p) => html`<li><a class="button" href="/auth/${p.platform}${query}">${p.label}</a></li>`)}</ul>`,
    null,
  );
}
