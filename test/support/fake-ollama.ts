/**
 * A real `node:http` server on 127.0.0.1 that speaks Ollama's HTTP API (https://github.com/ollama/ollama/blob/main/docs/api.md),
 * with fault modes, for integration tests of the connection tester.
 *
 * Normal behaviour:
 * - `GET|HEAD /` → 200 `text/plain; charset=utf-8` `Ollama is running`.
 * - `GET|HEAD /api/version`, `GET|HEAD /api/tags`, `GET /api/ps`, `POST /api/show`, `POST /api/chat`,
 *   `POST /api/generate`, `GET /v1/models`, `POST /v1/chat/completions`.
 * - Unknown path → 404 `text/plain` `404 page not found`; wrong method → 405 `405 method not allowed`
 *   (gin defaults); `OPTIONS` anywhere → 204 (loopback Host guard).
 * - Model lookup normalises like Ollama: no tag means `:latest`, case-insensitive.
 * - A successful chat/generate/preload marks the model as loaded (`/api/ps`); `keep_alive: 0` on a
 *   preload unloads it (`done_reason: "unload"`).
 *
 * Timing: `firstTokenDelayMs` is waited before the response headers of every chat/generate request
 * (including a preload), as a cold load, and is reported as `load_duration`. `tokenDelayMs` is waited
 * between tokens; `eval_duration` = tokens × tokenDelayMs (a delay of 0 is reported as
 * {@link NOMINAL_TOKEN_MS} ms per token so tokens/s stays finite).
 */
import {createHash} from 'node:crypto';
import http from 'node:http';
import net from 'node:net';

export type Fault =
	/** Normal Ollama. */
	| 'none'
	/** Accept the connection and read the request, never answer. */
	| 'hang'
	/** Accept the connection and read the request, then reset it (RST) without any reply. */
	| 'reset'
	/** Every request → 403, empty body, `Content-Length: 0` (Host-header guard / CORS). */
	| 'forbidden'
	/** Every request → 404 `404 page not found` (an old or wrong server). */
	| 'notfound-all'
	/** Every request → 200 `text/html` nginx welcome page. */
	| 'html'
	/** JSON bodies (including NDJSON/SSE streams) are cut short, e.g. `{"models":[{"name":`; status 200 stays. */
	| 'malformed-json'
	/** Model-running endpoints (chat, generate, preload, OpenAI chat) → 500 `llama runner process has terminated`. */
	| 'server-error'
	/** Every request → 200 with an endless body streamed in chunks until the client disconnects. */
	| 'huge-body'
	/** Chat/generate/OpenAI chat stream `done:false` chunks forever (whatever `stream` says) until the client disconnects. */
	| 'endless-stream'
	/** Every non-empty body carries invalid UTF-8 bytes (inside the first JSON string value, or mid-text). */
	| 'invalid-utf8'
	/** JSON replies with wrong types, e.g. `{"models":"yes"}`, `{"version":42}`. */
	| 'wrong-types'
	/**
	 * Headers at once, then the normal body one byte every `trickleMs` (default 500 ms): a server that
	 * never goes idle long enough for an idle timeout to fire, but takes ages to finish.
	 */
	| 'trickle';

export const FAULTS: readonly Fault[] = [
	'none',
	'hang',
	'reset',
	'forbidden',
	'notfound-all',
	'html',
	'malformed-json',
	'server-error',
	'huge-body',
	'endless-stream',
	'invalid-utf8',
	'wrong-types',
	'trickle',
];

export interface FakeModel {
	/** As listed by /api/tags, e.g. `llama3.2:latest`. */
	name: string;
	/** `model_info.<family>.context_length` in /api/show; null leaves the key out. Default 8192. */
	contextLength?: number | null;
	/** Makes this a cloud entry (`remote_host`); names ending `:cloud`/`-cloud` are cloud entries too. */
	remoteHost?: string;
	/** Default: `qwen2` for names starting with `qwen`, else `llama`. */
	family?: string;
	/** Default `7B`. */
	parameterSize?: string;
	/** Bytes. Default derived from the name. */
	size?: number;
	/** /api/show capabilities. Default `["completion"]`. */
	capabilities?: string[];
}

export interface FakeOllamaOptions {
	/** /api/version. Default `0.17.2`. */
	version?: string;
	/** /api/tags list; null answers `{"models":null}`. Default {@link DEFAULT_MODELS}. */
	models?: FakeModel[] | null;
	/** Names listed by /api/ps. Default none. */
	loaded?: string[];
	/** Tokens per chat reply. Default 8. */
	tokens?: number;
	/** Wait before the first token (cold load), also reported as `load_duration`. Default 0. */
	firstTokenDelayMs?: number;
	/** Wait between tokens. Default 0. */
	tokenDelayMs?: number;
	/** Stream an error line `{"error":"an error was encountered while running the model"}` mid-stream (status 200). */
	midStreamError?: boolean;
	/** Tokens sent before the mid-stream error. Default floor(tokens / 2). */
	midStreamErrorAfter?: number;
	/** Default `none`. */
	fault?: Fault;
	/** Under the `trickle` fault: ms between two bytes of a body. Default 500. */
	trickleMs?: number;
	/** The error text of the `server-error` fault's 500 replies. Default {@link SERVER_ERROR}. */
	serverError?: string;
}

export interface FakeRequest {
	method: string;
	/** `req.url` as received (path plus query). */
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

export interface FakeOllama {
	/** `http://127.0.0.1:PORT`, no trailing slash. */
	url: string;
	port: number;
	/** Every request received, in order (also under faults; recorded once the request body is read). */
	requests: FakeRequest[];
	setFault(fault: Fault): void;
	/** Changes options at runtime; `loaded` replaces the loaded list. */
	set(opts: Partial<FakeOllamaOptions>): void;
	/** Sockets currently open to the server (note: undici may open a spare idle one). */
	openConnections(): number;
	/** Requests whose response has not closed yet (streaming, hanging or delayed ones). */
	activeRequests(): number;
	/** Stops listening, destroys every socket (also hanging or endless ones), clears timers. Idempotent. */
	close(): Promise<void>;
}

export const DEFAULT_VERSION = '0.17.2';
export const NOMINAL_TOKEN_MS = 20;
export const PROMPT_EVAL_COUNT = 26;
export const MID_STREAM_ERROR = 'an error was encountered while running the model';
export const SERVER_ERROR = 'llama runner process has terminated: signal: killed';
export const HTML_PAGE = '<html><body><h1>Welcome to nginx!</h1></body></html>';
const WARM_LOAD_NS = 1_334_875;
const PROMPT_EVAL_NS = PROMPT_EVAL_COUNT * 2_000_000;
const OVERHEAD_NS = 1_000_000;
const CLOUD_HOST = 'https://ollama.com:443';
const WORDS = ['Hi', '!', ' How', ' can', ' I', ' help', ' you', ' today', '?'];
const INVALID_UTF8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28]);
const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

export const DEFAULT_MODELS: readonly FakeModel[] = [
	{name: 'llama3.2:latest', contextLength: 131072, family: 'llama', parameterSize: '3.2B', size: 2019393189},
	{name: 'qwen2.5-coder:7b', contextLength: 32768, family: 'qwen2', parameterSize: '7.6B', size: 4683087519},
];

// Exact /api/tags sample values of Ollama's API documentation for llama3.2:latest.
const KNOWN_DIGESTS: Record<string, string> = {
	'llama3.2:latest': 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
	'qwen2.5-coder:7b': '2b0496514337a3d5901f1d253d01726c890b721e891335a56d6e08cedf3e2cb0',
};
const KNOWN_MODIFIED: Record<string, string> = {
	'llama3.2:latest': '2025-05-04T17:37:44.706015396-07:00',
	'qwen2.5-coder:7b': '2025-04-12T09:15:02.118374651-07:00',
};
const DEFAULT_MODIFIED = '2025-06-01T12:00:00.000000000Z';

const ROUTES: Record<string, readonly string[]> = {
	'/': ['GET', 'HEAD'],
	'/api/version': ['GET', 'HEAD'],
	'/api/tags': ['GET', 'HEAD'],
	'/api/ps': ['GET'],
	'/api/show': ['POST'],
	'/api/chat': ['POST'],
	'/api/generate': ['POST'],
	'/v1/models': ['GET'],
	'/v1/chat/completions': ['POST'],
};

interface State {
	version: string;
	models: FakeModel[] | null;
	loaded: string[];
	tokens: number;
	firstTokenDelayMs: number;
	tokenDelayMs: number;
	midStreamError: boolean;
	midStreamErrorAfter: number | undefined;
	fault: Fault;
	trickleMs: number;
	serverError: string;
}

interface Ctx {
	req: http.IncomingMessage;
	res: http.ServerResponse;
	method: string;
	path: string;
	body: string;
	fault: Fault;
	signal: AbortSignal;
}

type JsonObject = Record<string, unknown>;
type Kind = 'chat' | 'generate' | 'openai';

/**
 * Ollama's lookup key: `name` means `name:latest`, ASCII letters compared case-insensitively, and
 * nothing else (no trimming, no Unicode folding), so a listed `llama3.2:latest ` is not `llama3.2`.
 */
export function normaliseName(name: string): string {
	const last = name.split('/').pop() ?? name;
	return (last.includes(':') ? name : `${name}:latest`).replace(/[A-Z]+/g, (c) => c.toLowerCase());
}

function isCloud(m: FakeModel): boolean {
	return Boolean(m.remoteHost) || /(-cloud|:cloud)$/i.test(m.name);
}

function familyOf(m: FakeModel): string {
	return m.family ?? (m.name.toLowerCase().startsWith('qwen') ? 'qwen2' : 'llama');
}

function digestOf(m: FakeModel): string {
	return (Object.hasOwn(KNOWN_DIGESTS, m.name) ? KNOWN_DIGESTS[m.name] : undefined) ?? createHash('sha256').update(m.name).digest('hex');
}

function sizeOf(m: FakeModel): number {
	if (m.size !== undefined) return m.size;
	if (isCloud(m)) return 384;
	return 1_000_000_000 + (parseInt(digestOf(m).slice(0, 6), 16) % 1_000_000) * 1000;
}

function modifiedOf(m: FakeModel): string {
	return (Object.hasOwn(KNOWN_MODIFIED, m.name) ? KNOWN_MODIFIED[m.name] : undefined) ?? DEFAULT_MODIFIED;
}

function detailsOf(m: FakeModel): JsonObject {
	const family = familyOf(m);
	if (isCloud(m)) {
		return {parent_model: '', format: '', family, families: [family], parameter_size: m.parameterSize ?? '', quantization_level: ''};
	}
	return {parent_model: '', format: 'gguf', family, families: [family], parameter_size: m.parameterSize ?? '7B', quantization_level: 'Q4_K_M'};
}

function tagsEntry(m: FakeModel): JsonObject {
	const entry: JsonObject = {name: m.name, model: m.name};
	if (isCloud(m)) {
		entry.remote_model = m.name.replace(/(-cloud|:cloud)$/i, '');
		entry.remote_host = m.remoteHost ?? CLOUD_HOST;
	}
	return {...entry, modified_at: modifiedOf(m), size: sizeOf(m), digest: digestOf(m), details: detailsOf(m)};
}

function contextOf(m: FakeModel): number | null {
	return m.contextLength === undefined ? 8192 : m.contextLength;
}

function ownerOf(name: string): string {
	const parts = name.split(':')[0]?.split('/') ?? [];
	if (parts.length >= 3) return parts[1] ?? 'library';
	if (parts.length === 2) return parts[0] ?? 'library';
	return 'library';
}

function createdOf(m: FakeModel): number {
	return Math.floor(Date.parse(modifiedOf(m).replace(/\.\d+/, '')) / 1000);
}

/** Cut a JSON text right after the first `"name":` (else the first `:`): `{"models":[{"name":`. */
function truncateJson(text: string): string {
	const at = text.indexOf('"name":');
	if (at >= 0) return text.slice(0, at + '"name":'.length);
	const colon = text.indexOf(':');
	return colon >= 0 ? text.slice(0, colon + 1) : text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}

/** Insert invalid UTF-8 inside the first JSON string value, else before the first space, else at the start. */
function corrupt(buf: Buffer): Buffer {
	if (buf.length === 0) return buf;
	let at = buf.indexOf('":"');
	if (at >= 0) at += 3;
	else at = Math.max(0, buf.indexOf(' '));
	return Buffer.concat([buf.subarray(0, at), INVALID_UTF8, buf.subarray(at)]);
}

function keepAliveIsZero(v: unknown): boolean {
	return v === 0 || v === '0' || (typeof v === 'string' && /^0+(\.0+)?(ns|us|µs|ms|s|m|h)?$/.test(v.trim()));
}

export async function startFakeOllama(opts: FakeOllamaOptions = {}): Promise<FakeOllama> {
	const state: State = {
		version: DEFAULT_VERSION,
		models: DEFAULT_MODELS.map((m) => ({...m})),
		loaded: [],
		tokens: 8,
		firstTokenDelayMs: 0,
		tokenDelayMs: 0,
		midStreamError: false,
		midStreamErrorAfter: undefined,
		fault: 'none',
		trickleMs: 500,
		serverError: SERVER_ERROR,
	};
	const apply = (o: Partial<FakeOllamaOptions>): void => {
		if (o.version !== undefined) state.version = o.version;
		if (o.models !== undefined) state.models = o.models === null ? null : o.models.map((m) => ({...m}));
		if (o.loaded !== undefined) state.loaded = [...o.loaded];
		if (o.tokens !== undefined) state.tokens = Math.max(0, Math.floor(o.tokens));
		if (o.firstTokenDelayMs !== undefined) state.firstTokenDelayMs = Math.max(0, o.firstTokenDelayMs);
		if (o.tokenDelayMs !== undefined) state.tokenDelayMs = Math.max(0, o.tokenDelayMs);
		if (o.midStreamError !== undefined) state.midStreamError = o.midStreamError;
		if ('midStreamErrorAfter' in o) state.midStreamErrorAfter = o.midStreamErrorAfter;
		if (o.fault !== undefined) state.fault = o.fault;
		if (o.trickleMs !== undefined) state.trickleMs = Math.max(1, o.trickleMs);
		if (o.serverError !== undefined) state.serverError = o.serverError;
	};
	apply(opts);

	const requests: FakeRequest[] = [];
	const sockets = new Set<net.Socket>();
	const timers = new Set<NodeJS.Timeout>();
	const controllers = new Set<AbortController>();
	let closing: Promise<void> | undefined;

	const wait = (ms: number, signal: AbortSignal): Promise<boolean> => {
		if (signal.aborted) return Promise.resolve(false);
		if (ms <= 0) return Promise.resolve(true);
		return new Promise((resolve) => {
			const onAbort = (): void => {
				clearTimeout(timer);
				timers.delete(timer);
				resolve(false);
			};
			const timer = setTimeout(() => {
				timers.delete(timer);
				signal.removeEventListener('abort', onAbort);
				resolve(true);
			}, ms);
			timers.add(timer);
			signal.addEventListener('abort', onAbort, {once: true});
		});
	};

	const findModel = (wanted: string): FakeModel | undefined => {
		const key = normaliseName(wanted);
		return (state.models ?? []).find((m) => normaliseName(m.name) === key);
	};

	const markLoaded = (name: string): void => {
		if (!state.loaded.some((n) => normaliseName(n) === normaliseName(name))) state.loaded.push(name);
	};

	// ---- low-level writers -------------------------------------------------------------------

	const send = (ctx: Ctx, status: number, contentType: string | null, body: string | Buffer, extra: Record<string, string> = {}): void => {
		let buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
		if (ctx.fault === 'invalid-utf8') buf = corrupt(buf);
		const headers: Record<string, string | number> = {...extra, 'Content-Length': buf.length};
		if (contentType) headers['Content-Type'] = contentType;
		ctx.res.writeHead(status, headers);
		if (ctx.fault === 'trickle' && ctx.method !== 'HEAD') {
			void trickle(ctx, buf).then((ok) => {
				if (ok) ctx.res.end();
			});
			return;
		}
		ctx.res.end(buf);
	};

	const sendJson = (ctx: Ctx, status: number, value: unknown): void => {
		const text = JSON.stringify(value);
		send(ctx, status, JSON_TYPE, ctx.fault === 'malformed-json' ? truncateJson(text) : text);
	};

	const sendError = (ctx: Ctx, status: number, message: string): void => sendJson(ctx, status, {error: message});

	const sendOpenAiError = (ctx: Ctx, status: number, message: string): void => {
		const type = status === 400 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : 'api_error';
		sendJson(ctx, status, {error: {message, type, param: null, code: null}});
	};

	/** Write with back-pressure; false once the client is gone. */
	const write = (ctx: Ctx, data: string | Buffer): Promise<boolean> => {
		const {res, signal} = ctx;
		if (signal.aborted || res.destroyed || res.writableEnded) return Promise.resolve(false);
		if (res.write(data)) return Promise.resolve(true);
		return new Promise((resolve) => {
			const finish = (ok: boolean): void => {
				res.off('drain', onDrain);
				signal.removeEventListener('abort', onAbort);
				resolve(ok);
			};
			const onDrain = (): void => finish(true);
			const onAbort = (): void => finish(false);
			res.once('drain', onDrain);
			signal.addEventListener('abort', onAbort, {once: true});
		});
	};

	/** The `trickle` fault: the headers are out (flushed now), then one byte every trickleMs; false once the client is gone. */
	const trickle = async (ctx: Ctx, buf: Buffer): Promise<boolean> => {
		ctx.res.flushHeaders();
		for (let i = 0; i < buf.length; i++) {
			if (i > 0 && !(await wait(state.trickleMs, ctx.signal))) return false;
			if (!(await write(ctx, buf.subarray(i, i + 1)))) return false;
		}
		return true;
	};

	/** A streamed (chunked) reply whose pieces honour the invalid-utf8, malformed-json and trickle faults. */
	const openStream = (ctx: Ctx, contentType: string) => {
		ctx.res.writeHead(200, {'Content-Type': contentType, 'Cache-Control': 'no-cache'});
		let cut = false;
		return {
			/** false: stop producing (client gone, or the stream was cut by malformed-json). */
			async piece(text: string): Promise<boolean> {
				if (cut) return false;
				let out = text;
				if (ctx.fault === 'malformed-json') {
					out = truncateJson(text);
					cut = true;
				}
				const data = ctx.fault === 'invalid-utf8' ? corrupt(Buffer.from(out, 'utf8')) : out;
				const ok = ctx.fault === 'trickle' ? await trickle(ctx, Buffer.from(data)) : await write(ctx, data);
				if (cut) ctx.res.end();
				return ok && !cut;
			},
			end(): void {
				if (!ctx.res.writableEnded) ctx.res.end();
			},
		};
	};

	// ---- faults that ignore routing ------------------------------------------------------------

	const hugeBody = async (ctx: Ctx): Promise<void> => {
		const json = ctx.path !== '/';
		ctx.res.writeHead(200, {'Content-Type': json ? JSON_TYPE : TEXT_TYPE});
		if (ctx.method === 'HEAD') {
			ctx.res.end();
			return;
		}
		const filler = json ? '{"name":"filler-model:latest","size":1},'.repeat(1600) : 'Ollama is running '.repeat(3600);
		if (!(await write(ctx, json ? '{"models":[' : 'Ollama is running'))) return;
		while (await write(ctx, filler)) {
			await new Promise<void>((resolve) => setImmediate(resolve));
		}
	};

	// ---- model-running endpoints ----------------------------------------------------------------

	const generation = async (ctx: Ctx, kind: Kind, modelName: string, stream: boolean, includeUsage: boolean): Promise<void> => {
		const {signal} = ctx;
		const wrong = ctx.fault === 'wrong-types';
		const tokens = state.tokens;
		const tokenDelayMs = state.tokenDelayMs;
		const firstTokenDelayMs = state.firstTokenDelayMs;
		const errorAfter = state.midStreamError ? Math.min(tokens, state.midStreamErrorAfter ?? Math.floor(tokens / 2)) : -1;
		const id = `chatcmpl-${Math.floor(Math.random() * 1000)}`;
		const createdSec = Math.floor(Date.now() / 1000);
		const word = (i: number): string => WORDS[i % WORDS.length] ?? '';

		const loadNs = firstTokenDelayMs > 0 ? Math.round(firstTokenDelayMs * 1e6) : WARM_LOAD_NS;
		const evalNs = Math.round(tokens * (tokenDelayMs > 0 ? tokenDelayMs : NOMINAL_TOKEN_MS) * 1e6);
		const metrics = {
			total_duration: loadNs + PROMPT_EVAL_NS + evalNs + OVERHEAD_NS,
			load_duration: loadNs,
			prompt_eval_count: PROMPT_EVAL_COUNT,
			prompt_eval_duration: PROMPT_EVAL_NS,
			eval_count: tokens,
			eval_duration: evalNs,
		};

		const chunk = (content: string): string => {
			const created_at = new Date().toISOString();
			if (kind === 'openai') {
				const body = wrong
					? {choices: 'none'}
					: {id, object: 'chat.completion.chunk', created: createdSec, model: modelName, system_fingerprint: 'fp_ollama', choices: [{index: 0, delta: {role: 'assistant', content}, finish_reason: null}]};
				return `data: ${JSON.stringify(body)}\n\n`;
			}
			if (wrong) return `${JSON.stringify(kind === 'chat' ? {model: 1, message: content, done: 'no'} : {model: 1, response: 7, done: 'no'})}\n`;
			const body = kind === 'chat' ? {model: modelName, created_at, message: {role: 'assistant', content}, done: false} : {model: modelName, created_at, response: content, done: false};
			return `${JSON.stringify(body)}\n`;
		};

		const finalPieces = (): string[] => {
			const created_at = new Date().toISOString();
			if (kind === 'openai') {
				const last = wrong
					? {choices: 'none'}
					: {id, object: 'chat.completion.chunk', created: createdSec, model: modelName, system_fingerprint: 'fp_ollama', choices: [{index: 0, delta: {role: 'assistant', content: ''}, finish_reason: 'stop'}]};
				const pieces = [`data: ${JSON.stringify(last)}\n\n`];
				if (includeUsage && !wrong) {
					const usage = {prompt_tokens: PROMPT_EVAL_COUNT, completion_tokens: tokens, total_tokens: PROMPT_EVAL_COUNT + tokens};
					pieces.push(`data: ${JSON.stringify({id, object: 'chat.completion.chunk', created: createdSec, model: modelName, system_fingerprint: 'fp_ollama', choices: [], usage})}\n\n`);
				}
				pieces.push('data: [DONE]\n\n');
				return pieces;
			}
			if (wrong) return [`${JSON.stringify({done: 'yes', eval_count: 'many', eval_duration: 'fast', load_duration: 'slow'})}\n`];
			const head = kind === 'chat' ? {model: modelName, created_at, message: {role: 'assistant', content: ''}} : {model: modelName, created_at, response: ''};
			const tail = kind === 'generate' ? {context: [1, 2, 3]} : {};
			return [`${JSON.stringify({...head, done: true, done_reason: 'stop', ...metrics, ...tail})}\n`];
		};

		const errorPiece = (): string =>
			kind === 'openai'
				? `data: ${JSON.stringify({error: {message: MID_STREAM_ERROR, type: 'api_error', param: null, code: null}})}\n\n`
				: `${JSON.stringify({error: MID_STREAM_ERROR})}\n`;

		const contentType = kind === 'openai' ? 'text/event-stream' : 'application/x-ndjson';

		// Cold load: nothing (not even headers) until the first token.
		if (!(await wait(firstTokenDelayMs, signal))) return;

		if (ctx.fault === 'endless-stream') {
			markLoaded(modelName);
			const out = openStream(ctx, contentType);
			for (let i = 0; ; i++) {
				if (!(await out.piece(chunk(word(i))))) return;
				if (!(await wait(tokenDelayMs > 0 ? tokenDelayMs : 1, signal))) return;
			}
		}

		if (!stream) {
			if (!(await wait(tokens * tokenDelayMs, signal))) return;
			if (errorAfter >= 0) {
				if (kind === 'openai') sendOpenAiError(ctx, 500, MID_STREAM_ERROR);
				else sendError(ctx, 500, MID_STREAM_ERROR);
				return;
			}
			markLoaded(modelName);
			const text = Array.from({length: tokens}, (_, i) => word(i)).join('');
			const created_at = new Date().toISOString();
			if (kind === 'openai') {
				sendJson(
					ctx,
					200,
					wrong
						? {choices: 'none', usage: 'n/a'}
						: {
								id,
								object: 'chat.completion',
								created: createdSec,
								model: modelName,
								system_fingerprint: 'fp_ollama',
								choices: [{index: 0, message: {role: 'assistant', content: text}, finish_reason: 'stop'}],
								usage: {prompt_tokens: PROMPT_EVAL_COUNT, completion_tokens: tokens, total_tokens: PROMPT_EVAL_COUNT + tokens},
							},
				);
			} else if (wrong) {
				sendJson(ctx, 200, {message: text, done: 'yes', eval_count: 'many'});
			} else if (kind === 'chat') {
				sendJson(ctx, 200, {model: modelName, created_at, message: {role: 'assistant', content: text}, done: true, done_reason: 'stop', ...metrics});
			} else {
				sendJson(ctx, 200, {model: modelName, created_at, response: text, done: true, done_reason: 'stop', ...metrics, context: [1, 2, 3]});
			}
			return;
		}

		markLoaded(modelName);
		const out = openStream(ctx, contentType);
		for (let i = 0; i < tokens; i++) {
			if (i > 0 && !(await wait(tokenDelayMs, signal))) return;
			if (i === errorAfter) {
				await out.piece(errorPiece());
				out.end();
				return;
			}
			if (!(await out.piece(chunk(word(i))))) return;
		}
		if (errorAfter === tokens) {
			await out.piece(errorPiece());
			out.end();
			return;
		}
		for (const piece of finalPieces()) {
			if (!(await out.piece(piece))) return;
		}
		out.end();
	};

	/** Parse a POST body as a JSON object; answers 400 itself and returns undefined on failure. */
	const parseBody = (ctx: Ctx, openai: boolean): JsonObject | undefined => {
		const fail = (message: string): undefined => {
			if (openai) sendOpenAiError(ctx, 400, message);
			else sendError(ctx, 400, message);
			return undefined;
		};
		if (ctx.body.trim() === '') return fail('missing request body');
		let value: unknown;
		try {
			value = JSON.parse(ctx.body);
		} catch {
			return fail('invalid character in request body: not valid JSON');
		}
		if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('json: cannot unmarshal into Go value of type api.Request');
		return value as JsonObject;
	};

	const chatLike = async (ctx: Ctx, kind: Kind): Promise<void> => {
		const openai = kind === 'openai';
		const body = parseBody(ctx, openai);
		if (!body) return;
		const model = typeof body.model === 'string' ? body.model : '';
		if (model.trim() === '') {
			if (openai) sendOpenAiError(ctx, 400, 'model is required');
			else sendError(ctx, 400, 'model is required');
			return;
		}
		if (!findModel(model)) {
			if (openai) sendOpenAiError(ctx, 404, `model '${model}' not found`);
			else sendError(ctx, 404, `model '${model}' not found`);
			return;
		}
		if (ctx.fault === 'server-error') {
			if (openai) sendOpenAiError(ctx, 500, state.serverError);
			else sendError(ctx, 500, state.serverError);
			return;
		}
		const preload =
			kind === 'chat'
				? !Array.isArray(body.messages) || body.messages.length === 0
				: kind === 'generate'
					? typeof body.prompt !== 'string' || body.prompt === ''
					: false;
		if (preload && ctx.fault !== 'endless-stream') {
			if (keepAliveIsZero(body.keep_alive)) {
				state.loaded = state.loaded.filter((n) => normaliseName(n) !== normaliseName(model));
				sendPreload(ctx, kind, model, 'unload');
				return;
			}
			if (!(await wait(state.firstTokenDelayMs, ctx.signal))) return;
			markLoaded(model);
			sendPreload(ctx, kind, model, 'load');
			return;
		}
		const stream = typeof body.stream === 'boolean' ? body.stream : !openai;
		const options = body.stream_options;
		const includeUsage = typeof options === 'object' && options !== null && (options as JsonObject).include_usage === true;
		await generation(ctx, kind, model, stream, includeUsage);
	};

	const sendPreload = (ctx: Ctx, kind: Kind, model: string, reason: 'load' | 'unload'): void => {
		if (ctx.fault === 'wrong-types') {
			sendJson(ctx, 200, {done: 'yes', done_reason: 1});
			return;
		}
		const created_at = new Date().toISOString();
		const head = kind === 'chat' ? {model, created_at, message: {role: 'assistant', content: ''}} : {model, created_at, response: ''};
		sendJson(ctx, 200, {...head, done_reason: reason, done: true});
	};

	// ---- routing --------------------------------------------------------------------------------

	const route = async (ctx: Ctx): Promise<void> => {
		const {method, path, fault} = ctx;
		const wrong = fault === 'wrong-types';
		if (method === 'OPTIONS') {
			ctx.res.writeHead(204);
			ctx.res.end();
			return;
		}
		const methods = ROUTES[path];
		if (!methods) {
			send(ctx, 404, 'text/plain', '404 page not found');
			return;
		}
		if (!methods.includes(method)) {
			send(ctx, 405, 'text/plain', '405 method not allowed');
			return;
		}
		switch (path) {
			case '/':
				send(ctx, 200, TEXT_TYPE, 'Ollama is running');
				return;
			case '/api/version':
				sendJson(ctx, 200, wrong ? {version: 42} : {version: state.version});
				return;
			case '/api/tags':
				sendJson(ctx, 200, wrong ? {models: 'yes'} : {models: state.models === null ? null : state.models.map(tagsEntry)});
				return;
			case '/api/ps': {
				if (wrong) {
					sendJson(ctx, 200, {models: {name: 1}});
					return;
				}
				const expires = new Date(Date.now() + 5 * 60_000).toISOString();
				const models = state.loaded.map((name) => {
					const m = findModel(name) ?? {name};
					const size = sizeOf(m);
					return {name: m.name, model: m.name, size, digest: digestOf(m), details: detailsOf(m), expires_at: expires, size_vram: size, context_length: contextOf(m) ?? 4096};
				});
				sendJson(ctx, 200, {models});
				return;
			}
			case '/api/show': {
				const body = parseBody(ctx, false);
				if (!body) return;
				const wanted = typeof body.model === 'string' && body.model !== '' ? body.model : typeof body.name === 'string' ? body.name : '';
				if (wanted.trim() === '') {
					sendError(ctx, 400, 'model is required');
					return;
				}
				const m = findModel(wanted);
				if (!m) {
					sendError(ctx, 404, `model '${wanted}' not found`);
					return;
				}
				if (wrong) {
					sendJson(ctx, 200, {model_info: 'none', details: [], capabilities: 'completion'});
					return;
				}
				const family = familyOf(m);
				const info: JsonObject = {'general.architecture': family, 'general.parameter_count': 3212749888, [`${family}.embedding_length`]: 3072};
				const ctxLen = contextOf(m);
				if (ctxLen !== null) info[`${family}.context_length`] = ctxLen;
				sendJson(ctx, 200, {
					license: 'LICENSE',
					modelfile: `# Modelfile generated by "ollama show"\nFROM ${m.name}\n`,
					parameters: 'stop "<|eot_id|>"',
					template: '{{ .Prompt }}',
					details: detailsOf(m),
					model_info: info,
					capabilities: m.capabilities ?? ['completion'],
					modified_at: modifiedOf(m),
				});
				return;
			}
			case '/v1/models':
				sendJson(
					ctx,
					200,
					wrong ? {object: 'list', data: 'none'} : {object: 'list', data: (state.models ?? []).map((m) => ({id: m.name, object: 'model', created: createdOf(m), owned_by: ownerOf(m.name)}))},
				);
				return;
			case '/api/chat':
				await chatLike(ctx, 'chat');
				return;
			case '/api/generate':
				await chatLike(ctx, 'generate');
				return;
			case '/v1/chat/completions':
				await chatLike(ctx, 'openai');
				return;
		}
	};

	const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
		const ac = new AbortController();
		controllers.add(ac);
		res.on('close', () => {
			ac.abort();
			controllers.delete(ac);
		});
		res.on('error', () => {});
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		const method = (req.method ?? 'GET').toUpperCase();
		const rawUrl = req.url ?? '/';
		const body = Buffer.concat(chunks).toString('utf8');
		requests.push({method, path: rawUrl, headers: {...req.headers}, body});
		const ctx: Ctx = {req, res, method, path: new URL(rawUrl, 'http://fake.invalid').pathname, body, fault: state.fault, signal: ac.signal};

		switch (ctx.fault) {
			case 'hang':
				return; // the socket is tracked; close() destroys it
			case 'reset':
				req.socket.resetAndDestroy();
				return;
			case 'forbidden':
				res.writeHead(403, {'Content-Length': 0});
				res.end();
				return;
			case 'notfound-all':
				send(ctx, 404, 'text/plain', '404 page not found');
				return;
			case 'html':
				send(ctx, 200, 'text/html', HTML_PAGE, {Server: 'nginx/1.24.0'});
				return;
			case 'huge-body':
				await hugeBody(ctx);
				return;
			default:
				await route(ctx);
		}
	};

	const server = http.createServer((req, res) => {
		req.on('error', () => {});
		handle(req, res).catch(() => {
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(500, {'Content-Type': JSON_TYPE});
				res.end(JSON.stringify({error: 'fake-ollama internal error'}));
			} else {
				res.destroy();
			}
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => {});
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address();
	if (address === null || typeof address === 'string') throw new Error('fake-ollama: no TCP address');
	const port = address.port;

	return {
		url: `http://127.0.0.1:${port}`,
		port,
		requests,
		setFault(fault: Fault): void {
			state.fault = fault;
		},
		set(o: Partial<FakeOllamaOptions>): void {
			apply(o);
		},
		openConnections(): number {
			return sockets.size;
		},
		activeRequests(): number {
			return controllers.size;
		},
		close(): Promise<void> {
			closing ??= new Promise<void>((resolve) => {
				for (const t of timers) clearTimeout(t);
				timers.clear();
				for (const c of controllers) c.abort();
				controllers.clear();
				server.close(() => resolve());
				for (const s of sockets) s.destroy();
				sockets.clear();
				server.closeAllConnections();
			});
			return closing;
		},
	};
}

/** A port on 127.0.0.1 where nothing listens (bound to port 0, read, closed): connecting gets ECONNREFUSED. */
export async function closedPort(): Promise<number> {
	const srv = net.createServer();
	await new Promise<void>((resolve, reject) => {
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => resolve());
	});
	const address = srv.address();
	const port = address !== null && typeof address !== 'string' ? address.port : 0;
	await new Promise<void>((resolve) => srv.close(() => resolve()));
	if (port === 0) throw new Error('closedPort: no TCP address');
	return port;
}
