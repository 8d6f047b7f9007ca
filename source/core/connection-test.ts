/**
 * Step 6's engine: test the path from this machine to an Ollama server the way AIlice will use it,
 * measure it, and classify any failure into exactly one cause.
 */
import {NetError, type Ctx, type HttpResponse} from './context.js';
import {causeFromNetCode, explain, type Cause, type Diagnosis} from './causes.js';
import {isCgnat} from './ip.js';
import {chatChunk, findModel, isCloudModel, openaiModelsReply, psReply, TAGS_MAX_BYTES, tagsReply, versionReply} from './ollama-api.js';
import {sanitizeText} from './sanitize.js';
import type {OllamaUrl} from './url.js';
import {count} from './words.js';

/** AIlice's openai client gives up on a reply after a fixed 60 s. */
export const AILICE_TIMEOUT_MS = 60_000;

export interface ConnectionTestOptions {
	url: OllamaUrl;
	model?: string;
	samples: number;
	/** Connect and per-request timeout. */
	timeoutMs: number;
	/** How long the streamed chat may take in total (covers a cold model load). */
	chatTimeoutMs: number;
	onProgress?: (check: string, status: 'running' | 'ok' | 'warn' | 'fail', message: string) => void;
}

export interface AddressInfo {
	address: string;
	family: 4 | 6;
	/** In 100.64.0.0/10: routed through a tunnel client (Twingate/Tailscale). */
	tunnel: boolean;
}

export interface Latency {
	min: number;
	p50: number;
	p95: number;
}

export interface ConnectionReport {
	status: 'ok' | 'warn' | 'fail';
	cause: Cause | null;
	message: string;
	fix: string | null;
	url: string;
	addresses: AddressInfo[];
	connectMs: number | null;
	latencyMs: Latency | null;
	version: string | null;
	models: string[];
	model: string | null;
	firstTokenMs: number | null;
	tokensPerSecond: number | null;
	loadMs: number | null;
	warnings: string[];
}

class Failure extends Error {
	constructor(readonly diagnosis: Diagnosis) {
		super(diagnosis.message);
	}
}

const round = (n: number) => Math.round(n * 10) / 10;

export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return 0;
	const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[idx] ?? 0;
}

export function latencyStats(samples: number[]): Latency {
	const sorted = [...samples].sort((a, b) => a - b);
	return {min: round(sorted[0] ?? 0), p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95))};
}

function looksHtml(r: HttpResponse): boolean {
	return /text\/html/i.test(r.headers['content-type'] ?? '') || /^\s*<(!doctype|html|head|body)/i.test(r.text);
}

/** What an error reply says: Ollama's `{"error": "…"}`, OpenAI's `{"error": {"message": "…"}}`, or the text itself; cleaned and short. */
function errorSnippet(text: string): string {
	try {
		const body = JSON.parse(text) as {error?: unknown};
		const error = body?.error;
		if (typeof error === 'string') return snippet(error);
		if (error && typeof error === 'object' && typeof (error as {message?: unknown}).message === 'string') return snippet((error as {message: string}).message);
	} catch {
		// not JSON: the text itself
	}
	return snippet(text);
}

/** Replies that list models: they may legitimately be long (read up to TAGS_MAX_BYTES). */
const LISTS = new Set(['/api/tags', '/v1/models', '/api/ps']);

/** A short, terminal-safe excerpt of what a server sent. */
function snippet(text: string): string {
	const one = sanitizeText(text).replace(/\s+/g, ' ').trim();
	return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}

/** Byte counts as people read them: 16 MiB, 20.3 MiB, 512 KiB. */
export function formatBytes(n: number): string {
	if (n >= 1024 * 1024) return `${Number((n / (1024 * 1024)).toFixed(1))} MiB`;
	if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KiB`;
	return `${n} bytes`;
}

/** How large a reply that was cut at `limit` bytes really is, as far as we can tell. */
export function sizeReached(r: Pick<HttpResponse, 'headers'>, limit: number): string {
	const declared = Number(r.headers['content-length']);
	if (Number.isSafeInteger(declared) && declared > limit) return `${formatBytes(declared)}, more than the ${formatBytes(limit)} the wizard reads`;
	return `it passed the ${formatBytes(limit)} the wizard reads`;
}

/** A list for a one-line message: the first `shown` names, then how many more. */
function listShort(names: string[], shown = 10): string {
	return names.length > shown ? `${names.slice(0, shown).join(', ')} … and ${names.length - shown} more` : names.join(', ');
}

const CONNECT_OUTCOME: Record<string, string> = {
	ECONNREFUSED: 'refused',
	ETIMEDOUT: 'timed out',
	ECONNRESET: 'reset',
	EHOSTUNREACH: 'unreachable',
	ENETUNREACH: 'unreachable',
	EADDRNOTAVAIL: 'unreachable',
};

/** Joins the per-address results of a TCP probe: "::1 refused; 127.0.0.1 refused". */
function triedText(tried: {address: string; error: unknown}[]): string {
	return tried
		.map((t) => {
			const code = t.error instanceof NetError ? t.error.code : 'failed';
			return `${t.address} ${CONNECT_OUTCOME[code] ?? code}`;
		})
		.join('; ');
}

export async function testConnection(ctx: Ctx, opts: ConnectionTestOptions): Promise<ConnectionReport> {
	const {url} = opts;
	const progress = opts.onProgress ?? (() => undefined);
	const report: ConnectionReport = {
		status: 'ok',
		cause: null,
		message: '',
		fix: null,
		url: url.origin,
		addresses: [],
		connectMs: null,
		latencyMs: null,
		version: null,
		models: [],
		model: null,
		firstTokenMs: null,
		tokensPerSecond: null,
		loadMs: null,
		warnings: [],
	};
	const ctxInfo = {host: url.host, port: url.port};
	const fail = (cause: Cause, extra: {detail?: string; path?: string; model?: string; models?: string[]; size?: string} = {}): never => {
		throw new Failure(explain(cause, {...ctxInfo, ...extra}));
	};
	const netFail = (error: unknown, what: string): never => {
		if (error instanceof Failure) throw error;
		if (ctx.signal.aborted) throw error;
		const code = error instanceof NetError ? error.code : 'EUNKNOWN';
		return fail(causeFromNetCode(code), {detail: `${what}: ${error instanceof Error ? error.message : String(error)}`});
	};
	const classifyStatus = (r: HttpResponse, path: string): void => {
		// 403 from Ollama's Host/Origin guard has an empty body; an HTML 403 is some other server.
		if (r.status === 403 && !looksHtml(r)) fail('forbidden', {path});
		if (r.status >= 500) fail('server-error', {detail: `HTTP ${r.status} on ${path}${r.text ? `: ${errorSnippet(r.text)}` : ''}`});
		if (looksHtml(r)) fail('not-ollama', {detail: `an HTML page on ${path}`});
		if (r.status === 404) fail('not-found', {path});
		if (r.status !== 200) fail('not-ollama', {detail: `HTTP ${r.status} on ${path}`});
	};
	const getJson = async (path: string, maxBodyBytes = 2 * 1024 * 1024): Promise<unknown> => {
		let r: HttpResponse;
		try {
			r = await ctx.http.request(`${url.origin}${path}`, {timeoutMs: opts.timeoutMs, maxBodyBytes});
		} catch (error) {
			return netFail(error, `GET ${path}`);
		}
		classifyStatus(r, path);
		if (r.truncated) {
			// A model list grows with the models a server has: too large is what it is. A version or a
			// status that long is not something Ollama sends.
			if (LISTS.has(path)) fail('too-large', {path, size: sizeReached(r, maxBodyBytes)});
			fail('not-ollama', {detail: `${path} answered with more than ${formatBytes(maxBodyBytes)}`});
		}
		try {
			return JSON.parse(r.text);
		} catch {
			return fail('not-ollama', {detail: `${path} did not return valid JSON (${snippet(r.text) || 'empty body'})`});
		}
	};
	const step = async <T>(name: string, running: string, fn: () => Promise<T>, done: (v: T) => string): Promise<T> => {
		progress(name, 'running', running);
		try {
			const value = await fn();
			progress(name, 'ok', done(value));
			return value;
		} catch (error) {
			// A cancel (Ctrl-C) is not a failed check: say nothing, the run reports "Cancelled".
			if (!ctx.signal.aborted) progress(name, 'fail', error instanceof Failure ? error.diagnosis.message : String(error));
			throw error;
		}
	};

	try {
		// 1. Name resolution: which addresses, and are they tunnel handles?
		report.addresses = await step(
			'dns',
			`Resolving ${url.host}`,
			async () => {
				if (url.hostIsIp) return [{address: url.host, family: url.host.includes(':') ? 6 : 4, tunnel: isCgnat(url.host)} as AddressInfo];
				try {
					const found = await ctx.net.lookup(url.host, opts.timeoutMs);
					return found.map((a) => ({...a, tunnel: isCgnat(a.address)}));
				} catch (error) {
					return netFail(error, `DNS lookup of ${url.host}`);
				}
			},
			(list) =>
				`${url.host} → ${list.map((a) => `${a.address}${a.tunnel ? ' (via tunnel client, 100.64.0.0/10)' : ''}`).join(', ')}`,
		);
		if (url.hostIsIp && url.cgnat) {
			report.warnings.push(
				`${url.host} is a 100.64.0.0/10 handle: it only means something on the machine whose tunnel client assigned it. Use the Twingate Resource alias instead.`,
			);
		}

		// 2. TCP connect time, trying every address in the order the resolver gave them, as curl and
		// Python's socket.create_connection do: `localhost` → ::1 then 127.0.0.1 reaches a server that
		// listens on 127.0.0.1 only, and a name with AAAA and A records reaches whichever answers.
		const targets = report.addresses.length ? report.addresses.map((a) => a.address) : [url.host];
		const connected = await step(
			'tcp',
			`Connecting to ${url.host}:${url.port}`,
			async () => {
				const tried: {address: string; error: unknown}[] = [];
				for (const address of targets) {
					try {
						return {address, ms: round(await ctx.net.tcpConnect(address, url.port, opts.timeoutMs))};
					} catch (error) {
						if (ctx.signal.aborted) throw error;
						tried.push({address, error});
					}
				}
				const last = tried[tried.length - 1]?.error;
				if (tried.length === 1) return netFail(last, `TCP connect to ${targets[0]}:${url.port}`);
				// Every address failed: the cause is the one they share, else the last one's (as curl reports).
				const codes = new Set(tried.map((t) => (t.error instanceof NetError ? t.error.code : 'EUNKNOWN')));
				const shared = codes.size === 1 ? last : (tried.find((t) => t.error instanceof NetError && t.error.code === 'ECONNREFUSED')?.error ?? last);
				const code = shared instanceof NetError ? shared.code : 'EUNKNOWN';
				return fail(causeFromNetCode(code), {detail: `TCP connect to port ${url.port} tried ${tried.length} addresses: ${triedText(tried)}`});
			},
			(c) => `TCP connection to ${c.address} in ${c.ms} ms`,
		);
		report.connectMs = connected.ms;

		// 3. GET / must say "Ollama is running".
		await step(
			'root',
			'GET / (is it Ollama?)',
			async () => {
				let r: HttpResponse;
				try {
					r = await ctx.http.request(`${url.origin}/`, {timeoutMs: opts.timeoutMs, maxBodyBytes: 64 * 1024});
				} catch (error) {
					return netFail(error, 'GET /');
				}
				classifyStatus(r, '/');
				if (!r.text.startsWith('Ollama is running')) fail('not-ollama', {detail: `GET / answered ${JSON.stringify(snippet(r.text) || '(empty)')}`});
			},
			() => 'Ollama is running',
		);

		// 4. Version.
		report.version = await step(
			'version',
			'GET /api/version',
			async () => {
				const parsed = versionReply.safeParse(await getJson('/api/version'));
				if (!parsed.success) return fail('not-ollama', {detail: '/api/version has no version string'});
				return parsed.data.version;
			},
			(v) => `Ollama ${v}`,
		);

		// 5. Models.
		const local = await step(
			'models',
			'GET /api/tags',
			async () => {
				const parsed = tagsReply.safeParse(await getJson('/api/tags', TAGS_MAX_BYTES));
				if (!parsed.success) return fail('not-ollama', {detail: '/api/tags does not list models in Ollama’s format'});
				const all = parsed.data.models ?? [];
				report.models = all.map((m) => m.name);
				return all.filter((m) => !isCloudModel(m)).map((m) => m.name);
			},
			(list) => (list.length ? `${count(list.length, 'local model')}: ${listShort(list)}` : 'no local models'),
		);

		// 6. The OpenAI-compatible endpoint AIlice's client uses.
		await step(
			'openai',
			'GET /v1/models (what AIlice calls)',
			async () => {
				const parsed = openaiModelsReply.safeParse(await getJson('/v1/models', TAGS_MAX_BYTES));
				if (!parsed.success) return fail('not-ollama', {detail: '/v1/models is not an OpenAI model list'});
				return parsed.data.data?.length ?? 0;
			},
			(n) => `/v1/models lists ${count(n, 'model')}`,
		);

		// 7. Pick the model.
		let model: string | undefined;
		if (opts.model) {
			model = findModel(report.models, opts.model);
			if (!model) fail('model-missing', {model: opts.model, models: local});
		} else {
			model = local[0];
			if (!model) fail('model-missing', {models: []});
		}
		report.model = model ?? null;

		// 8. Is it loaded already? (a cold load can exceed AIlice's 60 s)
		let loaded: boolean | null = null;
		try {
			const ps = psReply.safeParse(await getJson('/api/ps', TAGS_MAX_BYTES));
			if (ps.success) loaded = Boolean(ps.data.models?.some((m) => findModel([m.name], model ?? '')));
		} catch (error) {
			if (error instanceof Failure && error.diagnosis.cause !== 'not-found') throw error;
		}

		// 9. A tiny streamed chat: time to first token and tokens/s.
		await step(
			'chat',
			`Streaming a short chat with ${model}${loaded === false ? ' (not loaded yet: the first reply includes loading it)' : ''}`,
			async () => chat(ctx, url, model ?? '', opts, report, fail, netFail),
			() =>
				`first token after ${report.firstTokenMs} ms${report.tokensPerSecond !== null ? `, ${report.tokensPerSecond} tokens/s` : ''}`,
		);
		if (report.firstTokenMs !== null && report.firstTokenMs > AILICE_TIMEOUT_MS) {
			report.warnings.push(
				`The first token took ${Math.round(report.firstTokenMs / 1000)} s (model loading ${report.loadMs !== null ? `${Math.round(report.loadMs / 1000)} s` : 'unknown'}); AIlice gives up after 60 s. Preload the model and keep it loaded: set OLLAMA_KEEP_ALIVE=24h (or -1) on the server and run one request before starting AIlice.`,
			);
		} else if (loaded === false && report.loadMs !== null && report.loadMs > 5000) {
			report.warnings.push(
				`The model was not loaded and loading took ${Math.round(report.loadMs / 1000)} s; a larger model may exceed AIlice's 60 s limit. Consider OLLAMA_KEEP_ALIVE=24h on the server.`,
			);
		}

		// 10. Round-trip latency over one kept-alive connection, after a warm-up.
		report.latencyMs = await step(
			'latency',
			`Measuring round-trip latency (${opts.samples} requests)`,
			async () => {
				const session = ctx.http.session(url.origin, {timeoutMs: opts.timeoutMs});
				try {
					const samples: number[] = [];
					for (let i = 0; i <= opts.samples; i++) {
						let r: HttpResponse;
						try {
							r = await session.request('/api/version', {timeoutMs: opts.timeoutMs, maxBodyBytes: 64 * 1024});
						} catch (error) {
							return netFail(error, 'latency sample');
						}
						classifyStatus(r, '/api/version');
						if (i > 0) samples.push(r.totalMs);
					}
					return latencyStats(samples);
				} finally {
					await session.close();
				}
			},
			(l) => `min ${l.min} ms, p50 ${l.p50} ms, p95 ${l.p95} ms`,
		);
	} catch (error) {
		if (!(error instanceof Failure)) throw error;
		report.status = 'fail';
		report.cause = error.diagnosis.cause;
		report.message = error.diagnosis.message;
		report.fix = error.diagnosis.fix;
		return report;
	}
	report.status = report.warnings.length > 0 ? 'warn' : 'ok';
	report.message =
		report.status === 'ok'
			? `Ollama ${report.version} at ${url.origin} answers like AIlice needs: ${report.model} replied, first token in ${report.firstTokenMs} ms.`
			: `Ollama ${report.version} at ${url.origin} works, with ${count(report.warnings.length, 'warning')}.`;
	return report;
}

async function chat(
	ctx: Ctx,
	url: OllamaUrl,
	model: string,
	opts: ConnectionTestOptions,
	report: ConnectionReport,
	fail: (cause: Cause, extra?: {detail?: string; path?: string; model?: string; models?: string[]; size?: string}) => never,
	netFail: (error: unknown, what: string) => never,
): Promise<void> {
	// The chat's own time limit, as a timer this function holds and clears (a bare
	// AbortSignal.timeout can be collected before it fires once it is only referenced weakly).
	const limit = new AbortController();
	const deadline = limit.signal;
	const timer = setTimeout(() => limit.abort(new Error(`the streamed chat did not finish within ${opts.chatTimeoutMs} ms`)), opts.chatTimeoutMs);
	try {
		await chatWithin(ctx, url, model, opts, report, fail, netFail, deadline);
	} finally {
		clearTimeout(timer);
	}
}

async function chatWithin(
	ctx: Ctx,
	url: OllamaUrl,
	model: string,
	opts: ConnectionTestOptions,
	report: ConnectionReport,
	fail: (cause: Cause, extra?: {detail?: string; path?: string; model?: string; models?: string[]; size?: string}) => never,
	netFail: (error: unknown, what: string) => never,
	deadline: AbortSignal,
): Promise<void> {
	const started = ctx.clock.now();
	const body = JSON.stringify({
		model,
		messages: [{role: 'user', content: 'Reply with the single word: ok'}],
		stream: true,
		options: {num_predict: 8, temperature: 0},
	});
	const timedOut = () => fail('timeout', {detail: `the streamed chat did not finish within ${opts.chatTimeoutMs} ms`});
	let res;
	try {
		res = await ctx.http.stream(`${url.origin}/api/chat`, {
			method: 'POST',
			headers: {'content-type': 'application/json'},
			body,
			timeoutMs: opts.chatTimeoutMs,
			bodyTimeoutMs: opts.chatTimeoutMs,
			maxBodyBytes: 1024 * 1024,
			signal: deadline,
		});
	} catch (error) {
		if (deadline.aborted) return timedOut();
		return netFail(error, 'POST /api/chat');
	}
	try {
		if (res.status !== 200) {
			let text = '';
			try {
				for await (const line of res.lines()) {
					text += line;
					if (text.length > 4096) break;
				}
			} catch {
				// the status is what matters here
			}
			if (res.status === 404 && /model .*not found/i.test(text)) fail('model-missing', {model, models: report.models});
			if (res.status === 403) fail('forbidden', {path: '/api/chat'});
			if (res.status >= 500) fail('server-error', {detail: `HTTP ${res.status} on /api/chat${text ? `: ${errorSnippet(text)}` : ''}`});
			if (res.status === 404) fail('not-found', {path: '/api/chat'});
			fail('not-ollama', {detail: `HTTP ${res.status} on /api/chat`});
		}
		let chunks = 0;
		let done = false;
		for await (const line of res.lines()) {
			chunks++;
			let parsed;
			try {
				parsed = chatChunk.safeParse(JSON.parse(line));
			} catch {
				return fail('not-ollama', {detail: `/api/chat streamed a line that is not JSON: ${snippet(line)}`});
			}
			if (!parsed.success) return fail('not-ollama', {detail: '/api/chat streamed JSON in an unexpected shape'});
			const c = parsed.data;
			if (c.error) return fail('server-error', {detail: `mid-stream error: ${snippet(c.error)}`});
			if (report.firstTokenMs === null && (c.message?.content || c.done)) report.firstTokenMs = Math.round(ctx.clock.now() - started);
			if (c.done) {
				done = true;
				if (typeof c.load_duration === 'number') report.loadMs = Math.round(c.load_duration / 1e6);
				if (c.eval_count && c.eval_duration) report.tokensPerSecond = round((c.eval_count / c.eval_duration) * 1e9);
				break;
			}
			// 8 tokens were asked for; thousands of chunks is not a well-behaved server.
			if (chunks > 2000) return fail('not-ollama', {detail: 'the chat stream did not end after 2000 chunks for an 8-token request'});
		}
		if (!done) fail('reset', {detail: 'the chat stream ended before its final chunk'});
	} catch (error) {
		if (error instanceof Failure) throw error;
		if (deadline.aborted) return timedOut();
		return netFail(error, 'the chat stream');
	} finally {
		res.close();
	}
}
