/**
 * Removes Qwen3 thinking that leaked into `content` (a GGUF imported with a generic template
 * can emit it even with thinking off): whole blocks, an unterminated block cut by max tokens,
 * and a stray leading `…</think>` whose opening tag the template swallowed.
 */
export function stripThinking(content: string): string {
  let text = content.replace(/<think>[\s\S]*?<\/think>/gi, '');
  const open = text.search(/<think>/i);
  if (open >= 0) text = text.slice(0, open);
  const strayClose = text.search(/<\/think>/i);
  if (strayClose >= 0) text = text.slice(strayClose + '</think>'.length);
  return text.trim();
}

/**
 * The part of an answer still arriving that a reader may see: thinking removed as above, and a
 * tag cut off mid-way (`<thi`) held back until it is whole.
 */
export function visibleSoFar(partial: string): string {
  const lastOpen = partial.lastIndexOf('<');
  const tail = partial.slice(lastOpen).toLowerCase();
  const cut = lastOpen >= 0 && tail.length < '</think>'.length && ('<think>'.startsWith(tail) || '</think>'.startsWith(tail));
  return stripThinking(cut ? partial.slice(0, lastOpen) : partial);
}
