/**
 * The one file writer. Every file the wizard writes (AIlice's config and overlay, the .env, the
 * deployment folder, plists, drop-in staging, the journal, backups) goes through `writeFileSafely`:
 *
 *   temp file in the same folder → every byte written (short writes looped) → fsync → size checked →
 *   owner and mode set → rename over the target → fsync of the folder.
 *
 * Any error (a full disk, a quota, an I/O error, a permission, a read-only file system) leaves the
 * original byte for byte, removes the temp file and becomes a `WriteError` whose message is one
 * sentence naming the file and the reason. A file that exists is backed up first (mode 0600, same
 * owner, next to it), secret or not; the newest `keepBackups` backups per file are kept.
 */
import {constants as fsConstants, promises as fsp, type Stats} from 'node:fs';
import path from 'node:path';
import {randomBytes} from 'node:crypto';
import type {Clock, FileSystem} from './context.js';
import {LockError, withLock} from './lock.js';

export function timestamp(ms: number): string {
	return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export const DEFAULT_KEEP_BACKUPS = 5;

const REASONS: Record<string, string> = {
	ENOSPC: 'the disk is full',
	EDQUOT: 'your disk quota is used up',
	EIO: 'the disk reported an input/output error',
	EACCES: 'permission was denied',
	EPERM: 'the operation is not permitted',
	EROFS: 'the file system is read-only',
	ENOTDIR: 'a part of the path is a file, not a folder',
	EISDIR: 'it is a folder, not a file',
	EFBIG: 'the file would be too large',
	ESHORT: 'fewer bytes reached the disk than were written',
	EREADONLY: 'the file is read-only (no write permission bit is set)',
	ENOTREG: 'it is not a regular file (a device, socket or pipe)',
	ELOOP: 'it is a symbolic link',
	ECHANGED: 'it changed while the wizard was running (another program or run edited it)',
};

/** A write that did not happen. `message` is one sentence: the file, the reason, and that nothing changed. */
export class WriteError extends Error {
	constructor(
		readonly file: string,
		readonly code: string,
		readonly stage: 'backup' | 'write',
		sentence?: string,
	) {
		const reason = REASONS[code] ?? `the system reported ${code}`;
		super(
			sentence ??
			(code === 'EREADONLY'
				? `${file} was not changed: it is read-only (mode without a write bit); make it writable (chmod u+w) if the wizard should change it.`
				: code === 'ECHANGED'
					? `${file} was not written: it changed while the wizard was running (another program or run edited it); run the wizard again to see the new plan.`
				: stage === 'backup'
					? `${file} was not changed: its backup could not be written because ${reason}.`
					: `${file} was not written because ${reason}; ${code === 'ENOSPC' || code === 'EDQUOT' ? 'free some space and run the wizard again' : 'fix that and run the wizard again'} (the previous file, if any, is unchanged).`),
		);
		this.name = 'WriteError';
	}
}

function codeOf(error: unknown): string {
	return (error as NodeJS.ErrnoException)?.code ?? 'EUNKNOWN';
}

/** Writes all of `data` at the file handle's start, looping on short writes. */
export async function writeAll(handle: fsp.FileHandle, data: Uint8Array, position: number | null = 0): Promise<void> {
	let offset = 0;
	while (offset < data.length) {
		const {bytesWritten} = await handle.write(data, offset, data.length - offset, position === null ? null : position + offset);
		if (bytesWritten <= 0) throw Object.assign(new Error('short write'), {code: 'ENOSPC'});
		offset += bytesWritten;
	}
}

async function fsyncDir(dir: string): Promise<void> {
	let handle: fsp.FileHandle | undefined;
	try {
		handle = await fsp.open(dir, 'r');
		await handle.sync();
	} catch (error) {
		// Some file systems cannot fsync a folder (EINVAL/EISDIR); the rename itself has happened.
		if (!['EINVAL', 'EISDIR', 'EBADF', 'EPERM', 'EACCES'].includes(codeOf(error))) throw error;
	} finally {
		await handle?.close().catch(() => undefined);
	}
}

export interface Ownership {
	uid: number;
	gid: number;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Writes `data` to `file` atomically. `owner` is applied when running as root (so root never leaves
 * a user's file owned by root); otherwise the file belongs to whoever runs the wizard.
 */
export async function writeBytesAtomic(file: string, data: Uint8Array, mode: number, owner: Ownership | null, stage: 'backup' | 'write' = 'write'): Promise<void> {
	const dir = path.dirname(file);
	const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
	let handle: fsp.FileHandle | undefined;
	let created = false;
	try {
		handle = await fsp.open(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
		created = true;
		await writeAll(handle, data);
		await handle.sync();
		const written = await handle.stat();
		if (written.size !== data.length) throw Object.assign(new Error('size mismatch'), {code: 'ESHORT'});
		if (owner && isRoot()) await handle.chown(owner.uid, owner.gid);
		await handle.chmod(mode);
		await handle.close();
		handle = undefined;
		await fsp.rename(temp, file);
		created = false;
		await fsyncDir(dir);
	} catch (error) {
		await handle?.close().catch(() => undefined);
		if (created) await fsp.unlink(temp).catch(() => undefined);
		if (error instanceof WriteError) throw error;
		throw new WriteError(file, codeOf(error), stage);
	}
}

/** Backups of `file` (`<name>.bak-<stamp>[-n]`), newest first. */
export async function listBackups(file: string): Promise<string[]> {
	const dir = path.dirname(file);
	const prefix = `${path.basename(file)}.bak-`;
	let names: string[];
	try {
		names = await fsp.readdir(dir);
	} catch {
		return [];
	}
	const found: {p: string; m: number}[] = [];
	for (const name of names) {
		if (!name.startsWith(prefix) || name.endsWith('.tmp')) continue;
		const p = path.join(dir, name);
		const st = await fsp.lstat(p).catch(() => null);
		if (st?.isFile()) found.push({p, m: st.mtimeMs});
	}
	return found.sort((a, b) => b.m - a.m || (a.p < b.p ? 1 : -1)).map((x) => x.p);
}

export async function pruneBackups(file: string, keep: number): Promise<string[]> {
	const all = await listBackups(file);
	const drop = all.slice(Math.max(1, keep));
	for (const p of drop) await fsp.rm(p, {force: true}).catch(() => undefined);
	return drop;
}

export interface SafeWriteOptions {
	mode?: number;
	backup?: boolean;
	keepBackups?: number;
	clock: Clock;
	/** The content the plan was made from (null: the file did not exist); anything else now is refused. */
	expect?: string | null;
	/** Hold the file's inter-process lock during the read-compare-write (default true). */
	lock?: boolean;
}

/**
 * The whole write of one user file: refuse what must not be replaced, back up what exists, write
 * atomically keeping owner and mode, prune old backups. Returns the backup's path (null when the
 * file did not exist or no backup was asked for).
 */
export async function writeFileSafely(file: string, content: string | Uint8Array, opts: SafeWriteOptions): Promise<{backupPath: string | null}> {
	if (opts.lock === false) return writeUnlocked(file, content, opts);
	try {
		return await withLock(file, () => writeUnlocked(file, content, opts), {what: file});
	} catch (error) {
		if (error instanceof LockError) throw error.code === 'ELOCKED' ? new WriteError(file, 'ELOCKED', 'write', error.message) : new WriteError(file, error.code, 'write');
		throw error;
	}
}

async function writeUnlocked(file: string, content: string | Uint8Array, opts: SafeWriteOptions): Promise<{backupPath: string | null}> {
	const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
	let existing: Stats | null = null;
	try {
		existing = await fsp.lstat(file);
	} catch (error) {
		if (codeOf(error) !== 'ENOENT') throw new WriteError(file, codeOf(error), 'write');
	}
	if (existing) {
		if (existing.isSymbolicLink()) throw new WriteError(file, 'ELOOP', 'write');
		if (existing.isDirectory()) throw new WriteError(file, 'EISDIR', 'write');
		if (!existing.isFile()) throw new WriteError(file, 'ENOTREG', 'write');
		if ((existing.mode & 0o222) === 0) throw new WriteError(file, 'EREADONLY', 'write');
	}
	const dir = path.dirname(file);
	try {
		await fsp.mkdir(dir, {recursive: true});
	} catch (error) {
		throw new WriteError(file, codeOf(error), 'write');
	}
	let owner: Ownership | null = existing ? {uid: existing.uid, gid: existing.gid} : null;
	if (!owner && isRoot()) {
		// A new file in a user's folder belongs to that user, not to root.
		const parent = await fsp.stat(dir).catch(() => null);
		if (parent && parent.uid !== 0) owner = {uid: parent.uid, gid: parent.gid};
	}
	let backupPath: string | null = null;
	let old: Buffer | null = null;
	if (existing) {
		try {
			old = await fsp.readFile(file);
		} catch (error) {
			throw new WriteError(file, codeOf(error), 'backup');
		}
		// Identical content is never rewritten (nor backed up); only a mode change is applied.
		if (Buffer.compare(old, data) === 0) {
			if (opts.mode !== undefined && (existing.mode & 0o7777) !== opts.mode) await fsp.chmod(file, opts.mode).catch((error: unknown) => {
				throw new WriteError(file, codeOf(error), 'write');
			});
			return {backupPath: null};
		}
	}
	if (opts.expect !== undefined) {
		const same = opts.expect === null ? old === null : old !== null && Buffer.compare(old, Buffer.from(opts.expect, 'utf8')) === 0;
		if (!same) throw new WriteError(file, 'ECHANGED', 'write');
	}
	if (existing && old && opts.backup !== false) {
		const base = `${file}.bak-${timestamp(opts.clock.now())}`;
		backupPath = base;
		for (let n = 1; await exists(backupPath); n++) backupPath = `${base}-${n}`;
		await writeBytesAtomic(backupPath, old, 0o600, owner, 'backup').catch((error: unknown) => {
			throw error instanceof WriteError ? new WriteError(file, error.code, 'backup') : error;
		});
	}
	const mode = opts.mode ?? (existing ? existing.mode & 0o7777 : 0o644);
	await writeBytesAtomic(file, data, mode, owner, 'write');
	if (backupPath) await pruneBackups(file, opts.keepBackups ?? DEFAULT_KEEP_BACKUPS);
	return {backupPath};
}

async function exists(p: string): Promise<boolean> {
	return fsp.access(p, fsConstants.F_OK).then(
		() => true,
		() => false,
	);
}

export function createFileSystem(clock: Clock, opts: {keepBackups?: number} = {}): FileSystem {
	return {
		async readText(p) {
			try {
				return await fsp.readFile(p, 'utf8');
			} catch (error) {
				if (codeOf(error) === 'ENOENT') return null;
				throw error;
			}
		},
		async stat(p) {
			try {
				const s = await fsp.lstat(p);
				return {isFile: s.isFile(), isDirectory: s.isDirectory(), isSymbolicLink: s.isSymbolicLink(), mode: s.mode & 0o7777, size: s.size, mtimeMs: s.mtimeMs};
			} catch (error) {
				if (codeOf(error) === 'ENOENT') return null;
				throw error;
			}
		},
		writeAtomic: (p, content, o = {}) => writeFileSafely(p, content, {mode: o.mode, backup: o.backup, expect: o.expect, lock: o.lock, keepBackups: opts.keepBackups, clock}),
		async mkdirp(p, mode) {
			await fsp.mkdir(p, {recursive: true, mode});
		},
		async remove(p) {
			await fsp.rm(p, {force: true});
		},
		async readdir(p) {
			try {
				return await fsp.readdir(p);
			} catch (error) {
				if (codeOf(error) === 'ENOENT') return [];
				throw error;
			}
		},
		async chmod(p, mode) {
			await fsp.chmod(p, mode);
		},
	};
}

/** In --dry-run every write is refused, so a bug cannot change the machine. */
export function readOnlyFs(fs: FileSystem): FileSystem {
	const refuse = async (): Promise<never> => {
		throw new Error('dry run: refusing to change files');
	};
	return {...fs, writeAtomic: refuse, mkdirp: refuse, remove: refuse, chmod: refuse};
}
