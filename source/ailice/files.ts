/**
 * Safe reading of the files the client steps read or change. Before anything is opened the path is
 * checked: a folder, a symbolic link at a file the wizard replaces (temp file + rename would turn
 * the link into a plain copy), or anything that is not a regular file (a named pipe, a device such
 * as /dev/zero, a socket; for inputs, also what a link leads to) is a clear refusal, so a read never
 * waits forever or reads without end. The file is then opened without blocking, checked again on the
 * open handle (a swap between the check and the open changes nothing), read as bytes and decoded as
 * strict UTF-8: invalid bytes are refused with their line and column, never turned into U+FFFD.
 *
 * The one exception is a pipe the shell already opened for this process, such as the /dev/fd/63 of
 * `--service-key-file <(cat key.json)`: callers that read a file exactly once (the service key) may
 * accept it; it is read without blocking and within a time limit. A named pipe made with mkfifo is
 * never opened. Plus the git check for secrets.
 */
import {constants as fsConstants, fstat, promises as fsp, type Stats} from 'node:fs';
import path from 'node:path';
import type {Ctx} from '../core/context.js';
import {lineColumn} from './json.js';

export type Target =
	| {ok: true; exists: false; text: null; mode: null; pipe: false}
	| {ok: true; exists: true; text: string; mode: number | null; pipe: boolean}
	/** `content`: the path is fine but what the file holds is not (invalid UTF-8). */
	| {ok: false; problem: string; content?: boolean};

export interface ReadOptions {
	/**
	 * A file only read (a mounted key may be a link): a link is followed, and what it leads to must
	 * be a regular file; the mode is reported as null (unknown) for a link.
	 */
	input?: boolean;
	/** Accept a pipe this process already holds open (`/dev/fd/N`); see the header. */
	openPipe?: boolean;
	/** Refuse larger files with a sentence (default 512 MiB). */
	maxBytes?: number;
	/** How long a pipe may take to deliver everything (default 10 s). */
	pipeTimeoutMs?: number;
}

export const MAX_READ_BYTES = 512 * 1024 * 1024;
export const PIPE_TIMEOUT_MS = 10_000;

function errCode(error: unknown): string {
	return (error as NodeJS.ErrnoException)?.code ?? 'EUNKNOWN';
}

/** What a non-regular file is, in words. */
function kindOf(st: Stats): string {
	if (st.isFIFO()) return 'a named pipe (FIFO)';
	if (st.isCharacterDevice()) return 'a device (like /dev/zero or a terminal)';
	if (st.isBlockDevice()) return 'a block device (a disk)';
	if (st.isSocket()) return 'a socket';
	return 'not a regular file';
}

/** `/dev/fd/N`, `/proc/self/fd/N`, `/proc/<this pid>/fd/N` or `/dev/stdin` (0): the file descriptor N, or null. */
export function openFdOf(file: string): number | null {
	if (file === '/dev/stdin') return 0;
	const m = /^\/(?:dev\/fd|proc\/self\/fd|proc\/(\d+)\/fd)\/(\d+)$/.exec(file);
	if (!m) return null;
	if (m[1] !== undefined && Number(m[1]) !== process.pid) return null;
	return Number(m[2]);
}

/** Whether `st` (what `file` leads to) is a pipe that this process already holds open as `file`'s descriptor. */
async function isOwnOpenPipe(file: string, st: Stats): Promise<boolean> {
	const fd = openFdOf(file);
	if (fd === null || !st.isFIFO()) return false;
	// The descriptor must be open here and be that very pipe: then a writer exists or existed (the
	// shell opened it), and reading ends at end of file instead of waiting for someone to open it.
	const held = await new Promise<Stats | null>((resolve) => fstat(fd, (error, s) => resolve(error ? null : s)));
	return held !== null && held.isFIFO() && held.dev === st.dev && held.ino === st.ino;
}

/** The first byte that is not part of valid UTF-8 (also overlong forms, surrogates, > U+10FFFF), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
	const n = bytes.length;
	let i = 0;
	while (i < n) {
		const b = bytes[i] ?? 0;
		if (b < 0x80) {
			i++;
			continue;
		}
		let need: number;
		let min: number;
		if (b >= 0xc2 && b <= 0xdf) {
			need = 1;
			min = 0x80;
		} else if (b >= 0xe0 && b <= 0xef) {
			need = 2;
			min = 0x800;
		} else if (b >= 0xf0 && b <= 0xf4) {
			need = 3;
			min = 0x10000;
		} else return i;
		if (i + need >= n) return i;
		let cp = b & (0x3f >> need);
		for (let k = 1; k <= need; k++) {
			const c = bytes[i + k];
			if (c === undefined || (c & 0xc0) !== 0x80) return i;
			cp = (cp << 6) | (c & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
		i += need + 1;
	}
	return -1;
}

/** Decodes strictly; on invalid UTF-8 a sentence with the line and column of the first bad byte. */
export function decodeUtf8(bytes: Uint8Array, what: string, file: string): {ok: true; text: string} | {ok: false; problem: string} {
	try {
		// ignoreBOM keeps a byte-order mark in the text, so the JSON check can name it.
		return {ok: true, text: new TextDecoder('utf-8', {fatal: true, ignoreBOM: true}).decode(bytes)};
	} catch {
		const at = Math.max(0, firstInvalidUtf8(bytes));
		// Line and column of the bad byte: the text before it is valid, so decode just that part.
		const before = new TextDecoder('utf-8', {ignoreBOM: true}).decode(bytes.subarray(0, at));
		const where = lineColumn(before, before.length);
		const hex = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
		return {
			ok: false,
			problem: `${what} at ${file} is not valid UTF-8 text: the byte 0x${hex} at line ${where.line}, column ${where.column} (byte ${at + 1}) is not part of a UTF-8 character. Save the file as UTF-8 (or fix that line), then run the wizard again.`,
		};
	}
}

function notRegular(what: string, file: string, st: Stats, viaLink: boolean, openPipe: boolean): string {
	const lead = viaLink ? `${what} at ${file} is a symbolic link to ${kindOf(st)}, not to a regular file` : `${what} at ${file} is ${kindOf(st)}, not a regular file`;
	const pipeNote = openPipe && st.isFIFO() ? ' (a pipe from process substitution, such as <(cat key.json), is accepted; a named pipe is not, because opening it waits for a writer)' : '';
	return `${lead}; the wizard reads only regular files, so that a read can never wait or run forever${pipeNote}. Give the path of the file itself.`;
}

/** Reads a pipe without blocking: until end of file, `max` bytes, or the deadline. */
async function readPipe(file: string, what: string, max: number, timeoutMs: number): Promise<{ok: true; bytes: Buffer} | {ok: false; problem: string}> {
	let handle: fsp.FileHandle | undefined;
	try {
		handle = await fsp.open(file, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
		const chunks: Buffer[] = [];
		let total = 0;
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const buf = Buffer.alloc(64 * 1024);
			let got: number;
			try {
				got = (await handle.read(buf, 0, buf.length, null)).bytesRead;
			} catch (error) {
				if (errCode(error) !== 'EAGAIN' && errCode(error) !== 'EWOULDBLOCK') throw error;
				if (Date.now() > deadline) return {ok: false, problem: `${what} at ${file} is a pipe that did not deliver its whole content within ${Math.round(timeoutMs / 1000)} s. Save the key to a file (mode 0600) and pass its path.`};
				await new Promise((r) => setTimeout(r, 20));
				continue;
			}
			if (got === 0) return {ok: true, bytes: Buffer.concat(chunks, total)};
			chunks.push(buf.subarray(0, got));
			total += got;
			if (total > max) return {ok: false, problem: `${what} at ${file} delivers more than ${max} bytes, far more than the file should hold.`};
		}
	} finally {
		await handle?.close().catch(() => undefined);
	}
}

type Looked =
	| {kind: 'absent'}
	| {kind: 'problem'; problem: string}
	| {kind: 'pipe'}
	| {kind: 'file'; link: boolean};

/** What is at `file`, by stat alone (nothing is opened): the checks of the header. */
async function look(file: string, what: string, opts: ReadOptions): Promise<Looked> {
	let lst: Stats;
	try {
		lst = await fsp.lstat(file);
	} catch (error) {
		const code = errCode(error);
		if (code === 'ENOENT') return {kind: 'absent'};
		if (code === 'ENOTDIR') return {kind: 'problem', problem: `${what} cannot be at ${file}: a part of that path is a file, not a folder.`};
		if (code === 'EACCES' || code === 'EPERM') return {kind: 'problem', problem: `${what} at ${file} cannot be reached (permission denied on a folder of that path).`};
		return {kind: 'problem', problem: `${what} at ${file} cannot be checked (${code}).`};
	}
	const link = lst.isSymbolicLink();
	if (link && !opts.input) {
		return {
			kind: 'problem',
			problem: `${what} at ${file} is a symbolic link. The wizard replaces files atomically (temp file + rename), which would turn the link into a plain copy; point the wizard at the file the link leads to instead.`,
		};
	}
	let st = lst;
	if (link) {
		try {
			st = await fsp.stat(file);
		} catch (error) {
			const code = errCode(error);
			if (code === 'ENOENT') return {kind: 'problem', problem: `${what} at ${file} is a symbolic link to a file that does not exist. Give the path of the file itself.`};
			if (code === 'ELOOP') return {kind: 'problem', problem: `${what} at ${file} is a loop of symbolic links. Give the path of the file itself.`};
			return {kind: 'problem', problem: `${what} at ${file} is a symbolic link that cannot be followed (${code}).`};
		}
	}
	if (st.isDirectory()) return {kind: 'problem', problem: `${what} at ${file} ${link ? 'leads to' : 'is'} a folder, not a file. Give the path of the file itself.`};
	if (!st.isFile()) {
		if (opts.openPipe && (await isOwnOpenPipe(file, st))) return {kind: 'pipe'};
		return {kind: 'problem', problem: notRegular(what, file, st, link, Boolean(opts.openPipe))};
	}
	const max = opts.maxBytes ?? MAX_READ_BYTES;
	if (st.size > max) return {kind: 'problem', problem: tooLarge(what, file, st.size, max)};
	return {kind: 'file', link};
}

function tooLarge(what: string, file: string, size: number, max: number): string {
	return `${what} at ${file} is ${size} bytes, more than the ${max} bytes the wizard reads; it is not a file the wizard should read.`;
}

/**
 * The path checks alone, without opening or reading: null when `file` is absent or a file the
 * wizard may read, else the sentence. For flags, checked before anything runs; what the file holds
 * is judged by the step that reads it.
 */
export async function checkPath(file: string, what: string, opts: ReadOptions = {}): Promise<string | null> {
	const l = await look(file, what, opts);
	return l.kind === 'problem' ? l.problem : null;
}

/**
 * Reads `file` if it is a plain file; `what` names it in the sentence, e.g. "AIlice's config.json".
 * Nothing here writes, and a refusal is one sentence naming the file, what is wrong and what to do.
 */
export async function readTarget(_ctx: Ctx, file: string, what: string, opts: ReadOptions = {}): Promise<Target> {
	const max = opts.maxBytes ?? MAX_READ_BYTES;
	const l = await look(file, what, opts);
	if (l.kind === 'absent') return {ok: true, exists: false, text: null, mode: null, pipe: false};
	if (l.kind === 'problem') return {ok: false, problem: l.problem};
	if (l.kind === 'pipe') {
		const r = await readPipe(file, what, max, opts.pipeTimeoutMs ?? PIPE_TIMEOUT_MS);
		if (!r.ok) return r;
		const d = decodeUtf8(r.bytes, what, file);
		if (!d.ok) return d;
		return {ok: true, exists: true, text: d.text, mode: null, pipe: true};
	}
	const link = l.link;
	let handle: fsp.FileHandle | undefined;
	try {
		// O_NONBLOCK: should the path have become a pipe since the check, opening it does not wait.
		// O_NOFOLLOW: a file the wizard replaces must not have become a link either.
		const flags = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0) | (opts.input ? 0 : (fsConstants.O_NOFOLLOW ?? 0));
		handle = await fsp.open(file, flags);
		const now = await handle.stat();
		if (!now.isFile()) return {ok: false, problem: notRegular(what, file, now, link, false)};
		if (now.size > max) return {ok: false, problem: tooLarge(what, file, now.size, max)};
		const bytes = await handle.readFile();
		const d = decodeUtf8(bytes, what, file);
		if (!d.ok) return {...d, content: true};
		return {ok: true, exists: true, text: d.text, mode: link ? null : now.mode & 0o7777, pipe: false};
	} catch (error) {
		const code = errCode(error);
		if (code === 'ENOENT') return {ok: true, exists: false, text: null, mode: null, pipe: false};
		if (code === 'EACCES' || code === 'EPERM') return {ok: false, problem: `${what} at ${file} cannot be read (permission denied). Run the wizard as the user who owns it, or fix its permissions.`};
		if (code === 'EISDIR') return {ok: false, problem: `${what} at ${file} leads to a folder, not a file.`};
		if (code === 'ELOOP') return {ok: false, problem: `${what} at ${file} became a symbolic link while it was being read; point the wizard at the file the link leads to instead.`};
		return {ok: false, problem: `${what} at ${file} cannot be read (${code}).`};
	} finally {
		await handle?.close().catch(() => undefined);
	}
}

/**
 * Whether a file sits in a git work tree without being ignored (so a secret could be committed).
 * null when git is missing or the answer is unclear: then nothing is claimed.
 */
export async function gitExposed(ctx: Ctx, file: string): Promise<boolean | null> {
	const dir = path.dirname(file);
	const inside = await ctx.run('git', ['-C', dir, 'rev-parse', '--is-inside-work-tree'], {timeoutMs: 5000});
	if (inside.notFound || inside.exitCode === null) return null;
	if (inside.exitCode !== 0 || inside.stdout.trim() !== 'true') return false;
	const ignored = await ctx.run('git', ['-C', dir, 'check-ignore', '-q', '--', path.basename(file)], {timeoutMs: 5000});
	if (ignored.exitCode === 0) return false;
	if (ignored.exitCode === 1) return true;
	return null;
}
