/**
 * Names that come from input are only names. Provider and model names that are JavaScript object
 * built-ins (`constructor`, `toString`, `__proto__`, `hasOwnProperty`, `valueOf`) are looked up as
 * own properties, so they are configured like any other name; and model names from the server are
 * matched exactly as Ollama normalises them (`name` → `name:latest`, letters case-insensitive) and
 * nothing more, so a listed name with a trailing space or a no-break space is never written for a
 * clean --model.
 */
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {matchModel, ollamaNameKey} from '../../source/ailice/models.js';
import {validateAiliceConfig} from '../../source/ailice/schema.js';
import {ailiceConfig} from '../../source/steps/ailice-config.js';
import {tempDir} from '../support/fake-ctx.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {configPathOf, folderState, jsonSummary, makeCtx, runBuiltCli, runClientStep, snapshotCli, writeConfig} from '../client/helpers.js';

const BUILTINS = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'] as const;
let names: FakeOllama;
const fake = {server: () => names};
let cli = '';
beforeAll(async () => {
	// The shared fake Ollama, serving the built-in names exactly so (no tag), as an odd or hostile
	// server may list them; its per-name tables are looked up as own properties only.
	names = await startFakeOllama({models: [{name: 'llama3.2:latest', contextLength: 8192}, ...BUILTINS.map((name) => ({name, contextLength: 4096}))]});
	cli = await snapshotCli();
	return () => names.close();
}, 60_000);

describe('the fake Ollama itself serves built-in names', () => {
	it('/api/tags answers 200 with every built-in name, and /api/show finds each', async () => {
		const tags = await fetch(`${names.url}/api/tags`);
		expect(tags.status).toBe(200);
		const listed = ((await tags.json()) as {models: {name: string; digest: string; modified_at: string}[]}).models;
		expect(listed.map((m) => m.name)).toEqual(['llama3.2:latest', ...BUILTINS]);
		for (const m of listed) {
			expect(m.digest).toMatch(/^[0-9a-f]{64}$/);
			expect(typeof m.modified_at).toBe('string');
		}
		for (const name of BUILTINS) {
			const show = await fetch(`${names.url}/api/show`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({model: name})});
			expect(show.status, name).toBe(200);
			expect(((await show.json()) as {model_info: Record<string, unknown>}).model_info['llama.context_length']).toBe(4096);
		}
	});
});

const configOf = (home: string) => path.join(home, '.config', 'ailice', 'config.json');
type Doc = {models: Record<string, {baseURL: string; modelList: Record<string, {contextWindow: number}>}>; modelID?: string};
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Doc;

/** A config that already holds every built-in name as a provider, a model and a top-level key. */
function richWithBuiltins(): string {
	const models: Record<string, unknown> = {};
	for (const n of BUILTINS) {
		Object.defineProperty(models, n, {
			enumerable: true,
			value: {modelWrapper: 'AModelChatGPT', apikey: 'k', baseURL: 'http://other:1/v1', modelList: Object.defineProperty({}, n, {enumerable: true, value: {formatter: 'AFormatterGPT', contextWindow: 1, systemAsUser: false, args: {}}})},
		});
	}
	const doc = {temperature: 0, models};
	const text = JSON.stringify(doc, null, 2);
	// JSON.stringify writes own "__proto__" keys like any other: the file really holds them.
	expect(text).toContain('"__proto__": {');
	return `${text}\n`;
}

describe('built-in object names as provider names (configure-ailice --provider NAME)', () => {
	for (const name of BUILTINS.filter((n) => n !== '__proto__')) {
		it(`--provider ${name}: created, then merged into the existing file on a second run with another model, never a crash`, async () => {
			const home = tempDir('otw-names-');
			const base = ['configure-ailice', '--url', fake.server().url, '--provider', name, '--yes', '--json'];
			const first = await runBuiltCli(cli, [...base, '--model', 'llama3.2', '--set-default'], {home});
			expect(first.stdout).not.toMatch(/This is a bug|TypeError/);
			expect(first.code).toBe(0);
			const second = await runBuiltCli(cli, [...base, '--model', 'llama3.2', '--model', name], {home});
			expect(second.stdout).not.toMatch(/This is a bug|TypeError/);
			expect(second.code).toBe(0);
			expect(jsonSummary(second)).toMatchObject({status: 'ok', changed: true});
			const doc = read(configOf(home));
			expect(Object.keys(doc.models)).toEqual([name]);
			expect(Object.keys(doc.models[name]?.modelList ?? {})).toEqual(['llama3.2:latest', name]);
			expect(doc.modelID).toBe(`${name}:llama3.2:latest`);
			expect(validateAiliceConfig(doc, name).errors).toEqual([]);
		});
	}

	it('--provider __proto__ is refused by the naming rule with a sentence (exit 2), and nothing is written', async () => {
		const home = tempDir('otw-names-');
		const r = await runBuiltCli(cli, ['configure-ailice', '--url', fake.server().url, '--provider', '__proto__', '--model', 'llama3.2', '--yes'], {home});
		expect(r.code).toBe(2);
		expect(`${r.stdout}${r.stderr}`).toMatch(/The provider name "__proto__" must be 1–64 letters, digits, "\.", "_" or "-"/);
		expect(`${r.stdout}${r.stderr}`).not.toMatch(/This is a bug|\n\s+at /);
		expect(Object.keys(folderState(home)).filter((k) => !k.startsWith('wizard-state'))).toEqual([]);
	});

	it('a config that already has every built-in name as provider and model keeps them all, and the ollama provider is added', async () => {
		const home = tempDir('otw-names-');
		mkdirSync(path.dirname(configOf(home)), {recursive: true});
		const text = richWithBuiltins();
		writeFileSync(configOf(home), text);
		const r = await runBuiltCli(cli, ['configure-ailice', '--url', fake.server().url, '--model', 'llama3.2', '--yes', '--json'], {home});
		expect(r.code).toBe(0);
		const after = readFileSync(configOf(home), 'utf8');
		// Every byte of the old providers is still there; only the ollama provider was inserted.
		for (const n of BUILTINS) expect(after).toContain(`"${n}": {\n      "modelWrapper": "AModelChatGPT",\n      "apikey": "k"`);
		const doc = read(configOf(home));
		expect(Object.keys(doc.models)).toEqual([...BUILTINS, 'ollama']);
		expect(doc.models.ollama?.baseURL).toBe(`${fake.server().url}/v1`);
	});
});

describe('built-in object names as model names served by the server', () => {
	for (const name of BUILTINS.filter((n) => n !== '__proto__')) {
		it(`--model ${name} (listed as "${name}"): written under that exact key with the server's context length`, async () => {
			const home = tempDir('otw-names-');
			const r = await runBuiltCli(cli, ['configure-ailice', '--url', fake.server().url, '--model', name, '--set-default', '--yes', '--json'], {home});
			expect(r.stdout).not.toMatch(/This is a bug|TypeError/);
			expect(r.code).toBe(0);
			const doc = read(configOf(home));
			expect(Object.keys(doc.models.ollama?.modelList ?? {})).toEqual([name]);
			expect(doc.models.ollama?.modelList[name]?.contextWindow).toBe(4096);
			expect(doc.modelID).toBe(`ollama:${name}`);
		});
	}

	it('a model named __proto__ (refused as a --model flag, but picked from the server list) becomes an own key, next to constructor', async () => {
		const ctx = makeCtx();
		const file = writeConfig(ctx, '{"temperature": 0}\n');
		const out = await runClientStep(ailiceConfig, ctx, {url: fake.server().url, models: ['__proto__', 'constructor'], setDefault: true});
		expect(out.result.status).not.toMatch(/fail|crash/);
		const text = readFileSync(file, 'utf8');
		const doc = JSON.parse(text) as Doc;
		const list = doc.models.ollama?.modelList ?? {};
		expect(Object.hasOwn(list, '__proto__')).toBe(true);
		expect(Object.keys(list)).toEqual(['__proto__', 'constructor']);
		expect(Object.getPrototypeOf(list)).toBe(Object.prototype);
		expect(doc.modelID).toBe('ollama:__proto__');
		// Second run: nothing to change (the own keys are found again).
		const again = await runClientStep(ailiceConfig, ctx, {url: fake.server().url, models: ['__proto__', 'constructor'], setDefault: true});
		expect(again.applied).toBe(false);
		expect(readFileSync(configPathOf(ctx), 'utf8')).toBe(text);
	});
});

describe('model names matched exactly as Ollama normalises them', () => {
	let odd: FakeOllama;
	beforeAll(async () => {
		// The look-alikes come first, so a lookup that trims or folds would pick them.
		odd = await startFakeOllama({models: [{name: 'llama3.2:latest '}, {name: 'llama3.2:latest\u00a0'}, {name: 'Llama3.2\u00a0'}, {name: 'llama3.2:latest'}, {name: 'QWEN2.5-coder:7B'}]});
		return () => odd.close();
	});

	it('--model llama3.2 writes "llama3.2:latest", never the trailing-space or no-break-space entries', async () => {
		const home = tempDir('otw-names-');
		const r = await runBuiltCli(cli, ['configure-ailice', '--url', odd.url, '--model', 'llama3.2', '--yes', '--json'], {home});
		expect(r.code).toBe(0);
		expect(Object.keys(read(configOf(home)).models.ollama?.modelList ?? {})).toEqual(['llama3.2:latest']);
	});

	it('letters compare case-insensitively and the server spelling is written (qwen2.5-coder:7b → QWEN2.5-coder:7B)', async () => {
		const home = tempDir('otw-names-');
		const r = await runBuiltCli(cli, ['configure-ailice', '--url', odd.url, '--model', 'qwen2.5-coder:7b', '--yes', '--json'], {home});
		expect(r.code).toBe(0);
		expect(Object.keys(read(configOf(home)).models.ollama?.modelList ?? {})).toEqual(['QWEN2.5-coder:7B']);
	});

	it('when only look-alikes are listed, --model llama3.2 is not on the server (exit 2) and nothing is written', async () => {
		const only = await startFakeOllama({models: [{name: 'llama3.2:latest '}, {name: 'llama3.2\u00a0:latest'}]});
		try {
			const home = tempDir('otw-names-');
			const r = await runBuiltCli(cli, ['configure-ailice', '--url', only.url, '--model', 'llama3.2', '--yes'], {home});
			expect(r.code).toBe(2);
			expect(`${r.stdout}${r.stderr}`).toMatch(/--model "llama3\.2": the server at .* does not list this model/);
			expect(Object.keys(folderState(home)).filter((k) => !k.startsWith('wizard-state'))).toEqual([]);
		} finally {
			await only.close();
		}
	});

	it('the lookup key: a missing tag means :latest, ASCII letters fold, nothing else changes', () => {
		expect(ollamaNameKey('Llama3.2')).toBe('llama3.2:latest');
		expect(ollamaNameKey('ns/Model')).toBe('ns/model:latest');
		expect(ollamaNameKey('host:5000/model')).toBe('host:5000/model:latest');
		expect(ollamaNameKey('llama3.2 ')).toBe('llama3.2 :latest');
		expect(ollamaNameKey('İx')).toBe('İx:latest'); // no Unicode folding (toLowerCase would give "i̇x")
		expect(matchModel(['a:latest ', 'A:latest'], 'a')).toBe('A:latest');
		expect(matchModel(['a:latest\u00a0'], 'a')).toBeUndefined();
	});
});
