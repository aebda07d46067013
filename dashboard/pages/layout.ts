import type { Session, SessionWorkspace } from '../../src/store/session-repository.js';
import { html, type Html } from '../html.js';

export interface PageContext {
  session: Session;
  workspace: SessionWorkspace;
  csrf: string;
}

export type Section = 'queue' | 'stats' | 'settings' | 'audit' | 'export' | 'case';

const NAV: Array<{ id: Section; label: string; path: string; admin?: boolean }> = [
  { id: 'queue', label: 'Queue', path: 'queue' },
  { id: 'stats', label: 'Stats', path: 'stats' },
  { id: 'settings', label: 'Settings', path: 'settings', admin: true },
  { id: 'audit', label: 'Audit log', path: 'audit' },
  { id: 'export', label: 'Export', path: 'export' },
];

export function wsPath(workspace: SessionWorkspace, path: string): string {
  return `/w/${encodeURIComponent(workspace.id)}/${path}`;
}

/** The page shell: skip link, header with the workspace and navigation, main, sign-out. */
export function page(title: string, body: Html, ctx: PageContext | null, section?: Section): string {
  const nav = ctx
    ? html`<nav aria-label="Dashboard"><ul>${NAV.filter((n) => !n.admin || ctx.workspace.admin).map(
        (n) => html`<li><a href="${wsPath(ctx.workspace, n.path)}"${n.id === section ? html` aria-current="page"` : ''}>${n.label}</a></li>`,
      )}</ul></nav>`
    : '';
  const others = ctx && ctx.session.workspaces.length > 1 ? workspaceSwitcher(ctx) : '';
  const account = ctx
    ? html`<div class="account"><span>${ctx.session.name} · ${ctx.workspace.platform === 'discord' ? 'Discord' : 'Slack'}</span>
        <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${ctx.csrf}"><button type="submit" class="link">Sign out</button></form></div>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
${ctx ? html`<meta name="csrf-token" content="${ctx.csrf}">` : ''}
<title>${title} · normguard</title>
<link rel="stylesheet" href="/static/dashboard.css">
<script src="/static/dashboard.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<p class="brand"><a href="/">normguard</a>${ctx ? html` <span class="ws">${ctx.workspace.name}</span>` : ''}</p>
${nav}${others}${account}
</header>
<main id="main" tabindex="-1">
<h1>${title}</h1>
${body}
</main>
</body>
</html>`.text;
}

function workspaceSwitcher(ctx: PageContext): Html {
  return html`<details class="switch"><summary>Switch workspace</summary><ul>${ctx.session.workspaces.map(
    (w) => html`<li><a href="${wsPath(w, 'queue')}">${w.name} (${w.platform})</a></li>`,
  )}</ul></details>`;
}

/** A short page for refusals and errors, signed in or not. */
export function messagePage(title: string, text: string, ctx: PageContext | null = null, link?: { href: string; label: string }): string {
  return page(title, html`<p>${text}</p>${link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''}`, ctx);
}
