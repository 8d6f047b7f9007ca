import http from 'node:http';
import {afterEach, describe, expect, it} from 'vitest';
import {closedPort, FAULTS, HTML_PAGE, MID_STREAM_ERROR, SERVER_ERROR, startFakeOllama, type FakeOllama, type FakeOllamaOptions} from './support/fake-ollama.js';

const started: FakeOllama[] = [];

async function fake(opts?: FakeOllamaOptions): Promise<FakeOllama> {
	const f = await startFakeOllama(opts);
	started.push(f);
	return f;
}

afterEach(async () => {
	await Promise.all(started.splice(0).map((f) => f.close()));
});

function post(f: FakeOllama, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
	return fetch(`${f.url}${path}`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body), signal});
}

function ndjson(text: string): Record<string, unknown>[] {
	return text
		.split('\n')
		.filter((l) => l !== '')
		.map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function waitFor(cond: () => boolean, ms = 1000): Promise<void> {
	const end = Date.now() + ms;
	while (!cond()) {
		if (Date.now() > end) throw new Error('condition not met in time');
		await new Promise((r) => setTimeout(r, 5));
	}
}

/** Read a streamed body until `enough` bytes, then cancel (the client disconnects). */
async function readSome(res: Response, enough: number): Promise<Buffer> {
	const reader = res.body!.getReader();
	const parts: Uint8Array[] = [];
	let total = 0;
	while (total < enough) {
		const {value, done} = await reader.read();
		if (done) break;
		parts.push(value);
		total += value.length;
	}
	await reader.cancel();
	return Buffer.concat(parts);
}

function fetchErrorCode(err: unknown): string | undefined {
	const cause = (err as {cause?: {code?: string}}).cause;
	return cause?.code;
}

describe('fake-ollama: normal API', () => {
	it('answers GET and HEAD / with the exact banner', async () => {
		const f = await fake();
		const res = await fetch(`${f.url}/`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
		expect(await res.text()).toBe('Ollama is running');
		const head = await fetch(`${f.url}/`, {method: 'HEAD'});
		expect(head.status).toBe(200);
		expect(head.headers.get('content-length')).toBe('17');
		expect(await head.text()).toBe('');
		expect(f.url).toBe(`http://127.0.0.1:${f.port}`);
		expect(f.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /', 'HEAD /']);
	});

	it('reports a configurable version', async () => {
		const f = await fake();
		expect(await (await fetch(`${f.url}/api/version`)).json()).toEqual({version: '0.17.2'});
		f.set({version: '0.1.32-rc1'});
		const res = await fetch(`${f.url}/api/version`);
		expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(await res.json()).toEqual({version: '0.1.32-rc1'});
	});

	it('lists the default models in /api/tags with the documented shape', async () => {
		const f = await fake();
		const body = (await (await fetch(`${f.url}/api/tags`)).json()) as {models: Record<string, unknown>[]};
		expect(body.models.map((m) => m.name)).toEqual(['llama3.2:latest', 'qwen2.5-coder:7b']);
		expect(body.models[0]).toEqual({
			name: 'llama3.2:latest',
			model: 'llama3.2:latest',
			modified_at: '2025-05-04T17:37:44.706015396-07:00',
			size: 2019393189,
			digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
			details: {parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M'},
		});
	});

	it('supports models: null, empty lists and cloud entries', async () => {
		const f = await fake({models: null});
		expect(await (await fetch(`${f.url}/api/tags`)).text()).toBe('{"models":null}');
		f.set({models: []});
		expect(await (await fetch(`${f.url}/api/tags`)).json()).toEqual({models: []});
		f.set({models: [{name: 'gpt-oss:120b-cloud'}, {name: 'kimi:latest', remoteHost: 'https://ollama.com:443'}, {name: 'mistral:latest'}]});
		const body = (await (await fetch(`${f.url}/api/tags`)).json()) as {models: Record<string, unknown>[]};
		expect(body.models.map((m) => m.remote_host ?? null)).toEqual(['https://ollama.com:443', 'https://ollama.com:443', null]);
		expect(body.models[0]?.remote_model).toBe('gpt-oss:120b');
	});

	it('lists loaded models in /api/ps and marks a model loaded after a preload', async () => {
		const f = await fake();
		expect(await (await fetch(`${f.url}/api/ps`)).json()).toEqual({models: []});
		const preload = await post(f, '/api/chat', {model: 'llama3.2', messages: []});
		expect(preload.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(await preload.json()).toMatchObject({model: 'llama3.2', done: true, done_reason: 'load', message: {role: 'assistant', content: ''}});
		const ps = (await (await fetch(`${f.url}/api/ps`)).json()) as {models: Record<string, unknown>[]};
		expect(ps.models).toHaveLength(1);
		expect(ps.models[0]).toMatchObject({name: 'llama3.2:latest', model: 'llama3.2:latest', context_length: 131072});
		const unload = await post(f, '/api/chat', {model: 'llama3.2', messages: [], keep_alive: 0});
		expect(await unload.json()).toMatchObject({done: true, done_reason: 'unload'});
		expect(await (await fetch(`${f.url}/api/ps`)).json()).toEqual({models: []});
		f.set({loaded: ['qwen2.5-coder:7b']});
		const ps2 = (await (await fetch(`${f.url}/api/ps`)).json()) as {models: Record<string, unknown>[]};
		expect(ps2.models.map((m) => m.name)).toEqual(['qwen2.5-coder:7b']);
	});

	it('answers /api/show with context length, normalising names; 404 for unknown models', async () => {
		const f = await fake();
		const show = (await (await post(f, '/api/show', {model: 'LLAMA3.2'})).json()) as Record<string, Record<string, unknown>>;
		expect(show.model_info?.['llama.context_length']).toBe(131072);
		expect(show.capabilities).toEqual(['completion']);
		expect(show.details?.family).toBe('llama');
		const qwen = (await (await post(f, '/api/show', {model: 'qwen2.5-coder:7b'})).json()) as Record<string, Record<string, unknown>>;
		expect(qwen.model_info?.['qwen2.context_length']).toBe(32768);
		const missing = await post(f, '/api/show', {model: 'llama3'});
		expect(missing.status).toBe(404);
		expect(await missing.json()).toEqual({error: "model 'llama3' not found"});
		const noTag = await post(f, '/api/show', {model: 'qwen2.5-coder'});
		expect(noTag.status).toBe(404);
		f.set({models: [{name: 'mystery:latest', contextLength: null}]});
		const unknownCtx = (await (await post(f, '/api/show', {model: 'mystery'})).json()) as Record<string, Record<string, unknown>>;
		expect(Object.keys(unknownCtx.model_info ?? {}).some((k) => k.endsWith('.context_length'))).toBe(false);
		const empty = await fetch(`${f.url}/api/show`, {method: 'POST'});
		expect(empty.status).toBe(400);
		expect(await empty.json()).toEqual({error: 'missing request body'});
	});

	it('lists /v1/models in the OpenAI shape', async () => {
		const f = await fake();
		const body = (await (await fetch(`${f.url}/v1/models`)).json()) as {object: string; data: Record<string, unknown>[]};
		expect(body.object).toBe('list');
		expect(body.data[0]).toEqual({id: 'llama3.2:latest', object: 'model', created: 1746405464, owned_by: 'library'});
		expect(body.data).toHaveLength(2);
	});

	it('streams /api/chat as NDJSON with consistent final metrics', async () => {
		const f = await fake({tokens: 5, tokenDelayMs: 10});
		const res = await post(f, '/api/chat', {model: 'llama3.2', messages: [{role: 'user', content: 'Say hi'}]});
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/x-ndjson');
		const lines = ndjson(await res.text());
		expect(lines).toHaveLength(6);
		expect(lines[0]).toMatchObject({model: 'llama3.2', message: {role: 'assistant', content: 'Hi'}, done: false});
		expect(typeof lines[0]?.created_at).toBe('string');
		expect(lines.slice(0, 5).every((l) => l.done === false)).toBe(true);
		const last = lines[5]!;
		expect(last).toMatchObject({done: true, done_reason: 'stop', message: {role: 'assistant', content: ''}, prompt_eval_count: 26, eval_count: 5, eval_duration: 50_000_000});
		const n = (k: string) => last[k] as number;
		expect(n('total_duration')).toBeGreaterThanOrEqual(n('load_duration') + n('prompt_eval_duration') + n('eval_duration'));
		expect((n('eval_count') / n('eval_duration')) * 1e9).toBe(100);
	});

	it('answers stream:false with one JSON object, and 404 for unknown models', async () => {
		const f = await fake({tokens: 3});
		const res = await post(f, '/api/chat', {model: 'qwen2.5-coder:7b', stream: false, messages: [{role: 'user', content: 'x'}]});
		expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(await res.json()).toMatchObject({model: 'qwen2.5-coder:7b', message: {role: 'assistant', content: 'Hi! How'}, done: true, done_reason: 'stop', eval_count: 3});
		const missing = await post(f, '/api/chat', {model: 'llama3', messages: [{role: 'user', content: 'x'}]});
		expect(missing.status).toBe(404);
		expect(await missing.json()).toEqual({error: "model 'llama3' not found"});
	});

	it('delays the first token as a cold load and reports it as load_duration', async () => {
		const f = await fake({tokens: 2, firstTokenDelayMs: 150});
		const t0 = Date.now();
		const res = await post(f, '/api/chat', {model: 'llama3.2', messages: [{role: 'user', content: 'x'}]});
		expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
		const last = ndjson(await res.text()).at(-1)!;
		expect(last.load_duration).toBe(150_000_000);
	});

	it('sends a mid-stream error line with status 200', async () => {
		const f = await fake({tokens: 6, midStreamError: true});
		const res = await post(f, '/api/chat', {model: 'llama3.2', messages: [{role: 'user', content: 'x'}]});
		expect(res.status).toBe(200);
		const lines = ndjson(await res.text());
		expect(lines).toHaveLength(4);
		expect(lines[3]).toEqual({error: MID_STREAM_ERROR});
		expect(lines.some((l) => l.done === true)).toBe(false);
	});

	it('streams /v1/chat/completions as SSE ending in [DONE]; OpenAI-style 404', async () => {
		const f = await fake({tokens: 3});
		const res = await post(f, '/v1/chat/completions', {model: 'llama3.2', stream: true, messages: [{role: 'user', content: 'x'}]});
		expect(res.headers.get('content-type')).toBe('text/event-stream');
		const events = (await res.text()).split('\n\n').filter((e) => e !== '');
		expect(events.every((e) => e.startsWith('data: '))).toBe(true);
		expect(events.at(-1)).toBe('data: [DONE]');
		const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)) as {object: string; choices: {delta: {content: string}; finish_reason: string | null}[]});
		expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
		expect(chunks.map((c) => c.choices[0]?.delta.content).join('')).toBe('Hi! How');
		expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
		const plain = await post(f, '/v1/chat/completions', {model: 'llama3.2', messages: [{role: 'user', content: 'x'}]});
		expect(await plain.json()).toMatchObject({object: 'chat.completion', choices: [{message: {content: 'Hi! How'}}], usage: {completion_tokens: 3}});
		const missing = await post(f, '/v1/chat/completions', {model: 'nope', messages: [{role: 'user', content: 'x'}]});
		expect(missing.status).toBe(404);
		expect(await missing.json()).toEqual({error: {message: "model 'nope' not found", type: 'not_found_error', param: null, code: null}});
	});

	it('uses gin defaults for unknown paths and wrong methods', async () => {
		const f = await fake();
		const nf = await fetch(`${f.url}/api/models`);
		expect(nf.status).toBe(404);
		expect(nf.headers.get('content-type')).toBe('text/plain');
		expect(await nf.text()).toBe('404 page not found');
		const na = await fetch(`${f.url}/api/chat`);
		expect(na.status).toBe(405);
		expect(await na.text()).toBe('405 method not allowed');
		expect((await fetch(`${f.url}/v1/v1/models`)).status).toBe(404);
	});
});

describe('fake-ollama: faults', () => {
	it('knows every documented fault', () => {
		expect(FAULTS).toHaveLength(13);
	});

	it('trickle: headers at once, then the body one byte every trickleMs', async () => {
		const f = await fake({fault: 'trickle', trickleMs: 40});
		const t0 = Date.now();
		const res = await fetch(`${f.url}/api/version`);
		const headersMs = Date.now() - t0;
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/application\/json/);
		const reader = res.body!.getReader();
		const sizes: number[] = [];
		let text = '';
		for (;;) {
			const {value, done} = await reader.read();
			if (done) break;
			sizes.push(value.length);
			text += Buffer.from(value).toString('utf8');
		}
		const total = Date.now() - t0;
		expect(text).toBe('{"version":"0.17.2"}');
		expect(headersMs).toBeLessThan(200);
		// 20 bytes, one at a time, 40 ms apart: the whole body takes about 19 × 40 ms.
		expect(sizes.every((n) => n === 1)).toBe(true);
		expect(total).toBeGreaterThanOrEqual(19 * 40 - 20);
		// Streams trickle too, and a client that leaves stops the trickle.
		const chat = await post(f, '/api/chat', {model: 'llama3.2', messages: [{role: 'user', content: 'hi'}]});
		expect(chat.status).toBe(200);
		const first = await readSome(chat, 1);
		expect(first.length).toBe(1);
		await waitFor(() => f.activeRequests() === 0, 2000);
	});

	it('hang: never answers, and close() still finishes fast', async () => {
		const f = await fake({fault: 'hang'});
		const aborted = await fetch(`${f.url}/`, {signal: AbortSignal.timeout(150)}).catch((e: unknown) => e);
		expect((aborted as Error).name).toBe('TimeoutError');
		// A raw client that never gives up: close() must destroy its socket.
		const outcome = new Promise<string>((resolve) => {
			const req = http.get(`${f.url}/api/tags`, () => resolve('answered'));
			req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
		});
		await waitFor(() => f.requests.length === 2);
		const t0 = Date.now();
		await f.close();
		expect(Date.now() - t0).toBeLessThan(500);
		expect(await outcome).toBe('ECONNRESET');
	});

	it('reset: the connection is reset without a reply', async () => {
		const f = await fake({fault: 'reset'});
		const err = await fetch(`${f.url}/api/version`).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(TypeError);
		expect(fetchErrorCode(err)).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)$/);
		expect(f.requests).toHaveLength(1);
	});

	it('forbidden: 403 with an empty body on every path', async () => {
		const f = await fake({fault: 'forbidden'});
		for (const path of ['/', '/api/tags', '/nothing']) {
			const res = await fetch(`${f.url}${path}`);
			expect(res.status).toBe(403);
			expect(res.headers.get('content-length')).toBe('0');
			expect(await res.text()).toBe('');
		}
	});

	it('notfound-all and html', async () => {
		const f = await fake({fault: 'notfound-all'});
		for (const path of ['/', '/api/version']) {
			const res = await fetch(`${f.url}${path}`);
			expect(res.status).toBe(404);
			expect(await res.text()).toBe('404 page not found');
		}
		f.setFault('html');
		const res = await fetch(`${f.url}/api/tags`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/html');
		expect(await res.text()).toBe(HTML_PAGE);
	});

	it('malformed-json: truncated JSON with status 200', async () => {
		const f = await fake({fault: 'malformed-json'});
		const res = await fetch(`${f.url}/api/tags`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
		const text = await res.text();
		expect(text).toBe('{"models":[{"name":');
		expect(() => JSON.parse(text)).toThrow();
		expect(await (await fetch(`${f.url}/api/version`)).text()).toBe('{"version":');
		const chat = await post(f, '/api/chat', {model: 'llama3.2', messages: [{role: 'user', content: 'x'}]});
		const chatText = await chat.text();
		expect(chatText).toBe('{"model":');
		expect(() => ndjson(chatText)).toThrow();
	});

	it('server-error: 500 on model-running endpoints, the rest still works', async () => {
		const f = await fake({fault: 'server-error'});
		expect((await fetch(`${f.url}/`)).status).toBe(200);
		const res = await post(f, '/api/chat', {model: 'llama3.2', messages: [{role: 'user', content: 'x'}]});
		expect(res.status).toBe(500);
		expect(await res.json()).toEqual({error: SERVER_ERROR});
		const oa = await post(f, '/v1/chat/completions', {model: 'llama3.2', messages: [{role: 'user', content: 'x'}]});
		expect(oa.status).toBe(500);
		expect(await oa.json()).toMatchObject({error: {message: SERVER_ERROR, type: 'api_error'}});
	});

	it('huge-body: streams without end until the client disconnects', async () => {
		const f = await fake({fault: 'huge-body'});
		const res = await fetch(`${f.url}/api/tags`);
		expect(res.headers.get('content-length')).toBeNull();
		expect(f.activeRequests()).toBe(1);
		const got = await readSome(res, 4 * 1024 * 1024);
		expect(got.length).toBeGreaterThanOrEqual(4 * 1024 * 1024);
		expect(got.subarray(0, 11).toString()).toBe('{"models":[');
		await waitFor(() => f.activeRequests() === 0);
	});

	it('endless-stream: chat chunks never finish', async () => {
		const f = await fake({fault: 'endless-stream'});
		const res = await post(f, '/api/chat', {model: 'llama3.2', stream: false, messages: [{role: 'user', content: 'x'}]});
		expect(res.headers.get('content-type')).toBe('application/x-ndjson');
		const text = (await readSome(res, 3000)).toString();
		const lines = ndjson(text.slice(0, text.lastIndexOf('\n')));
		expect(lines.length).toBeGreaterThan(20);
		expect(lines.every((l) => l.done === false)).toBe(true);
		await waitFor(() => f.activeRequests() === 0);
	});

	it('invalid-utf8: bodies carry bytes that are not UTF-8', async () => {
		const f = await fake({fault: 'invalid-utf8'});
		const strict = new TextDecoder('utf-8', {fatal: true});
		for (const path of ['/', '/api/version', '/api/tags']) {
			const bytes = new Uint8Array(await (await fetch(`${f.url}${path}`)).arrayBuffer());
			expect(() => strict.decode(bytes)).toThrow();
		}
		// Lenient decoding still yields parseable JSON: the bad bytes sit inside a string.
		const lenient = (await (await fetch(`${f.url}/api/version`)).json()) as {version: string};
		expect(lenient.version).toContain('0.17.2');
	});

	it('wrong-types: JSON with the wrong types', async () => {
		const f = await fake({fault: 'wrong-types'});
		expect(await (await fetch(`${f.url}/api/version`)).json()).toEqual({version: 42});
		expect(await (await fetch(`${f.url}/api/tags`)).json()).toEqual({models: 'yes'});
		const chat = ndjson(await (await post(f, '/api/chat', {model: 'llama3.2', messages: [{role: 'user', content: 'x'}]})).text());
		expect(chat.every((l) => typeof l.done !== 'boolean')).toBe(true);
	});

	it('faults change at runtime', async () => {
		const f = await fake();
		expect((await fetch(`${f.url}/api/version`)).status).toBe(200);
		f.setFault('forbidden');
		expect((await fetch(`${f.url}/api/version`)).status).toBe(403);
		f.setFault('none');
		expect(await (await fetch(`${f.url}/api/version`)).json()).toEqual({version: '0.17.2'});
	});

	it('close() is fast with an endless stream in flight', async () => {
		const f = await fake({fault: 'endless-stream', tokenDelayMs: 5});
		const res = await post(f, '/api/chat', {model: 'llama3.2', messages: [{role: 'user', content: 'x'}]});
		const reader = res.body!.getReader();
		await reader.read();
		const t0 = Date.now();
		await f.close();
		expect(Date.now() - t0).toBeLessThan(500);
		await expect(
			(async () => {
				for (;;) if ((await reader.read()).done) return 'ended';
			})(),
		).rejects.toThrow();
	});

	it('closedPort(): nothing listens there', async () => {
		const port = await closedPort();
		const err = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
		expect(fetchErrorCode(err)).toBe('ECONNREFUSED');
	});
});
