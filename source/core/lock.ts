/**
 * Inter-process locks (proper-lockfile: a `<target>.lock` folder, refreshed while held, taken over
 * when stale after a crash). Two runs on the same state folder or the same file never interleave
 * their read-modify-write: the second waits briefly, then stops with a sentence naming the process
 * that holds the lock.
 */
import {promises as fsp} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';

export const DEFAULT_LOCK_WAIT_MS = 5000;

/** The lock is held by another run (or could not be taken). `message` is one sentence. */
export class LockError extends Error {
	constructor(
		message: string,
		readonly target: string,
		/** ELOCKED when another run holds it; else the system's error code (ENOSPC, EROFS, …). */
		readonly code: string = 'ELOCKED',
	) {
		super(message);
		this.name = 'LockError';
	}
}

interface Owner {
	pid: number;
	host: string;
	command: string;
	since: string;
}

const lockDirOf = (target: string) => `${target}.lock`;
// Beside the lock folder, not inside it: proper-lockfile watches the folder's mtime to detect a
// compromised lock, and a file written inside would change it.
const ownerFileOf = (target: string) => `${target}.lock-owner.json`;

async function readOwner(target: string): Promise<Owner | null> {
	try {
		return JSON.parse(await fsp.readFile(ownerFileOf(target), 'utf8')) as Owner;
	} catch {
		return null;
	}
}

function describeOwner(owner: Owner | null): string {
	if (!owner) return 'another run of the wizard';
	return `another run of the wizard (process ${owner.pid}${owner.host !== os.hostname() ? ` on ${owner.host}` : ''}, \`${owner.command}\`, since ${owner.since})`;
}

export interface LockOptions {
	/** How long to wait for a lock held by another run (default 5 s). */
	waitMs?: number;
	/** What this run is, recorded for the other run's message (e.g. "configure-ailice"). */
	command?: string;
	/** What the target is, for the message (e.g. "the wizard's state folder"). */
	what?: string;
}

export type Release = () => Promise<void>;

/**
 * Takes the lock on `target` (a file or folder; it need not exist). Resolves with the release
 * function; rejects with a LockError when another run holds it for longer than `waitMs`.
 */
export async function acquireLock(target: string, opts: LockOptions = {}): Promise<Release> {
	const waitMs = opts.waitMs ?? DEFAULT_LOCK_WAIT_MS;
	const started = Date.now();
	await fsp.mkdir(path.dirname(target), {recursive: true}).catch(() => undefined);
	for (let attempt = 0; ; attempt++) {
		try {
			const release = await lockfile.lock(target, {realpath: false, stale: 10_000, update: 2_000, lockfilePath: lockDirOf(target), onCompromised: () => undefined});
			const owner: Owner = {pid: process.pid, host: os.hostname(), command: opts.command ?? 'ollama-tunnel-wizard', since: new Date().toISOString()};
			await fsp.writeFile(ownerFileOf(target), JSON.stringify(owner), {mode: 0o600}).catch(() => undefined);
			return async () => {
				await fsp.rm(ownerFileOf(target), {force: true}).catch(() => undefined);
				await release().catch(() => undefined);
			};
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			const what = opts.what ?? target;
			if (code !== 'ELOCKED') {
				throw new LockError(`${what} could not be locked (${code ?? (error as Error).message}), so nothing was changed.`, target, code ?? 'EUNKNOWN');
			}
			if (Date.now() - started >= waitMs) {
				const owner = await readOwner(target);
				// The holder may be between taking the lock and naming itself (or releasing it): a moment more.
				if (!owner && Date.now() - started < waitMs + 1500) {
					await new Promise((r) => setTimeout(r, 100));
					continue;
				}
				throw new LockError(`${what} is in use by ${describeOwner(owner)}; wait for it to finish and run the wizard again (nothing was changed).`, target);
			}
			await new Promise((r) => setTimeout(r, Math.min(250, 50 * (attempt + 1))));
		}
	}
}

/** Runs `fn` while holding the lock on `target`. */
export async function withLock<T>(target: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
	const release = await acquireLock(target, opts);
	try {
		return await fn();
	} finally {
		await release();
	}
}
