/**
 * The live model list (`GET /api/tags`) and each model's context length (`POST /api/show`,
 * `model_info.*.context_length`) through ctx.http with bounded timeouts (ollama.md §7). Failures are
 * classified with the connection test's causes, so the message names the broken layer.
 */
import {NetError, type Ctx, type HttpResponse} from '../core/context.js';
import {causeFromNetCode, explain, type Cause, type Diagnosis} from '../core/causes.js';
import {contextLengthOf, isCloudModel, showReply, tagsReply, type TagsModel} from '../core/ollama-api.js';
import type {OllamaUrl} from '../core/url.js';

export const MODELS_TIMEOUT_MS = 5000;

export type Fetched<T> = {ok: true; value: T} | {ok: false; diagnosis: Diagnosis};

export interface LiveModels {
	/** Every name /api/tags lists, in its order. */
	names: string[];
	/** Names that run on the server itself (cloud entries, which run on ollama.com, left out). */
	local: string[];
	cloud: string[];
}

function failed(url: OllamaUrl, cause: Cause, extra: {detail?: string; path?: string; model?: string; models?: string[]} = {}): {ok: false; diagnosis: Diagnosis} {
	return {ok: false, diagnosis: explain(cause, {host: url.host, port: url.port, ...extra})};
}

async function requestJson(ctx: Ctx, url: OllamaUrl, path: string, timeoutMs: number, body?: unknown): Promise<Fetched<{status: number; json: unknown; text: string}>> {
	let r: HttpResponse;
	try {
		r = await ctx.http.request(`${url.origin}${path}`, {
			method: body === undefined ? 'GET' : 'POST',
			headers: body === undefined ? undefined : {'content-type': 'application/json'},
			body: body === undefined ? undefined : JSON.stringify(body),
			timeoutMs,
			bodyTimeoutMs: timeoutMs,
			maxBodyBytes: 4 * 1024 * 1024,
		});
	} catch (error) {
		if (ctx.signal.aborted) throw error;
		const code = error instanceof NetError ? error.code : 'EUNKNOWN';
		return failed(url, causeFromNetCode(code), {detail: `${body === undefined ? 'GET' : 'POST'} ${path}: ${(error as Error).message}`});
	}
	if (r.status === 403) return failed(url, 'forbidden', {path});
	if (r.status >= 500) return failed(url, 'server-error', {detail: `HTTP ${r.status} on ${path}`});
	if (/text\/html/i.test(r.headers['content-type'] ?? '')) return failed(url, 'not-ollama', {detail: `an HTML page on ${path}`});
	if (r.truncated) return failed(url, 'not-ollama', {detail: `${path} answered with more than 4 MB`});
	let json: unknown = null;
	try {
		json = r.text === '' ? null : JSON.parse(r.text);
	} catch {
		if (r.status === 200) return failed(url, 'not-ollama', {detail: `${path} did not return JSON`});
	}
	return {ok: true, value: {status: r.status, json, text: r.text}};
}

export async function fetchModels(ctx: Ctx, url: OllamaUrl, timeoutMs = MODELS_TIMEOUT_MS): Promise<Fetched<LiveModels>> {
	const r = await requestJson(ctx, url, '/api/tags', timeoutMs);
	if (!r.ok) return r;
	if (r.value.status === 404) return failed(url, 'not-found', {path: '/api/tags'});
	if (r.value.status !== 200) return failed(url, 'not-ollama', {detail: `HTTP ${r.value.status} on /api/tags`});
	const parsed = tagsReply.safeParse(r.value.json);
	if (!parsed.success) return failed(url, 'not-ollama', {detail: '/api/tags does not list models in Ollama’s format'});
	const all: TagsModel[] = parsed.data.models ?? [];
	return {
		ok: true,
		value: {names: all.map((m) => m.name), local: all.filter((m) => !isCloudModel(m)).map((m) => m.name), cloud: all.filter(isCloudModel).map((m) => m.name)},
	};
}

/** The model's own context length, or null when /api/show does not say. */
export async function fetchContextLength(ctx: Ctx, url: OllamaUrl, model: string, timeoutMs = MODELS_TIMEOUT_MS): Promise<Fetched<number | null>> {
	const r = await requestJson(ctx, url, '/api/show', timeoutMs, {model});
	if (!r.ok) return r;
	if (r.value.status === 404) return failed(url, 'model-missing', {model});
	if (r.value.status !== 200) return failed(url, 'not-ollama', {detail: `HTTP ${r.value.status} on /api/show`});
	const parsed = showReply.safeParse(r.value.json);
	if (!parsed.success) return {ok: true, value: null};
	return {ok: true, value: contextLengthOf(parsed.data)};
}

export type Resolved = {ok: true; names: string[]} | {ok: false; missing: string[]};

/**
 * Ollama's lookup key for a model name, and nothing more: a name without a tag (in its last path
 * segment) means `name:latest`, and letters compare case-insensitively. Only ASCII letters are
 * folded (Ollama's names are ASCII) and nothing is trimmed, so `llama3.2:latest ` (trailing space)
 * or `llama3.2\u00a0` (no-break space) never stands for `llama3.2`.
 */
export function ollamaNameKey(name: string): string {
	const slash = name.lastIndexOf('/');
	const tagged = name.indexOf(':', slash + 1) >= 0 ? name : `${name}:latest`;
	return tagged.replace(/[A-Z]+/g, (c) => c.toLowerCase());
}

/** The server's name for `wanted`: the exact name when listed, else the one with the same lookup key. */
export function matchModel(names: readonly string[], wanted: string): string | undefined {
	if (names.includes(wanted)) return wanted;
	const key = ollamaNameKey(wanted);
	return names.find((n) => ollamaNameKey(n) === key);
}

/** Maps the names the user gave onto the names the server reports (`llama3.2` → `llama3.2:latest`). */
export function resolveModelNames(live: LiveModels, wanted: string[]): Resolved {
	const names: string[] = [];
	const missing: string[] = [];
	for (const w of wanted) {
		const found = matchModel(live.names, w);
		if (found !== undefined) {
			if (!names.includes(found)) names.push(found);
		} else missing.push(w);
	}
	return missing.length ? {ok: false, missing} : {ok: true, names};
}
