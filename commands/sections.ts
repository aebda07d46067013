export interface Section {
  /** A heading the model gave (e.g. "Risk"), or null for plain paragraphs. */
  title: string | null;
  body: string;
}

// "**Risk:** …", "Risk: …", "### Risk", "1. Risk - …": the shapes a small model uses for headings.
const HEADING = /^\s*(?:#{1,6}\s*|\d+[.)]\s*)?(?:\*\*|__)?([A-Z][A-Za-z '’/-]{1,40}?)(?:\*\*|__)?\s*(?::|：|\s-\s|\s—\s)(?:\*\*|__)?\s*(.*)$/;
const MD_HEADING = /^\s*#{1,6}\s+(.+?)\s*#*\s*$/;

/**
 * Splits the model's prose into its sections (S3: risk, boundary, course correction; S1:
 * approach, hazards, justification) so a reply can show them apart. Unstructured prose stays
 * whole paragraphs. Never loses text: titles and bodies together hold every word.
 */
export function splitSections(prose: string): Section[] {
  const sections: Section[] = [];
  let current: Section | null = null;
  const flush = () => {
    if (current && current.body.trim().length > 0) sections.push({ title: current.title, body: current.body.trim() });
    current = null;
  };
  for (const line of prose.replace(/\r\n?/g, '\n').split('\n')) {
    const md = MD_HEADING.exec(line);
    const heading = md ? null : HEADING.exec(line);
    if (md) {
      flush();
      current = { title: clean(md[1] ?? ''), body: '' };
    } else if (heading && (heading[1] ?? '').split(' ').length <= 4) {
      flush();
      current = { title: clean(heading[1] ?? ''), body: heading[2] ?? '' };
    } else if (line.trim() === '') {
      if (current && current.title === null) flush();
      else if (current) current.body += '\n';
    } else {
      current ??= { title: null, body: '' };
      current.body += current.body.length > 0 && !current.body.endsWith('\n') ? `\n${line}` : line;
    }
  }
  flush();
  return sections;
}

function clean(title: string): string {
  return title.replace(/[*_#]+/g, '').trim();
}
