/**
 * Safe reading of the files the client steps change: a directory, an unreadable file or a symbolic
 * link at the target is a clear refusal (the wizard writes with temp file + rename, which would turn
 * a link into a plain copy), and nothing is written. Plus the git check for secrets.
 */
import path from 'node:path';
import type {Ctx} from '../core/context.js';

export type Target =
	| {ok: true; exists: false; text: null; mode: null}
	| {ok: true; exists: true; text: string; mode: number | null}
	| {ok: false; problem: string};

function errCode(error: unknown): string {
	return (error as NodeJS.ErrnoException)?.code ?? 'EUNKNOWN';
}

/**
 * Reads `file` if it is a plain file; `what` names it in the sentence, e.g. "AIlice's config.json".
 * `input: true` is for files only read (a mounted key may be a link): a link is then followed and
 * its mode is reported as null (unknown).
 */
export async function readTarget(ctx: Ctx, file: string, what: string, opts: {input?: boolean} = {}): Promise<Target> {
	let st;
	try {
		st = await ctx.fs.stat(file);
	} catch (error) {
		const code = errCode(error);
		if (code === 'ENOTDIR') return {ok: false, problem: `${what} cannot be at ${file}: a part of that path is a file, not a folder.`};
		if (code === 'EACCES' || code === 'EPERM') return {ok: false, problem: `${what} at ${file} cannot be reached (permission denied on a folder of that path).`};
		return {ok: false, problem: `${what} at ${file} cannot be checked (${code}).`};
	}
	if (!st) return {ok: true, exists: false, text: null, mode: null};
	if (st.isSymbolicLink && !opts.input) {
		return {
			ok: false,
			problem: `${what} at ${file} is a symbolic link. The wizard replaces files atomically (temp file + rename), which would turn the link into a plain copy; point the wizard at the file the link leads to instead.`,
		};
	}
	if (st.isDirectory) return {ok: false, problem: `${what} at ${file} is a folder, not a file. Give the path of the file itself.`};
	if (!st.isFile && !st.isSymbolicLink) return {ok: false, problem: `${what} at ${file} is not a regular file (a device, socket or pipe).`};
	try {
		const text = await ctx.fs.readText(file);
		if (text === null) return {ok: true, exists: false, text: null, mode: null};
		return {ok: true, exists: true, text, mode: st.isSymbolicLink ? null : st.mode};
	} catch (error) {
		const code = errCode(error);
		if (code === 'EACCES' || code === 'EPERM') return {ok: false, problem: `${what} at ${file} cannot be read (permission denied). Run the wizard as the user who owns it, or fix its permissions.`};
		if (code === 'EISDIR') return {ok: false, problem: `${what} at ${file} leads to a folder, not a file.`};
		return {ok: false, problem: `${what} at ${file} cannot be read (${code}).`};
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
