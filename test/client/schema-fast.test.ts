/**
 * The fast path of the config validation: a provider that plainly follows AIlice's rules skips the
 * zod schema (a large config has thousands). It must never let through what the schema would
 * report: for every variation of a valid provider (each field broken in each way), "plainly valid"
 * implies the schema accepts it, and the valid ones do take the fast path.
 */
import {describe, expect, it} from 'vitest';
import {CHATGPT_FORMATTERS, FORMATTERS, plainlyValidProvider, providerSchema, validateAiliceConfig, WRAPPERS} from '../../source/ailice/schema.js';

const ENTRY = {formatter: 'AFormatterGPT', contextWindow: 8192, systemAsUser: false, args: {temperature: 0.2}};
const BASE = {modelWrapper: 'AModelChatGPT', apikey: 'k', baseURL: 'https://x/v1', modelList: {'a:1b': ENTRY, 'b/c:2b': {...ENTRY}}};

const BAD_VALUES: unknown[] = [undefined, null, '', 'AModelOllama', 'AFormatterLLAMA3', 0, -1, 1.5, 2 ** 60, true, 'true', [], {}, [ENTRY], {timeout: 1}, {model: 'x'}, {stream: true}, {messages: []}];

/** Every provider with one field (at provider or entry level) replaced by each bad value, or removed. */
function variations(): unknown[] {
	const out: unknown[] = [];
	for (const wrapper of WRAPPERS) {
		for (const formatter of FORMATTERS) {
			out.push({...BASE, modelWrapper: wrapper, modelList: {m: {...ENTRY, formatter}}});
		}
	}
	for (const field of ['modelWrapper', 'apikey', 'baseURL', 'modelList']) {
		for (const v of BAD_VALUES) out.push({...BASE, [field]: v});
		const without: Record<string, unknown> = {...BASE};
		delete without[field];
		out.push(without);
		for (const wrapper of WRAPPERS) out.push({...without, modelWrapper: field === 'modelWrapper' ? undefined : wrapper});
	}
	for (const field of ['formatter', 'contextWindow', 'systemAsUser', 'args']) {
		for (const v of BAD_VALUES) out.push({...BASE, modelList: {m: {...ENTRY, [field]: v}}});
		const entry: Record<string, unknown> = {...ENTRY};
		delete entry[field];
		out.push({...BASE, modelList: {m: entry}});
	}
	out.push({...BASE, modelList: {m: null}}, {...BASE, modelList: {m: 'x'}}, {...BASE, modelList: {m: [ENTRY]}}, {...BASE, extra: 1, modelList: {m: {...ENTRY, extra: 2}}});
	out.push(null, [], 'x', 1, Object.defineProperty({...BASE}, '__proto__', {enumerable: true, value: {}}));
	return out;
}

describe('validation fast path', () => {
	it('never accepts what the schema rejects, over every one-field variation', () => {
		let fast = 0;
		for (const p of variations()) {
			if (plainlyValidProvider(p)) {
				fast++;
				expect(providerSchema.safeParse(p).success, JSON.stringify(p)).toBe(true);
			}
		}
		// The common, valid shapes do take the fast path.
		expect(fast).toBeGreaterThan(WRAPPERS.length);
		expect(plainlyValidProvider(BASE)).toBe(true);
		expect(plainlyValidProvider({...BASE, modelList: {m: {...ENTRY, formatter: CHATGPT_FORMATTERS[1]}}})).toBe(true);
	});

	it('findings for other providers are exactly the schema’s, with or without the fast path', () => {
		const models: Record<string, unknown> = {ollama: {...BASE, baseURL: 'http://h:11434/v1', apikey: 'ollama'}};
		variations().forEach((p, i) => (models[`p${i}`] = p));
		const v = validateAiliceConfig({models}, 'ollama');
		const expected = Object.entries(models)
			.filter(([name]) => name !== 'ollama')
			.flatMap(([name, p]) => {
				const r = providerSchema.safeParse(p);
				return r.success ? [] : r.error.issues.map((i) => `models.${name}${i.path.length ? '.' : ''}`);
			});
		const got = v.warnings.map((w) => w.path).filter((p) => p.startsWith('models.'));
		expect(got.length).toBe(expected.length);
		expect(v.errors).toEqual([]);
	});
});
