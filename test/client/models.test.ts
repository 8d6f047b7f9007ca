/**
 * The live model list and context lengths from the real node:http fake Ollama, with
 * tagged names, a name without a tag, one missing, a cloud entry, and a server that is down.
 */
import {describe, expect, it} from 'vitest';
import {fetchContextLength, fetchModels, resolveModelNames} from '../../source/ailice/models.js';
import {parseOllamaUrl, type OllamaUrl} from '../../source/core/url.js';
import {closedPort} from '../support/fake-ollama.js';
import {makeCtx, useFakeOllama} from './helpers.js';

const fake = useFakeOllama();

function url(u: string): OllamaUrl {
	const r = parseOllamaUrl(u);
	if (!r.ok) throw new Error(r.problem);
	return r.url;
}

describe('models from /api/tags and /api/show', () => {
	it('lists names exactly as Ollama reports them, cloud entries apart', async () => {
		const r = await fetchModels(makeCtx(), url(fake.server().url));
		expect(r).toEqual({
			ok: true,
			value: {
				names: ['llama3.2:latest', 'qwen2.5-coder:7b', 'tinyllama:1.1b', 'mystery:2b', 'gpt-oss:120b-cloud'],
				local: ['llama3.2:latest', 'qwen2.5-coder:7b', 'tinyllama:1.1b', 'mystery:2b'],
				cloud: ['gpt-oss:120b-cloud'],
			},
		});
	});

	it('resolves a name without a tag to :latest, keeps tags, reports the missing one', async () => {
		const r = await fetchModels(makeCtx(), url(fake.server().url));
		if (!r.ok) throw new Error('no list');
		expect(resolveModelNames(r.value, ['llama3.2', 'QWEN2.5-coder:7b'])).toEqual({ok: true, names: ['llama3.2:latest', 'qwen2.5-coder:7b']});
		expect(resolveModelNames(r.value, ['llama3.2', 'llama3:2'])).toEqual({ok: false, missing: ['llama3:2']});
	});

	it('reads model_info.*.context_length, null when absent, model-missing on 404', async () => {
		const ctx = makeCtx();
		const u = url(fake.server().url);
		expect(await fetchContextLength(ctx, u, 'qwen2.5-coder:7b')).toEqual({ok: true, value: 32768});
		expect(await fetchContextLength(ctx, u, 'mystery:2b')).toEqual({ok: true, value: null});
		const missing = await fetchContextLength(ctx, u, 'nope:1b');
		expect(missing.ok).toBe(false);
		if (!missing.ok) expect(missing.diagnosis.cause).toBe('model-missing');
	});

	it('a server that is down is classified (refused), within the bounded timeout', async () => {
		const port = await closedPort();
		const started = Date.now();
		const r = await fetchModels(makeCtx(), url(`http://127.0.0.1:${port}`), 1000);
		expect(Date.now() - started).toBeLessThan(1500);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.diagnosis.cause).toBe('refused');
	});
});
