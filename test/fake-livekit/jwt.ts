// HS256 verification of LiveKit access tokens, done by hand so the fake server checks exactly
// what a real server checks (signature, expiry, not-before) and nothing more.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface VideoGrant {
  roomJoin?: boolean;
  room?: string;
  roomList?: boolean;
  roomAdmin?: boolean;
  roomCreate?: boolean;
  canSubscribe?: boolean;
  canPublish?: boolean;
  canPublishData?: boolean;
  hidden?: boolean;
  [key: string]: unknown;
}

export interface TokenClaims {
  sub?: string;
  iss?: string;
  name?: string;
  exp?: number;
  nbf?: number;
  kind?: string;
  attributes?: Record<string, string>;
  metadata?: string;
  video?: VideoGrant;
  [key: string]: unknown;
}

export class TokenError extends Error {}

function decodeSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

function signatureMatches(signingInput: string, signature: string, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(signingInput).digest();
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function checkTimes(claims: TokenClaims, nowSec: number): void {
  // a little leeway: tokens are minted on the same machine, but clocks are read at different moments
  const leeway = 5;
  if (typeof claims.exp === 'number' && nowSec > claims.exp + leeway) throw new TokenError('token expired');
  if (typeof claims.nbf === 'number' && nowSec + leeway < claims.nbf)
    throw new TokenError('token not yet valid');
}

/** Verifies an HS256 JWT issued for `apiKey`; throws TokenError when it is not acceptable. */
export function verifyToken(token: string, apiKey: string, apiSecret: string): TokenClaims {
  const parts = token.split('.');
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || !header || !payload || signature === undefined) {
    throw new TokenError('malformed token');
  }
  let head: { alg?: unknown };
  let claims: TokenClaims;
  try {
    head = decodeSegment(header) as { alg?: unknown };
    claims = decodeSegment(payload) as TokenClaims;
  } catch {
    throw new TokenError('malformed token');
  }
  if (head.alg !== 'HS256') throw new TokenError('unsupported algorithm');
  if (!signatureMatches(`${header}.${payload}`, signature, apiSecret))
    throw new TokenError('invalid signature');
  if (claims.iss !== apiKey) throw new TokenError('unknown api key');
  checkTimes(claims, Math.floor(Date.now() / 1000));
  return claims;
}

/** The bearer token of an Authorization header, if there is one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim();
}
