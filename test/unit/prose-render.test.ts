import { describe, expect, it } from 'vitest';
import { assessmentEmbed } from '../../adapters/discord/render/assessment-embed.js';
import { assessmentBlocks } from '../../adapters/slack/render/blocks.js';
import { formatAssessment } from '../../src/cli/output.js';
import type { Assessment } from '../../src/assessment/types.js';

const advice: Assessment = {
  strategy: 'guidance',
  verdict: 'unclear',
  severity: 'none',
  norm: null,
  summary: '',
  text: 'Recommended Ethical Approach: talk to them. Hazards to Avoid: anger. Justification: respect.',
  model: 'normguard',
  method: 'prose',
  score: null,
  latencyMs: 10,
  usage: { promptTokens: 1, completionTokens: 1 },
};

describe('advise and why show their prose with no verdict headline', () => {
  it('in the CLI', () => {
    const out = formatAssessment(advice);
    expect(out).not.toMatch(/Verdict|UNCLEAR|Score/);
    expect(out.startsWith('Recommended Ethical Approach:')).toBe(true);
  });
  it('on Discord', () => {
    const embed = assessmentEmbed('Ethical guidance', advice, [{ title: null, body: advice.text }]).toJSON();
    expect(embed.title).toBe('Ethical guidance');
    expect(JSON.stringify(embed)).not.toMatch(/Unclear|⚪/);
  });
  it('on Slack', () => {
    const blocks = JSON.stringify(assessmentBlocks('Ethical guidance', advice, [{ title: null, body: advice.text }]));
    expect(blocks).not.toMatch(/Unclear|white_circle/);
    expect(blocks).toContain('Recommended Ethical Approach');
  });
  it('a verdict keeps its headline and shows its score', () => {
    const out = formatAssessment({ ...advice, strategy: 'permissibility', verdict: 'permissible', method: 'calibrated', score: 0.12, text: 'Executing it is morally sound.' });
    expect(out).toMatch(/^Verdict: PERMISSIBLE\nScore: 0\.12 \(calibrated probability that it is impermissible\)\n/);
  });
});
