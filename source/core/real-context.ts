/**
 * The production implementation of the effects boundary: execa for processes, undici for HTTP,
 * node:dns/node:net for probes, and the one safe file writer of ./files.ts.
 */
import {lookup as dnsLookup} from 'node:dns/promises';
import net from 'node:net';
import os from 'node:os';
import type {Agent, Dispatcher} from 'undici';

// execa and undici load on first use: a screen that only asks a question never pays for them.
let undiciModule: Promise<typeof import('undici')> | undefined;
// undici is CommonJS: in the bundle its named exports sit on `default`.
const undici = () => (undiciModule ??= import('undici').then((m) => (typeof m.Agent === 'function' ? m : (m as unknown as {default: typeof m}).default)));
let execaModule: Promise<typeof import('execa')> | undefined;
const loadExeca = () => (execaModule ??= import('execa'));
import {createFileSystem, readOnlyFs} from './files.js';
import {
	NetError,
	SecretRegistry,
	type Clock,
	type CommandOptions,
	type CommandResult,
	type CommandRunner,
	type Ctx,
	type HttpClient,
	type HttpOptions,
	type HttpResponse,
	type HttpSession,
	type HttpStreamResponse,
	type Logger,
	type NetProbe,
	type TerminalHandOver,
} from './context.js';

export const DEFAULT_COMMAND_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BODY = 4 * 1024 * 1024;

/**
 * Commands through execa, killed by the app-wide `signal`. An `interactive` command gets the real
 * terminal (stdio inherited, no timeout); when a UI owns the terminal (`terminal()` returns its
 * hand-over) the command runs inside handOver, so the UI steps aside while e.g. sudo asks for a password.
 */
export function createCommandRunner(signal: AbortSignal, log: Logger, secrets: SecretRegistry, terminal?: () => TerminalHandOver | undefined): CommandRunner {
	return async (cmd, args, opts = {}) => {
		const shown = secrets.redact([cmd, ...args].join(' '));
		const handOver = opts.interactive ? terminal?.() : undefined;
		if (!handOver) return runCommand(cmd, args, opts, shown);
		try {
			return await handOver.handOver(() => runCommand(cmd, args, opts, shown), shown);
		} catch (error) {
			log.log('warn', `could not hand the terminal to ${shown}: ${(error as Error).message}`);
			return {exitCode: null, stdout: '', stderr: String((error as Error).message), durationMs: 0, timedOut: false, notFound: false};
		}
	};

	async function runCommand(cmd: string, args: string[], opts: CommandOptions, shown: string): Promise<CommandResult> {
		const started = performance.now();
		// Cancelled already (Ctrl-C, SIGTERM, SIGHUP): start nothing new.
		if (signal.aborted) {
			log.log('debug', `not started after the cancel: ${shown}`);
			return {exitCode: null, stdout: '', stderr: 'cancelled', durationMs: 0, timedOut: false, notFound: false};
		}
		// A non-interactive command runs in its own process group, so a timeout or Ctrl-C kills
		// everything it started (a wrapper script's children too), not only the direct child.
		const group = !opts.interactive;
		let timedOut = false;
		let subPid: number | undefined;
		const killGroup = (sig: NodeJS.Signals) => {
			if (!group || subPid === undefined) return;
			try {
				process.kill(-subPid, sig);
			} catch {
				// already gone
			}
		};
		const onAbort = () => {
			killGroup('SIGTERM');
			setTimeout(() => killGroup('SIGKILL'), 2000).unref();
		};
		const limit = opts.interactive ? undefined : (opts.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
		let timer: NodeJS.Timeout | undefined;
		try {
			const {execa} = await loadExeca();
			const sub = execa(cmd, args, {
				reject: false,
				shell: false,
				detached: group,
				cancelSignal: signal,
				forceKillAfterDelay: 2000,
				input: opts.input,
				stdio: opts.interactive ? 'inherit' : undefined,
				stdin: opts.interactive || opts.input !== undefined ? undefined : 'ignore',
				env: opts.env,
				cwd: opts.cwd,
				stripFinalNewline: false,
				maxBuffer: 8 * 1024 * 1024,
			});
			subPid = sub.pid;
			if (group && subPid !== undefined) trackGroup(subPid);
			if (signal.aborted) onAbort();
			else signal.addEventListener('abort', onAbort, {once: true});
			if (limit !== undefined) {
				timer = setTimeout(() => {
					timedOut = true;
					killGroup('SIGKILL');
					sub.kill('SIGKILL');
				}, limit);
				timer.unref();
			}
			const result = await sub;
			const durationMs = Math.round(performance.now() - started);
			const notFound = (result as {code?: string}).code === 'ENOENT';
			const out = {
				exitCode: notFound ? null : (result.exitCode ?? null),
				stdout: typeof result.stdout === 'string' ? result.stdout : '',
				stderr: typeof result.stderr === 'string' ? result.stderr : '',
				durationMs,
				timedOut: timedOut || Boolean(result.timedOut),
				notFound,
			};
			log.log('debug', `ran ${shown}`, {exitCode: out.exitCode, durationMs, timedOut: out.timedOut, notFound});
			return out;
		} catch (error) {
			const durationMs = Math.round(performance.now() - started);
			log.log('warn', `could not run ${shown}: ${(error as Error).message}`);
			return {exitCode: null, stdout: '', stderr: String((error as Error).message), durationMs, timedOut, notFound: false};
		} finally {
			clearTimeout(timer);
			signal.removeEventListener('abort', onAbort);
			// Cancelled or timed out: the direct child is gone, but what it started may not be. Nothing
			// of the command may outlive it (no orphaned `docker run`): what ignored SIGTERM gets SIGKILL.
			if (group && subPid !== undefined) {
				if (signal.aborted || timedOut) await reapGroup(subPid);
				liveGroups.delete(subPid);
			}
		}
	}
}

/**
 * Process groups of commands still running. If the wizard exits while one runs (a second Ctrl-C or
 * SIGHUP exits at once), the exit handler kills them: nothing it started outlives it.
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function trackGroup(pgid: number): void {
	liveGroups.add(pgid);
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.once('exit', () => {
		for (const id of liveGroups) {
			try {
				process.kill(-id, 'SIGKILL');
			} catch {
				// already gone
			}
		}
	});
}

const groupAlive = (pgid: number): boolean => {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
};

/** Waits up to `graceMs` for a process group to end after SIGTERM, then kills what is left. */
export async function reapGroup(pgid: number, graceMs = 2000): Promise<void> {
	const until = performance.now() + graceMs;
	while (groupAlive(pgid) && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
	if (!groupAlive(pgid)) return;
	try {
		process.kill(-pgid, 'SIGKILL');
	} catch {
		// gone in between
	}
}

/** Maps undici / node errors onto one stable code the classifiers understand. */
export function normaliseNetError(error: unknown): NetError {
	if (error instanceof NetError) return error;
	const err = error as {code?: string; name?: string; message?: string; cause?: {code?: string; message?: string}};
	const code = err?.cause?.code ?? err?.code ?? err?.name ?? 'EUNKNOWN';
	const map: Record<string, string> = {
		UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
		UND_ERR_HEADERS_TIMEOUT: 'ETIMEDOUT',
		UND_ERR_BODY_TIMEOUT: 'ETIMEDOUT',
		TimeoutError: 'ETIMEDOUT',
		UND_ERR_SOCKET: 'ECONNRESET',
		EPIPE: 'ECONNRESET',
		UND_ERR_ABORTED: 'EABORTED',
		AbortError: 'EABORTED',
		HTTPParserError: 'HPE_INVALID_RESPONSE',
		EAI_AGAIN: 'ENOTFOUND',
		EAI_NONAME: 'ENOTFOUND',
		EAI_NODATA: 'ENOTFOUND',
	};
	const message = err?.cause?.message ?? err?.message ?? String(error);
	return new NetError(message, map[code] ?? code);
}

function headerRecord(headers: Record<string, string | string[] | undefined>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
	return out;
}

/**
 * One time limit over a whole exchange, as an AbortController of our own: a timer held by this
 * closure (never garbage-collected early, unlike a bare AbortSignal.timeout inside AbortSignal.any)
 * aborts it with a timeout, and so does any of the given signals (with their own reason). `clear()`
 * stops the timer and unhooks the signals.
 */
export interface Deadline {
	signal: AbortSignal;
	/** True when this deadline's own timer fired (not a parent signal). */
	readonly expired: boolean;
	/** Starts (or restarts) the timer: the limit is counted from now. */
	arm(ms: number): void;
	clear(): void;
}

export function createDeadline(parents: (AbortSignal | undefined)[], ms?: number): Deadline {
	const controller = new AbortController();
	let expired = false;
	let timer: NodeJS.Timeout | undefined;
	const hooked: {signal: AbortSignal; onAbort: () => void}[] = [];
	for (const parent of parents) {
		if (!parent) continue;
		if (parent.aborted) {
			controller.abort(parent.reason);
			break;
		}
		const onAbort = () => controller.abort(parent.reason);
		parent.addEventListener('abort', onAbort, {once: true});
		hooked.push({signal: parent, onAbort});
	}
	const deadline: Deadline = {
		signal: controller.signal,
		get expired() {
			return expired;
		},
		arm(limit) {
			clearTimeout(timer);
			if (controller.signal.aborted) return;
			timer = setTimeout(() => {
				expired = true;
				controller.abort(new NetError(`no complete reply within ${limit} ms`, 'ETIMEDOUT'));
			}, limit);
		},
		clear() {
			clearTimeout(timer);
			timer = undefined;
			for (const h of hooked.splice(0)) h.signal.removeEventListener('abort', h.onAbort);
		},
	};
	if (ms !== undefined) deadline.arm(ms);
	return deadline;
}

/** The error a request ends with when its deadline (or the app, or the caller) aborted it. */
function abortError(deadline: Deadline, error: unknown): NetError {
	const reason: unknown = deadline.signal.reason;
	if (deadline.expired && reason instanceof NetError) return reason;
	if (deadline.signal.aborted) return new NetError(reason instanceof Error ? reason.message : 'the request was cancelled', 'EABORTED');
	return normaliseNetError(error);
}

async function readBounded(body: Dispatcher.ResponseData['body'], max: number, deadline: Deadline): Promise<{text: string; truncated: boolean}> {
	const chunks: Buffer[] = [];
	let size = 0;
	let truncated = false;
	const onAbort = () => body.destroy(deadline.signal.reason instanceof Error ? deadline.signal.reason : new NetError('the request was cancelled', 'EABORTED'));
	if (deadline.signal.aborted) onAbort();
	else deadline.signal.addEventListener('abort', onAbort, {once: true});
	try {
		for await (const chunk of body) {
			const buf = chunk as Buffer;
			if (size + buf.length > max) {
				chunks.push(buf.subarray(0, max - size));
				truncated = true;
				body.destroy();
				break;
			}
			chunks.push(buf);
			size += buf.length;
		}
		// A body destroyed by the deadline may end the loop quietly instead of throwing.
		if (deadline.signal.aborted && !truncated) throw deadline.signal.reason;
	} catch (error) {
		if (!truncated) throw abortError(deadline, error);
	} finally {
		deadline.signal.removeEventListener('abort', onAbort);
	}
	return {text: Buffer.concat(chunks).toString('utf8'), truncated};
}

/** Sends one request and waits for the response headers; errors come back normalised. */
async function send(dispatcher: Dispatcher, url: string, opts: HttpOptions, deadline: Deadline, method: 'GET' | 'POST'): Promise<{res: Dispatcher.ResponseData; headersMs: number; started: number}> {
	const started = performance.now();
	try {
		const {request: undiciRequest} = await undici();
		const res = await undiciRequest(url, {
			dispatcher,
			method: opts.method ?? method,
			headers: opts.headers,
			body: opts.body,
			signal: deadline.signal,
			headersTimeout: opts.timeoutMs,
			bodyTimeout: opts.bodyTimeoutMs ?? opts.timeoutMs,
		});
		return {res, headersMs: performance.now() - started, started};
	} catch (error) {
		throw abortError(deadline, error);
	}
}

/**
 * The time limit of one request/response exchange, connect to last body byte: `timeoutMs`, or
 * `bodyTimeoutMs` when that is longer. A server that sends its headers and then trickles the body
 * (one byte now and then never lets an idle timeout fire) is cut off here all the same.
 */
export function exchangeLimitMs(opts: Pick<HttpOptions, 'timeoutMs' | 'bodyTimeoutMs'>): number {
	return Math.max(opts.timeoutMs, opts.bodyTimeoutMs ?? 0);
}

async function doRequest(dispatcher: Dispatcher, url: string, opts: HttpOptions, appSignal: AbortSignal): Promise<HttpResponse> {
	const deadline = createDeadline([appSignal, opts.signal], exchangeLimitMs(opts));
	try {
		const {res, headersMs, started} = await send(dispatcher, url, opts, deadline, 'GET');
		const {text, truncated} = await readBounded(res.body, opts.maxBodyBytes ?? DEFAULT_MAX_BODY, deadline);
		return {status: res.statusCode, headers: headerRecord(res.headers), text, truncated, headersMs, totalMs: performance.now() - started};
	} finally {
		deadline.clear();
	}
}

export function createHttpClient(appSignal: AbortSignal): HttpClient {
	const agents = new Map<number, Agent>();
	const agentFor = async (timeoutMs: number) => {
		let agent = agents.get(timeoutMs);
		if (!agent) {
			const {Agent: UndiciAgent} = await undici();
			agent = new UndiciAgent({connect: {timeout: timeoutMs}, keepAliveTimeout: 1000, pipelining: 0});
			agents.set(timeoutMs, agent);
		}
		return agent;
	};
	return {
		request: async (url, opts) => doRequest(await agentFor(opts.timeoutMs), url, opts, appSignal),
		/**
		 * A streamed reply: the headers within `timeoutMs`, then the whole body within `bodyTimeoutMs`
		 * (default `timeoutMs`) counted from the headers, however steadily it trickles.
		 */
		async stream(url, opts): Promise<HttpStreamResponse> {
			const deadline = createDeadline([appSignal, opts.signal], opts.timeoutMs);
			let res: Dispatcher.ResponseData;
			let headersMs: number;
			try {
				({res, headersMs} = await send(await agentFor(opts.timeoutMs), url, opts, deadline, 'POST'));
			} catch (error) {
				deadline.clear();
				throw error;
			}
			const bodyLimit = opts.bodyTimeoutMs ?? opts.timeoutMs;
			deadline.arm(bodyLimit);
			const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
			const body = res.body;
			const onAbort = () => body.destroy(deadline.signal.reason instanceof Error ? deadline.signal.reason : new NetError('the request was cancelled', 'EABORTED'));
			deadline.signal.addEventListener('abort', onAbort, {once: true});
			const finish = () => {
				deadline.signal.removeEventListener('abort', onAbort);
				deadline.clear();
				body.destroy();
			};
			return {
				status: res.statusCode,
				headers: headerRecord(res.headers),
				headersMs,
				close: finish,
				async *lines() {
					let buffered = '';
					let size = 0;
					const decoder = new TextDecoder('utf-8');
					try {
						for await (const chunk of body) {
							const buf = chunk as Buffer;
							size += buf.length;
							if (size > max) throw new NetError(`the reply grew beyond ${max} bytes`, 'ETOOBIG');
							buffered += decoder.decode(buf, {stream: true});
							let nl: number;
							while ((nl = buffered.indexOf('\n')) >= 0) {
								const line = buffered.slice(0, nl).trim();
								buffered = buffered.slice(nl + 1);
								if (line) yield line;
							}
							if (buffered.length > max) throw new NetError('a line of the reply is too long', 'ETOOBIG');
						}
						if (deadline.signal.aborted) throw deadline.signal.reason;
					} catch (error) {
						if (error instanceof NetError && error.code === 'ETOOBIG') throw error;
						throw abortError(deadline, error);
					} finally {
						finish();
					}
					const rest = (buffered + decoder.decode()).trim();
					if (rest) yield rest;
				},
			};
		},
		session(origin, {timeoutMs}): HttpSession {
			const client = undici().then(({Client}) => new Client(origin, {connect: {timeout: timeoutMs}, pipelining: 1, keepAliveTimeout: 10_000}));
			return {
				request: async (p, opts) => doRequest(await client, new URL(p, origin).toString(), opts, appSignal),
				close: async () => {
					await (await client).close().catch(() => undefined);
				},
			};
		},
	};
}

export function createNetProbe(appSignal: AbortSignal): NetProbe {
	return {
		async lookup(host, timeoutMs) {
			const timer = new Promise<never>((_, reject) => {
				const t = setTimeout(() => reject(new NetError(`DNS lookup of ${host} timed out`, 'ENOTFOUND')), timeoutMs);
				t.unref();
			});
			try {
				const found = await Promise.race([dnsLookup(host, {all: true, verbatim: true}), timer]);
				return found.map((a) => ({address: a.address, family: a.family === 6 ? 6 : 4}));
			} catch (error) {
				throw normaliseNetError(error);
			}
		},
		tcpConnect(host, port, timeoutMs) {
			return new Promise((resolve, reject) => {
				const started = performance.now();
				const socket = net.connect({host, port, signal: appSignal});
				const timer = setTimeout(() => {
					socket.destroy();
					reject(new NetError(`no TCP connection to ${host}:${port} within ${timeoutMs} ms`, 'ETIMEDOUT'));
				}, timeoutMs);
				socket.once('connect', () => {
					clearTimeout(timer);
					const ms = performance.now() - started;
					socket.end();
					socket.destroy();
					resolve(ms);
				});
				socket.once('error', (error) => {
					clearTimeout(timer);
					reject(normaliseNetError(error));
				});
			});
		},
	};
}

export const realClock: Clock = {
	now: () => Date.now(),
	sleep: (ms, signal) =>
		new Promise((resolve, reject) => {
			if (signal?.aborted) return reject(signal.reason);
			const t = setTimeout(resolve, ms);
			signal?.addEventListener(
				'abort',
				() => {
					clearTimeout(t);
					reject(signal.reason);
				},
				{once: true},
			);
		}),
};

export interface RealCtxOptions {
	/** Backups kept per file (default 5). */
	keepBackups?: number;
	signal: AbortSignal;
	log: Logger;
	secrets?: SecretRegistry;
	dryRun?: boolean;
	env?: Record<string, string | undefined>;
	platform?: NodeJS.Platform;
	/**
	 * The terminal hand-over of a full-screen UI. It can also be set later on the returned ctx
	 * (`ctx.terminal = …`, as the Ink UI does once it mounts): interactive commands use whichever is set when they run.
	 */
	terminal?: TerminalHandOver;
}

export function createRealCtx(opts: RealCtxOptions): Ctx {
	const secrets = opts.secrets ?? new SecretRegistry();
	const fs = createFileSystem(realClock, {keepBackups: opts.keepBackups});
	const ctx: Ctx = {
		run: createCommandRunner(opts.signal, opts.log, secrets, () => ctx.terminal),
		http: createHttpClient(opts.signal),
		net: createNetProbe(opts.signal),
		fs: opts.dryRun ? readOnlyFs(fs) : fs,
		clock: realClock,
		log: opts.log,
		platform: opts.platform ?? process.platform,
		env: opts.env ?? process.env,
		home: os.homedir(),
		cwd: process.cwd(),
		signal: opts.signal,
		secrets,
		dryRun: Boolean(opts.dryRun),
		terminal: opts.terminal,
		progress: () => undefined,
	};
	return ctx;
}

// Kept for existing imports: the file system lives in ./files.ts.
export {createFileSystem, readOnlyFs, timestamp} from './files.js';
