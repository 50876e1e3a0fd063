// Keyed pseudonyms: the same input gives the same pseudonym on this site (records of one patient stay
// linked), and without the site secret nobody can go back from the pseudonym to the UID or ID.
import { createHmac, randomBytes } from 'node:crypto';

export type PseudonymKind = 'patient' | 'study' | 'series' | 'instance' | 'uid' | 'reader' | 'date-shift';

export const newSiteSecret = (): string => randomBytes(32).toString('hex');

export function pseudonymDigest(secret: string, kind: PseudonymKind, value: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'hex')).update(`${kind}\u0000${value}`).digest();
}

/** A short opaque reference such as `study-3f2a…` (16 hex digits). */
export const pseudonym = (secret: string, kind: PseudonymKind, value: string): string =>
  `${kind}-${pseudonymDigest(secret, kind, value).toString('hex').slice(0, 16)}`;

/** A replacement UID under the 2.25 root (UUID-derived, PS3.5 B.2), the same for the same UID. */
export function replacementUid(secret: string, uid: string): string {
  const digest = pseudonymDigest(secret, 'uid', uid).subarray(0, 16);
  return `2.25.${BigInt(`0x${digest.toString('hex')}`).toString(10)}`;
}

/** Days to shift a patient's dates by: the same for every record of that patient, 1..3650 days back. */
export const dateShiftDays = (secret: string, patientKey: string): number =>
  1 + (pseudonymDigest(secret, 'date-shift', patientKey).readUInt32BE(0) % 3650);
