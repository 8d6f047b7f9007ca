import {describe, expect, it} from 'vitest';
import {parseStrictJson} from '../../source/ailice/json.js';
import {mergeAiliceConfig, type ProviderSpec} from '../../source/ailice/merge.js';
import {eventForLog} from '../../source/core/logger.js';
import {changedJsonBoth, ownedPart} from '../../source/core/owned-part.js';
import type {PlannedAction} from '../../source/core/types.js';

// The key paths the merge carries (worked out from the edits it made) must be exactly what parsing
// the two texts and walking them finds: the log's names, undo's paths and added objects, in order.
const spec = (over: Partial<ProviderSpec> = {}): ProviderSpec => ({provider: 'ollama', baseURL: 'http://ollama.internal:11434/v1', models: [{name: 'llama3.2:latest', contextWindow: 8192}, {name: 'qwen2.5-coder:7b', contextWindow: 4096}], setDefault: false, ...over});

const cases: [string, unknown, Partial<ProviderSpec>][] = [
	['no models key', {temperature: 0}, {}],
	['empty models', {models: {}}, {setDefault: true}],
	['other providers, provider added', {models: {oai: {modelWrapper: 'AModelChatGPT', apikey: null, baseURL: null, modelList: {}}}, agentModelConfig: {DEFAULT: 'oai:gpt-4o'}}, {setDefault: true}],
	['provider present, stale keys', {models: {ollama: {modelWrapper: 'AModelCausalLM', baseURL: 'http://old:11434/v1', modelList: {'llama3.2:latest': {formatter: 'AFormatterGPT', contextWindow: 2048, systemAsUser: true, args: {timeout: 3}, extra: 1}}}}}, {}],
	['provider with a modelList that is not an object', {models: {ollama: {modelWrapper: 'AModelChatGPT', apikey: 'ollama', baseURL: 'x', modelList: [1, 2]}}}, {}],
	['model entry that is a string', {models: {ollama: {baseURL: 'http://a/v1', apikey: 'ollama', modelWrapper: 'AModelChatGPT', modelList: {'qwen2.5-coder:7b': 'x'}}}}, {}],
	['agentModelConfig not an object, modelID present', {modelID: 'oai:gpt', agentModelConfig: 'x', models: {}}, {setDefault: true}],
	['odd names (numeric-like, __proto__, dotted)', {models: {'10': {}, '2': {}, zz: 1}, '0': 1}, {provider: '__proto__', models: [{name: '7', contextWindow: 1}, {name: 'a.b', contextWindow: 2}]}],
	['nothing to change', {models: {ollama: {modelWrapper: 'AModelChatGPT', apikey: 'ollama', baseURL: 'http://ollama.internal:11434/v1', modelList: {'llama3.2:latest': {formatter: 'AFormatterGPT', contextWindow: 8192, systemAsUser: false, args: {}}}}}}, {models: [{name: 'llama3.2:latest', contextWindow: 8192}]}],
];

describe('changed keys carried by the plan', () => {
	for (const [name, doc, over] of cases) {
		for (const layout of [2, 0]) {
			it(`${name} (${layout ? 'indented' : 'one line'})`, () => {
				const before = `${JSON.stringify(doc, null, layout)}\n`;
				const parsed = parseStrictJson(before);
				if (!parsed.ok) throw new Error('test input');
				const merged = mergeAiliceConfig(before, spec(over), parsed.value);
				const reparsed = parseStrictJson(merged.text);
				expect(reparsed.ok && reparsed.value).toEqual(merged.doc);
				const walked = changedJsonBoth(JSON.parse(before), JSON.parse(merged.text));
				expect(merged.changed).toEqual(walked);
				// The journal's part and the log's names come from them unchanged.
				const action: Extract<PlannedAction, {kind: 'file'}> = {kind: 'file', path: '/x/config.json', why: 'w', before, after: merged.text, changedKeys: merged.changed?.paths, addedObjects: merged.changed?.containers, changedNames: merged.changed?.names ?? undefined};
				expect(ownedPart(action.path, before, merged.text, action)).toEqual(ownedPart(action.path, before, merged.text));
				const bare = {...action, changedKeys: undefined, addedObjects: undefined, changedNames: undefined};
				expect(eventForLog({type: 'step:plan', step: 'ailice-config', plan: {actions: [action], inputs: {}}})).toEqual(eventForLog({type: 'step:plan', step: 'ailice-config', plan: {actions: [bare], inputs: {}}}));
			});
		}
	}

	it('a random mix of providers and edits', () => {
		let s = 7;
		const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
		for (let round = 0; round < 60; round++) {
			const models: Record<string, unknown> = {};
			for (let p = 0; p < 1 + Math.floor(r() * 4); p++) {
				const name = r() < 0.4 ? 'ollama' : `p${p}`;
				const list: Record<string, unknown> = {};
				for (const m of ['llama3.2:latest', 'llama3.2', 'qwen2.5-coder:7b', 'other']) if (r() < 0.4) list[m] = r() < 0.2 ? 5 : {formatter: r() < 0.5 ? 'AFormatterGPTVision' : 'AFormatterGPT', contextWindow: r() < 0.5 ? 8192 : 1024, systemAsUser: r() < 0.5, ...(r() < 0.5 ? {args: {}} : {})};
				models[name] = r() < 0.1 ? null : {...(r() < 0.7 ? {modelWrapper: 'AModelChatGPT'} : {}), ...(r() < 0.7 ? {apikey: 'ollama'} : {}), ...(r() < 0.5 ? {baseURL: 'http://ollama.internal:11434/v1'} : {}), ...(r() < 0.8 ? {modelList: list} : {})};
			}
			const doc = {...(r() < 0.5 ? {modelID: 'x:y'} : {}), ...(r() < 0.5 ? {agentModelConfig: r() < 0.5 ? {DEFAULT: 'a:b', coder: 'c:d'} : 3} : {}), models};
			const before = `${JSON.stringify(doc, null, 2)}\n`;
			const parsed = parseStrictJson(before);
			if (!parsed.ok) throw new Error('test input');
			let merged;
			try {
				merged = mergeAiliceConfig(before, spec({setDefault: r() < 0.5}), parsed.value);
			} catch {
				continue; // a shape the merge refuses
			}
			expect(merged.changed).toEqual(changedJsonBoth(JSON.parse(before), JSON.parse(merged.text)));
		}
	});
});
