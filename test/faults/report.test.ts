import { describe, expect, it } from 'vitest';
import { BEGIN, END, markdownTable, readmeBlock } from './report.js';

describe('faults:report', () => {
  it('turns recorded rows into one Markdown table, areas in reading order, cells escaped, with the totals', () => {
    const table = markdownTable({
      rows: [
        { area: 'Logs', fault: 'secrets', observed: '0 found' },
        { area: 'CLI', fault: 'hangs', observed: 'exit 3: "a | b"' },
        { area: 'CLI', fault: 'HTTP 500\nonce', observed: 'exit 0 <think> & <!channel>' },
      ],
      totals: { faultsInjected: 3, casesLost: 0 },
    });
    expect(table.split('\n').slice(0, 5)).toEqual([
      '| where | fault or attack | what users and operators get |',
      '|---|---|---|',
      '| CLI | hangs | exit 3: "a \\| b" |',
      '| CLI | HTTP 500 once | exit 0 &lt;think&gt; &amp; &lt;!channel&gt; |',
      '| Logs | secrets | 0 found |',
    ]);
    expect(table).toContain('Totals of the last run: **3** faults injected · **0** hostile inputs tried · **0** cases lost · **0** duplicate audits · **0** secret values found in logs.');
    expect(readmeBlock({ rows: [], totals: {} })).toMatch(new RegExp(`^${BEGIN.replace(/[()`]/g, '\\$&')}\\n[\\s\\S]*${END}$`));
  });
});
