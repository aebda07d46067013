import { createHmac } from 'node:crypto';

// Slack's request signature: HMAC-SHA256 with the app's signing secret over
// `v0:<timestamp>:<raw body>`, sent as `v0=<hex>` beside the timestamp it covers.

export interface SignatureHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
}

export function signRequest(signingSecret: string, timestampSec: number, rawBody: string): SignatureHeaders {
  const hex = createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestampSec), 'x-slack-signature': `v0=${hex}` };
}
