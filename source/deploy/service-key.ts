/**
 * The Twingate service key: a JSON document from Admin Console → Team → Services → Generate Key,
 * shown once. It is opaque: the wizard checks only that it parses as JSON and has `network`. It is
 * registered as a secret the moment it is read, and no sentence here ever quotes any part of it.
 *
 * A key file is read exactly once per run: every later look (the check, the plan, the verification,
 * step 5 after step 4) reuses that reading. So `--service-key-file <(cat key.json)` works: the
 * shell's pipe can be read only once.
 */
import {promises as fsp} from 'node:fs';
import type {Ctx, SecretRegistry} from '../core/context.js';
import {lineColumn} from '../ailice/json.js';
import {readTarget} from '../ailice/files.js';

export const MAX_KEY_BYTES = 64 * 1024;

/** Registers the key and every longer string inside it, so no fragment can leak into output or logs. */
export function registerServiceKey(secrets: SecretRegistry, text: string): void {
	secrets.add(text);
	secrets.add(text.trim());
	try {
		const value: unknown = JSON.parse(text);
		secrets.add(JSON.stringify(value));
		const walk = (v: unknown): void => {
			if (typeof v === 'string') {
				if (v.length >= 12) secrets.add(v);
			} else if (Array.isArray(v)) v.forEach(walk);
			else if (v && typeof v === 'object') Object.values(v).forEach(walk);
		};
		walk(value);
	} catch {
		// not JSON: the whole text is registered already
	}
}

export type KeyCheck = {ok: true; compact: string; expiresAt?: string} | {ok: false; problem: string};

/** Validates key content without ever quoting it. `where` names its origin, e.g. "The service key file /x". */
export function checkServiceKeyText(text: string, where: string): KeyCheck {
	if (text.trim() === '') return {ok: false, problem: `${where} is empty. Paste or save the JSON document Twingate showed when you generated the key.`};
	if (text.length > MAX_KEY_BYTES) return {ok: false, problem: `${where} is ${text.length} characters long; a service key is a small JSON document (under 64 KB).`};
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		const pos = /position (\d+)/.exec((error as Error).message)?.[1];
		const at = pos === undefined ? '' : ` (error at line ${lineColumn(text, Number(pos)).line}, column ${lineColumn(text, Number(pos)).column})`;
		return {
			ok: false,
			problem: `${where} is not JSON${at}; a Twingate service key is the JSON document from Admin Console → Team → Services → Generate Key (its content is not shown here).`,
		};
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return {ok: false, problem: `${where} is JSON but not an object; a Twingate service key is a JSON object with a "network" field.`};
	}
	const network = (value as Record<string, unknown>).network;
	if (typeof network !== 'string' || network.trim() === '') {
		return {ok: false, problem: `${where} has no "network" field, so it does not look like a Twingate service key. Check that you saved the service key, not a Connector token.`};
	}
	const expires = (value as Record<string, unknown>).expires_at;
	return {ok: true, compact: JSON.stringify(value), expiresAt: typeof expires === 'string' && !Number.isNaN(Date.parse(expires)) ? expires : undefined};
}

/**
 * A sentence when the key is expired or close to it (Twingate service keys expire 365 days after
 * creation by default): an expired key cannot bring the client online.
 */
export function keyExpiryProblem(expiresAt: string | undefined, now: number): {expired: boolean; sentence: string} | null {
	if (!expiresAt) return null;
	const left = Date.parse(expiresAt) - now;
	const day = new Date(Date.parse(expiresAt)).toISOString().slice(0, 10);
	if (left <= 0) return {expired: true, sentence: `The service key expired on ${day}: the headless client cannot come online with it. Generate a new key (Admin Console → Team → Services → Generate Key).`};
	if (left < 30 * 24 * 3600 * 1000) return {expired: false, sentence: `The service key expires on ${day} (in ${Math.ceil(left / 86_400_000)} days): rotate it soon.`};
	return null;
}

/**
 * `pipe`: the key came through a pipe the shell opened (`<(cat key.json)`): it has no lasting path,
 * so nothing can point at it later (no chmod, no docker mount); its content is used instead.
 */
export type KeyFile = {ok: true; mode: number | null; compact: string; expiresAt?: string; pipe: boolean} | {ok: false; problem: string};

/** The readings of this run, per secret registry (one per run) and path. */
const READ_ONCE = new WeakMap<SecretRegistry, Map<string, {stamp: string; result: KeyFile}>>();

/** What identifies one version of a regular file; a pipe is one reading forever. */
async function stampOf(file: string): Promise<string | null> {
	try {
		const s = await fsp.stat(file);
		if (s.isFIFO()) return 'pipe';
		return s.isFile() ? `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}` : null;
	} catch {
		return null;
	}
}

/**
 * Reads and checks a key file, once per run (see the header); registers its content as a secret
 * before anything else happens.
 */
export async function readServiceKeyFile(ctx: Ctx, file: string): Promise<KeyFile> {
	let memo = READ_ONCE.get(ctx.secrets);
	if (!memo) READ_ONCE.set(ctx.secrets, (memo = new Map()));
	const stamp = await stampOf(file);
	const seen = memo.get(file);
	if (seen && stamp !== null && seen.stamp === stamp) return seen.result;
	const result = await readKeyOnce(ctx, file);
	// A pipe is remembered even when it was refused: reading it again would only find it empty.
	if (stamp !== null) memo.set(file, {stamp, result});
	return result;
}

async function readKeyOnce(ctx: Ctx, file: string): Promise<KeyFile> {
	const t = await readTarget(ctx, file, 'The service key file', {input: true, openPipe: true, maxBytes: MAX_KEY_BYTES});
	if (!t.ok) return t;
	if (!t.exists) return {ok: false, problem: `The service key file ${file} does not exist. Save the key Twingate showed (Team → Services → Generate Key) to that path with mode 0600.`};
	registerServiceKey(ctx.secrets, t.text);
	const c = checkServiceKeyText(t.text, `The service key file ${file}`);
	if (!c.ok) return c;
	return {ok: true, mode: t.mode, compact: c.compact, expiresAt: c.expiresAt, pipe: t.pipe};
}

/** Group or others can read it: a service key file should be 0600. */
export function tooOpen(mode: number | null): boolean {
	return mode !== null && (mode & 0o077) !== 0;
}
