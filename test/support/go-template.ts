/**
 * Just enough of Go's text/template parser to see a template's structure the way Ollama does:
 * text, actions and the if / range / with / else / end blocks, with the `{{-` / `-}}` trim markers,
 * and for each pipeline the FIELD references (`.Thinking`) apart from variable ones
 * (`$m.Thinking`, `$.Messages`), because Ollama's rule tells them apart.
 */
export interface Pipe {
  /** Idents of each field node, e.g. `.Thinking` → ['Thinking'], `.A.B` → ['A', 'B']. */
  fields: string[][];
}
export type GoNode =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipe }
  | { kind: 'if' | 'range' | 'with'; pipe: Pipe; list: GoList; elseList?: GoList };
export interface GoList {
  kind: 'list';
  nodes: GoNode[];
}

interface Item {
  type: 'text' | 'action';
  value: string;
}

/** Splits a template into text and action items, applying the trim markers as Go's lexer does. */
function lex(src: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let trimNext = false;
  while (pos < src.length) {
    const open = src.indexOf('{{', pos);
    let text = src.slice(pos, open === -1 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open === -1) {
      if (text) items.push({ type: 'text', value: text });
      break;
    }
    let start = open + 2;
    if (/^-\s/.test(src.slice(start, start + 2))) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) items.push({ type: 'text', value: text });
    const close = findClose(src, start);
    let inner = src.slice(start, close);
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      trimNext = true;
    }
    inner = inner.trim();
    if (!(inner.startsWith('/*') && inner.endsWith('*/'))) items.push({ type: 'action', value: inner });
    pos = close + 2;
  }
  return items;
}

/** The `}}` closing an action, skipping quoted strings and comments (which may contain braces). */
function findClose(src: string, from: number): number {
  let i = from;
  while (i < src.length) {
    const c = src[i];
    if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (end === -1) break;
      i = end + 2;
    } else if (c === '"' || c === "'" || c === '`') {
      i += 1;
      while (i < src.length && src[i] !== c) i += c !== '`' && src[i] === '\\' ? 2 : 1;
      i += 1;
    } else if (src.startsWith('}}', i)) {
      return i;
    } else {
      i += 1;
    }
  }
  throw new Error(`unclosed action at offset ${from}`);
}

/** Field nodes in a pipeline: `.Name` not preceded by an identifier, `$`, `)` or `]` (those are chains). */
function parsePipe(text: string): Pipe {
  const code = text.replace(/"(?:\\.|[^"\\])*"|`[^`]*`|'(?:\\.|[^'\\])*'/g, '""');
  const fields: string[][] = [];
  for (const m of code.matchAll(/(^|[^\w$)\].])((?:\.[A-Za-z_]\w*)+)/g)) {
    fields.push(m[2]!.slice(1).split('.'));
  }
  return { fields };
}

const BLOCK = /^(if|range|with)\b\s*([\s\S]*)$/;

export function parseGoTemplate(src: string): GoList {
  const items = lex(src);
  let i = 0;

  /** Parses nodes up to an `else…` or `end` action, which it returns (undefined at the end of input). */
  function parseList(): { list: GoList; stop: string | undefined } {
    const nodes: GoNode[] = [];
    while (i < items.length) {
      const item = items[i++]!;
      if (item.type === 'text') {
        nodes.push({ kind: 'text', text: item.value });
        continue;
      }
      if (item.value === 'end' || /^else\b/.test(item.value)) return { list: { kind: 'list', nodes }, stop: item.value };
      const block = BLOCK.exec(item.value);
      if (block) nodes.push(parseBranch(block[1] as 'if' | 'range' | 'with', block[2]!));
      else if (/^(define|block|template)\b/.test(item.value)) throw new Error(`unsupported action {{${item.value}}}`);
      else nodes.push({ kind: 'action', pipe: parsePipe(item.value) });
    }
    return { list: { kind: 'list', nodes }, stop: undefined };
  }

  function parseBranch(kind: 'if' | 'range' | 'with', pipeText: string): GoNode {
    const { list, stop } = parseList();
    const node: GoNode = { kind, pipe: parsePipe(pipeText), list };
    if (stop === undefined) throw new Error(`{{${kind}}} without {{end}}`);
    if (stop === 'end') return node;
    const chained = /^else\s+(if|with)\b\s*([\s\S]*)$/.exec(stop);
    if (chained) {
      // `{{else if x}}` is an else branch holding one nested if, closed by the same {{end}}.
      node.elseList = { kind: 'list', nodes: [parseBranch(chained[1] as 'if' | 'with', chained[2]!)] };
      return node;
    }
    const rest = parseList();
    if (rest.stop !== 'end') throw new Error(`{{else}} of {{${kind}}} without {{end}}`);
    node.elseList = rest.list;
    return node;
  }

  const { list, stop } = parseList();
  if (stop !== undefined) throw new Error(`unexpected {{${stop}}}`);
  return list;
}

type Ancestor = GoList | GoNode;
type Branch = Extract<GoNode, { list: GoList }>;

/**
 * Ollama's rule for a template's thinking tags (thinking/template.go, InferTags): find a
 * `.Thinking` FIELD whose nearest enclosing `range` iterates over the `.Messages` field; the
 * nearest list around it must begin and end with text, which (trimmed) are the opening and
 * closing tags. The last match wins. Ollama lists the "thinking" capability only when both tags
 * are non-empty (server/images.go, goTemplateCapabilities).
 */
export function inferThinkingTags(root: GoList): { opening: string; closing: string } {
  let opening = '';
  let closing = '';
  const ancestors: Ancestor[] = [];

  const onField = (ident: string[]) => {
    if (ident[0] !== 'Thinking') return;
    const range = [...ancestors].reverse().find((a): a is Branch => a.kind === 'range');
    if (!range || !range.pipe.fields.some((f) => f[0] === 'Messages')) return;
    const list = [...ancestors].reverse().find((a): a is GoList => a.kind === 'list');
    if (!list) return;
    const first = list.nodes[0];
    const last = list.nodes[list.nodes.length - 1];
    if (first?.kind === 'text') opening = first.text.trim();
    if (last?.kind === 'text') closing = last.text.trim();
  };

  const visit = (node: Ancestor) => {
    ancestors.push(node);
    if (node.kind === 'list') node.nodes.forEach(visit);
    else if (node.kind === 'action') node.pipe.fields.forEach(onField);
    else if (node.kind !== 'text') {
      node.pipe.fields.forEach(onField);
      visit(node.list);
      if (node.elseList) visit(node.elseList);
    }
    ancestors.pop();
  };
  visit(root);
  return { opening, closing };
}

/** The TEMPLATE """…""" of an Ollama Modelfile. */
export function modelfileTemplate(modelfile: string): string {
  const m = /^TEMPLATE\s+"""([\s\S]*?)"""/m.exec(modelfile);
  if (!m) throw new Error('the Modelfile has no TEMPLATE """…"""');
  return m[1]!;
}
