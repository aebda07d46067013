import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inferThinkingTags, modelfileTemplate, parseGoTemplate } from '../support/go-template.js';

const MODELFILE = readFileSync(new URL('../../ollama/Modelfile', import.meta.url), 'utf8');
const tagsOf = (template: string) => inferThinkingTags(parseGoTemplate(template));

describe('the thinking rule, as Ollama applies it (thinking/template.go InferTags)', () => {
  it('finds the tags around a .Thinking field inside range .Messages', () => {
    expect(tagsOf('{{ range .Messages }}{{ if .Thinking }}<think>{{ .Thinking }}</think>{{ end }}{{ .Content }}{{ end }}')).toEqual({
      opening: '<think>',
      closing: '</think>',
    });
    expect(tagsOf('{{- range $i, $_ := .Messages }}{{ if .Thinking }}\n<think>\n{{ .Thinking }}\n</think>\n{{- end }}{{ end }}')).toEqual({
      opening: '<think>',
      closing: '</think>',
    });
  });

  it('does not match a variable ($m.Thinking), a range over anything but the .Messages field, or text that is not at both ends', () => {
    const none = { opening: '', closing: '' };
    expect(tagsOf('{{ range $i, $m := .Messages }}{{ if $m.Thinking }}<think>{{ $m.Thinking }}</think>{{ end }}{{ end }}')).toEqual(none);
    expect(tagsOf('{{ range $i, $m := $.Messages }}{{ if .Thinking }}<think>{{ .Thinking }}</think>{{ end }}{{ end }}')).toEqual(none);
    expect(tagsOf('{{ if .Thinking }}<think>{{ .Thinking }}</think>{{ end }}')).toEqual(none);
    expect(tagsOf('{{ range .Tools }}{{ if .Thinking }}<think>{{ .Thinking }}</think>{{ end }}{{ end }}')).toEqual(none);
    expect(tagsOf('{{ range .Messages }}{{ if .Thinking }}<think>{{ .Thinking }}{{ end }}{{ end }}').closing).toBe('');
  });

  it('reads trim markers, else-if chains, comments and braces inside strings', () => {
    const t = '{{/* a comment {{ */}}{{- range .Messages -}}\n  {{ if eq .Role "}}" }}x{{ else if .Thinking }}  <t>\n{{ .Thinking }}</t>  {{ else }}y{{ end }}{{ end }}';
    expect(tagsOf(t)).toEqual({ opening: '<t>', closing: '</t>' });
  });
});

describe('ollama/Modelfile', () => {
  const template = modelfileTemplate(MODELFILE);

  it('declares thinking the way Ollama detects it: a .Thinking field inside range .Messages between <think> and </think>', () => {
    expect(tagsOf(template)).toEqual({ opening: '<think>', closing: '</think>' });
  });

  it('turns thinking off as Qwen3 does: an empty think block pre-filled when the request set think false', () => {
    expect(template).toMatch(/if and \$\.IsThinkSet \(not \$\.Think\)[^}]*}}\s*<think>\s*<\/think>/);
  });

  it('carries the model card sampling and the context the frames fit in', () => {
    expect(MODELFILE).toMatch(/^PARAMETER temperature 0\.2$/m);
    expect(MODELFILE).toMatch(/^PARAMETER top_p 0\.9$/m);
    expect(MODELFILE).toMatch(/^PARAMETER repeat_penalty 1\.1$/m);
    expect(MODELFILE).toMatch(/^PARAMETER num_ctx 4096$/m);
  });
});
