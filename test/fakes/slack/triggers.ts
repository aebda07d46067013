import { randomBytes } from 'node:crypto';

// A trigger_id is valid for 3 seconds on Slack. Ids minted here carry their issue time in the
// first field (Slack's own look like '1234567890.1234567890.abcdef…'), so the fake can refuse an
// expired one without the sender and the fake sharing any state. Other strings never expire.

export function newTriggerId(now: number = Date.now()): string {
  return `${now}.${randomBytes(4).readUInt32BE()}.${randomBytes(8).toString('hex')}`;
}

export function triggerIssuedAt(triggerId: string): number | undefined {
  const match = /^(\d{13})\.\d+\.[0-9a-f]{16}$/.exec(triggerId);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
