import type { OptionSpec } from '../../commands/options.js';
import type { WorkspaceSettings } from '../../src/policy/settings.js';
import { html, type Html } from '../html.js';
import { channelOptions, workspaceOptions } from '../settings-form.js';
import { page, wsPath, type PageContext } from './layout.js';

export interface SettingsView {
  settings: WorkspaceSettings;
  channels: Array<{ id: string; name: string }>;
  flash: { kind: 'ok' | 'problem'; lines: string[] } | null;
}

const DAY_MS = 86_400_000;

export function settingsPage(ctx: PageContext, v: SettingsView): string {
  const action = wsPath(ctx.workspace, 'settings');
  const modeSpec = channelOptions(ctx.workspace.platform).find((o) => o.name === 'mode');
  const csrf = html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
  const rows = v.channels.map((ch) => {
    const current = v.settings.channels[ch.id];
    const id = `mode-${ch.id}`;
    return html`<tr><th scope="row">#${ch.name}</th><td colspan="3"><form method="post" action="${action}" class="inline">${csrf}<input type="hidden" name="channel" value="${ch.id}">
<label for="${id}" class="visually-hidden">Mode for #${ch.name}</label><select id="${id}" name="mode">${(modeSpec?.choices ?? []).map((m) => html`<option value="${m}"${(current?.mode ?? 'off') === m ? html` selected` : ''}>${m}</option>`)}</select>
<label for="u-${ch.id}" class="visually-hidden">Unclear verdicts to review in #${ch.name}</label><select id="u-${ch.id}" name="unclear_to_review"><option value="false"${current?.unclearToReview ? '' : html` selected`}>unclear: record only</option><option value="true"${current?.unclearToReview ? html` selected` : ''}>unclear: to review</option></select>
<label for="s-${ch.id}" class="visually-hidden">Minimum calibrated score (%) in #${ch.name}; 0 turns it off</label><input id="s-${ch.id}" name="min_score" type="number" min="0" max="99" inputmode="numeric" placeholder="min score %" value="${current?.minScore ? Math.round(current.minScore * 100) : ''}">
<button type="submit">Save #${ch.name}</button></form></td></tr>`;
  });
  const body = html`${v.flash ? html`<div class="notice ${v.flash.kind}" role="${v.flash.kind === 'problem' ? 'alert' : 'status'}">${v.flash.lines.map((l) => html`<p>${l}</p>`)}</div>` : ''}
<p>The same options and checks as <code>/ethics config</code>. Admins only.</p>
<section aria-labelledby="h-channels"><h2 id="h-channels">Channels</h2>
<table class="settings"><thead><tr><th scope="col">Channel</th><th scope="col" colspan="3">Mode, unclear verdicts and minimum score</th></tr></thead><tbody>${rows}
<tr><th scope="row"><label for="new-channel">Another channel (id)</label></th><td colspan="3"><form method="post" action="${action}" class="inline">${csrf}<input id="new-channel" name="channel" type="text" autocomplete="off" required placeholder="channel id">
<label for="new-mode" class="visually-hidden">Mode for that channel</label><select id="new-mode" name="mode">${(modeSpec?.choices ?? []).map((m) => html`<option value="${m}"${m === 'flag' ? html` selected` : ''}>${m}</option>`)}</select>
<button type="submit">Save channel</button></form></td></tr></tbody></table></section>
<section aria-labelledby="h-workspace"><h2 id="h-workspace">Workspace</h2>
<form method="post" action="${action}" class="stack">${csrf}${workspaceOptions(ctx.workspace.platform).map((o) => field(o, v))}<button type="submit" class="primary">Save workspace settings</button></form></section>
<section aria-labelledby="h-now"><h2 id="h-now">Now in force</h2><dl class="facts">
<dt>Review channel</dt><dd>${v.settings.reviewChannelId ? `#${name(v, v.settings.reviewChannelId)}` : 'not set'}</dd>
<dt>Thresholds</dt><dd>flag ≥ ${v.settings.thresholds.flag}; coach flags ≥ ${v.settings.thresholds.coachFlag}</dd>
<dt>Moderator roles or groups</dt><dd>${v.settings.moderatorRoleIds.join(', ') || 'none'}</dd>
<dt>Exempt roles</dt><dd>${v.settings.exemptRoleIds.join(', ') || 'none'}</dd>
<dt>Author notices</dt><dd>${v.settings.notifyAuthors ? 'on' : 'off'}; appeals time out after ${Math.round(v.settings.appealTtlMs / DAY_MS)} days</dd>
<dt>Flood digest</dt><dd>beyond ${v.settings.flood.maxCases} cases per ${Math.round(v.settings.flood.windowMs / 1000)} s</dd>
<dt>Blocked reporters</dt><dd>${v.settings.blockedReporterIds.join(', ') || 'none'}</dd>
</dl></section>`;
  return page('Settings', body, ctx, 'settings');
}

function name(v: SettingsView, id: string): string {
  return v.channels.find((c) => c.id === id)?.name ?? id;
}

/** One input per `/ethics config` option, by its kind; empty means "leave as it is". */
function field(o: OptionSpec, v: SettingsView): Html {
  const id = `opt-${o.name}`;
  const label = html`<label for="${id}">${o.name.replace(/_/g, ' ')}</label><span class="hint" id="${id}-hint">${o.description}</span>`;
  const described = html` aria-describedby="${id}-hint"`;
  let input: Html;
  if (o.kind === 'channel') {
    input = html`<select id="${id}" name="${o.name}"${described}><option value="">(unchanged)</option>${v.channels.map((c) => html`<option value="${c.id}">#${c.name}</option>`)}</select>`;
  } else if (o.kind === 'boolean') {
    input = html`<select id="${id}" name="${o.name}"${described}><option value="">(unchanged)</option><option value="true">on</option><option value="false">off</option></select>`;
  } else if (o.choices) {
    input = html`<select id="${id}" name="${o.name}"${described}><option value="">(unchanged)</option>${o.choices.map((c) => html`<option value="${c}">${c}</option>`)}</select>`;
  } else if (o.kind === 'integer') {
    input = html`<input id="${id}" name="${o.name}" type="number" inputmode="numeric" min="${o.minValue ?? ''}" max="${o.maxValue ?? ''}"${described}>`;
  } else {
    input = html`<input id="${id}" name="${o.name}" type="text" autocomplete="off" placeholder="${o.kind} id"${described}>`;
  }
  return html`<div class="field">${label}${input}</div>`;
}
