// HTTP plumbing for the REST side: reading JSON or multipart bodies and answering the way
// Discord does. The one trap it guards: a 204 must carry no content-type, or discord.js tries to
// parse the empty body as JSON and fails.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UploadedFile } from './message-body.js';

/** An error answer in Discord's envelope: `{message, code, errors?}`. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    return { message: this.message, code: this.code, ...(this.errors !== undefined ? { errors: this.errors } : {}) };
  }
}

export const Errors = {
  unknownChannel: () => new RestError(404, 10003, 'Unknown Channel'),
  unknownGuild: () => new RestError(404, 10004, 'Unknown Guild'),
  unknownMember: () => new RestError(404, 10007, 'Unknown Member'),
  unknownMessage: () => new RestError(404, 10008, 'Unknown Message'),
  unknownUser: () => new RestError(404, 10013, 'Unknown User'),
  unknownWebhook: () => new RestError(404, 10015, 'Unknown Webhook'),
  unknownCommand: () => new RestError(404, 10063, 'Unknown application command'),
  unknownInteraction: () => new RestError(404, 10062, 'Unknown interaction'),
  alreadyAcknowledged: () => new RestError(400, 40060, 'Interaction has already been acknowledged.'),
  missingAccess: () => new RestError(403, 50001, 'Missing Access'),
  missingPermissions: () => new RestError(403, 50013, 'Missing Permissions'),
  notAuthor: () => new RestError(403, 50005, 'Cannot edit a message authored by another user'),
  emptyMessage: () => new RestError(400, 50006, 'Cannot send an empty message'),
  threadExists: () => new RestError(400, 160004, 'A thread has already been created for this message'),
  unauthorized: () => new RestError(401, 0, '401: Unauthorized'),
  /** Discord's "Invalid Form Body" with a per-field error tree. */
  invalidForm: (errors: Record<string, unknown>) => new RestError(400, 50035, 'Invalid Form Body', errors),
};

export interface ParsedBody {
  body: unknown;
  files: UploadedFile[];
}

export function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * discord.js sends JSON, or multipart with a `payload_json` part when files are attached. The
 * multipart parser is the platform's own (undici's `Response#formData`), so no dependency.
 */
export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  if (raw.length === 0) return { body: undefined, files: [] };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    // A copy, because the platform's BodyInit wants a plain ArrayBuffer-backed view.
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType! } }).formData();
    let body: unknown;
    const files: UploadedFile[] = [];
    for (const [field, value] of form) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value) as unknown;
      } else {
        files.push({ field, filename: value.name, contentType: value.type || 'application/octet-stream', size: value.size });
      }
    }
    return { body, files };
  }
  const text = raw.toString('utf8');
  try {
    return { body: JSON.parse(text) as unknown, files: [] };
  } catch {
    throw new RestError(400, 50109, 'The request body contains invalid JSON.');
  }
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(value);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendNoContent(res: ServerResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(204);
  res.end();
}
