#!/usr/bin/env node
// Writes docs/configuration.md's generated part from .env.example (the file a test checks
// against src/config.ts's schema), so the reference cannot drift from the code:
//   node scripts/config-reference.mjs          # rewrites the block between the markers
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BEGIN = '<!-- config:begin (generated from .env.example by `node scripts/config-reference.mjs`; do not edit by hand) -->';
const END = '<!-- config:end -->';

/** Sections of .env.example (`# --- Title ---`), each with its variables, defaults and comments. */
export function parseEnvExample(text) {
  const sections = [];
  let comment = [];
  let pending = [];
  for (const line of text.split('\n')) {
    const heading = /^# -{3} (.+?) -+\s*$/.exec(line);
    if (heading) {
      sections.push({ title: heading[1], vars: [] });
      comment = [];
      continue;
    }
    if (line.startsWith('#')) {
      if (pending.length > 0) pending = [];
      comment.push(line.replace(/^#\s?/, ''));
      continue;
    }
    const variable = /^([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
    if (variable && sections.length > 0) {
      // Consecutive variables under one comment share it.
      const meaning = comment.length > 0 ? comment.join(' ') : (pending[0]?.meaning ?? '');
      const entry = { name: variable[1], value: variable[2], meaning };
      sections[sections.length - 1].vars.push(entry);
      pending.push(entry);
      comment = [];
      continue;
    }
    comment = [];
    pending = [];
  }
  return sections;
}

const cell = (s) => s.replace(/\|/g, '\\|');

export function renderReference(sections) {
  const out = [BEGIN];
  for (const section of sections) {
    out.push('', `### ${section.title}`, '', '| variable | default | meaning |', '|---|---|---|');
    for (const v of section.vars) out.push(`| \`${v.name}\` | ${v.value === '' ? '—' : `\`${cell(v.value)}\``} | ${cell(v.meaning)} |`);
  }
  out.push('', END);
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const doc = join(root, 'docs', 'configuration.md');
  const text = readFileSync(doc, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start === -1 || end === -1) {
    process.stderr.write(`config-reference: docs/configuration.md has no generated block (${BEGIN} … ${END})\n`);
    process.exit(1);
  }
  const block = renderReference(parseEnvExample(readFileSync(join(root, '.env.example'), 'utf8')));
  writeFileSync(doc, `${text.slice(0, start)}${block}${text.slice(end + END.length)}`);
  process.stdout.write('config-reference: docs/configuration.md updated\n');
}
