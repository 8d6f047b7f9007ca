/**
 * Step 4 against real temp files and the real fake Ollama server: the merge keeps everything else,
 * creates a minimal file, refuses invalid JSON with its position, updates instead of duplicating,
 * is idempotent (no new backup), backs up the old file, updates the web app's overlay, and rejects
 * bad URLs, model names and file paths without writing anything.
 */
import {chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {analyse} from '../../source/ailice/analyse.js';
import {lineColumn, parseStrictJson} from '../../source/ailice/json.js';
import {mergeAiliceConfig, mergeOverlay} from '../../source/ailice/merge.js';
import {ailiceConfigPath, ailiceOverlayPath} from '../../source/ailice/paths.js';
import {validateAiliceConfig, validateProviderName} from '../../source/ailice/schema.js';
import {ailiceConfig} from '../../source/steps/ailice-config.js';
import {backupsOf, configPathOf, makeCtx, runClientStep, useFakeOllama, writeConfig} from './helpers.js';

const fake = useFakeOllama();

/** A config.json as AIlice rewrites it (2-space JSON), with user keys and providers. */
const RICH = `{
  "modelID": "",
  "agentModelConfig": {
    "DEFAULT": "openrouter:z-ai/glm-4.5",
    "search-engine": "openrouter:qwen/qwen-2.5-72b-instruct"
  },
  "prompt": "main",
  "certificate": "",
  "expose": false,
  "maxMemory": {},
  "quantization": null,
  "flashAttention2": false,
  "speechOn": false,
  "temperature": 0.0,
  "contextWindowRatio": 0.6,
  "unicode": "Grüße – 日本語 ✓",
  "12": "an integer-like key keeps its place",
  "models": {
    "oai": {
      "modelWrapper": "AModelChatGPT",
      "apikey": null,
      "baseURL": null,
      "modelList": {
        "gpt-4o": {"formatter": "AFormatterGPTVision", "contextWindow": 128000, "systemAsUser": false, "args": {}}
      }
    },
    "groq": {
      "modelWrapper": "AModelChatGPT",
      "apikey": "gsk-not-a-secret-for-this-test",
      "baseURL": "https://api.groq.com/openai/v1",
      "modelList": {
        "llama3-70b-8192": {"formatter": "AFormatterGPT", "contextWindow": 8192, "systemAsUser": false, "args": {}}
      }
    },
    "mistral": {
      "modelWrapper": "AModelMistral",
      "apikey": null,
      "modelList": {}
    }
  },
  "services": {
    "storage": {"cmd": "python3 -m ailice.modules.AStorageVecDB --addr=ipc:///tmp/AIliceStorage.ipc", "addr": "ipc:///tmp/AIliceStorage.ipc"}
  }
}
`;

/** A parsed config.json, loosely typed for assertions. */
interface Doc {
	modelID?: string;
	agentModelConfig?: Record<string, string>;
	models: Record<string, {modelList: Record<string, unknown>} & Record<string, unknown>>;
	[key: string]: unknown;
}

function withoutOurs(doc: Doc): Doc {
	const copy = structuredClone(doc);
	delete copy.models.ollama;
	delete copy.modelID;
	if (copy.agentModelConfig) delete copy.agentModelConfig.DEFAULT;
	return copy;
}

describe('step 4 merge', () => {
	it('keeps every unrelated key and provider, in meaning and in order, and only adds the ollama provider', async () => {
		const ctx = makeCtx();
		const file = writeConfig(ctx, RICH);
		const out = await runClientStep(ailiceConfig, ctx, {url: fake.server().url, models: ['llama3.2'], setDefault: true});
		expect(out.result.status).not.toBe('fail');
		const after = readFileSync(file, 'utf8');
		const before = JSON.parse(RICH) as Doc;
		const doc = JSON.parse(after) as Doc;
		expect(withoutOurs(doc)).toEqual(withoutOurs(before));
		expect(Object.keys(doc)).toEqual(Object.keys(before)); // order kept, "12" not hoisted
		expect(Object.keys(doc.models)).toEqual(['oai', 'groq', 'mistral', 'ollama']);
		// Untouched lines keep their exact bytes (formatting included).
		for (const line of ['  "unicode": "Grüße – 日本語 ✓",', '        "gpt-4o": {"formatter": "AFormatterGPTVision", "contextWindow": 128000, "systemAsUser": false, "args": {}}', '  "temperature": 0.0,']) {
			expect(after).toContain(line);
		}
		expect(doc.models.ollama).toEqual({
			modelWrapper: 'AModelChatGPT',
			apikey: 'ollama',
			baseURL: `${fake.server().url}/v1`,
			modelList: {'llama3.2:latest': {formatter: 'AFormatterGPT', contextWindow: 8192, systemAsUser: false, args: {}}},
		});
		// agentModelConfig is replaced wholesale by AIlice: DEFAULT set, the other entry kept.
		expect(doc.agentModelConfig).toEqual({DEFAULT: 'ollama:llama3.2:latest', 'search-engine': 'openrouter:qwen/qwen-2.5-72b-instruct'});
		expect(doc.modelID).toBe('ollama:llama3.2:latest');
	});

	it('creates a minimal valid config.json when none exists, mode 0600', async () => {
		const ctx = makeCtx();
		const out = await runClientStep(ailiceConfig, ctx, {url: fake.server().url, models: ['qwen2.5-coder:7b'], setDefault: true});
		expect(out.result.status).toBe('ok');
		const file = configPathOf(ctx);
		const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
		expect(doc).toEqual({
			modelID: 'ollama:qwen2.5-coder:7b',
			agentModelConfig: {DEFAULT: 'ollama:qwen2.5-coder:7b'},
			models: {
				ollama: {
					modelWrapper: 'AModelChatGPT',
					apikey: 'ollama',
					baseURL: `${fake.server().url}/v1`,
					modelList: {'qwen2.5-coder:7b': {formatter: 'AFormatterGPT', contextWindow: 8192, systemAsUser: false, args: {}}},
				},
			},
		});
		expect(validateAiliceConfig(doc, 'ollama')).toEqual({errors: [], warnings: []});
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(out.run.files).toMatchObject([{path: file, backup: null, created: true}]);
	});

	it('invalid JSON: stops with the line and column of the error and leaves the file untouched', async () => {
		const ctx = makeCtx();
		const broken = '{\n  "models": {\n    // Your models here\n  }\n}\n';
		const file = writeConfig(ctx, broken);
		const out = await runClientStep(ailiceConfig, ctx, {url: fake.server().url, models: ['llama3.2']});
		expect(out.result.status).toBe('fail');
		expect(out.result.cause).toBe('config-invalid');
		expect(out.result.summary).toMatch(/line 3, column 5/);
		expect(readFileSync(file, 'utf8')).toBe(broken);
		expect(backupsOf(file)).toEqual([]);
		expect(out.applied).toBe(false);

		const trailing = parseStrictJson('{\n  "a": 1,\n}');
		expect(trailing).toMatchObject({ok: false, line: 3, column: 1});
		expect(parseStrictJson('')).toMatchObject({ok: false, line: 1, column: 1, message: 'the file is empty'});
		expect(parseStrictJson('{"a": NaN}')).toMatchObject({ok: false, line: 1, column: 7});
		expect(lineColumn('ab\ncd', 4)).toEqual({line: 2, column: 2});
	});

	it('a config that already has the provider is updated, not duplicated (llama3.2 stays one entry)', async () => {
		const ctx = makeCtx();
		const old = {
			models: {
				ollama: {
					modelWrapper: 'AModelOllama',
					apikey: null,
					baseURL: 'http://100.64.1.25:11434/v1',
					extra: 'kept',
					modelList: {'llama3.2': {formatter: 'AModelOllama', contextWindow: 4096, systemAsUser: true, args: {max_tokens: 512}, note: 'kept too'}},
				},
			},
		};
		const file = writeConfig(ctx, `${JSON.stringify(old, null, 2)}\n`);
		const out = await runClientStep(ailiceConfig, ctx, {url: fake.server().url, models: ['llama3.2', 'qwen2.5-coder:7b']});
		expect(out.result.status).not.toBe('fail');
		const doc = JSON.parse(readFileSync(file, 'utf8')) as Doc;
		expect(Object.keys(doc.models)).toEqual(['ollama']);
		const p = doc.models.ollama ?? {modelList: {}};
		expect(p).toMatchObject({modelWrapper: 'AModelChatGPT', apikey: 'ollama', baseURL: `${fake.server().url}/v1`, extra: 'kept'});
		// The existing key "llama3.2" (= llama3.2:latest) is reused, not duplicated; user choices that are valid stay.
		expect(Object.keys(p.modelList)).toEqual(['llama3.2', 'qwen2.5-coder:7b']);
		expect(p.modelList['llama3.2']).toEqual({formatter: 'AFormatterGPT', contextWindow: 8192, systemAsUser: true, args: {max_tokens: 512}, note: 'kept too'});
	});

	it('is idempotent: a second run with the same answers changes nothing and makes no new backup', async () => {
		const ctx = makeCtx();
		const file = writeConfig(ctx, RICH);
		const answers = {url: fake.server().url, models: ['llama3.2', 'tinyllama:1.1b'], setDefault: true};
		const first = await runClientStep(ailiceConfig, ctx, answers);
		expect(first.applied).toBe(true);
		const afterFirst = readFileSync(file, 'utf8');
		const backups = backupsOf(file);
		expect(backups).toHaveLength(1);
		const second = await runClientStep(ailiceConfig, ctx, answers);
		expect(second.applied).toBe(false);
		expect(second.result.status).not.toBe('fail');
		expect(readFileSync(file, 'utf8')).toBe(afterFirst);
		expect(backupsOf(file)).toEqual(backups);
		expect(second.run.files).toEqual([]);
	});

	it('the backup next to the file holds exactly the old content, readable by its owner only (0600)', async () => {
		const ctx = makeCtx();
		const file = writeConfig(ctx, RICH);
		chmodSync(file, 0o640);
		const out = await runClientStep(ailiceConfig, ctx, {url: fake.server().url, models: ['llama3.2']});
		const [backup] = backupsOf(file);
		expect(backup).toMatch(/config\.json\.bak-\d{8}T\d{6}Z/);
		expect(readFileSync(backup ?? '', 'utf8')).toBe(RICH);
		expect(statSync(backup ?? '').mode & 0o777).toBe(0o600); // a backup may hold other providers' keys
		expect(statSync(file).mode & 0o777).toBe(0o640); // same mode after the atomic replace
		expect(out.run.files).toMatchObject([{path: file, backup, created: false}]);
	});

	it('updates the web app overlay <chatHistoryPath>/0/user_config.json when it names the provider', async () => {
		const ctx = makeCtx();
		const history = path.join(ctx.dir, 'history');
		writeConfig(ctx, JSON.stringify({chatHistoryPath: history, models: {}}, null, 2));
		const overlay = path.join(history, '0', 'user_config.json');
		mkdirSync(path.dirname(overlay), {recursive: true});
		const overlayDoc = {
			agentModelConfig: {DEFAULT: 'openrouter:z-ai/glm-4.5'},
			temperature: 0,
			contextWindowRatio: 0.6,
			models: {oai: {modelWrapper: 'AModelChatGPT', apikey: 'sk-x', baseURL: null}, ollama: {modelWrapper: 'AModelChatGPT', apikey: 'ollama', baseURL: 'http://stale:11434/v1'}},
		};
		writeFileSync(overlay, JSON.stringify(overlayDoc, null, 2));
		const out = await runClientStep(ailiceConfig, ctx, {url: fake.server().url, models: ['llama3.2'], setDefault: true});
		expect(out.result.status).not.toBe('fail');
		const doc = JSON.parse(readFileSync(overlay, 'utf8')) as typeof overlayDoc;
		expect(doc.models.ollama.baseURL).toBe(`${fake.server().url}/v1`);
		expect(doc.models.oai).toEqual(overlayDoc.models.oai);
		expect(doc.agentModelConfig.DEFAULT).toBe('ollama:llama3.2:latest');
		expect(ailiceOverlayPath(ctx, history)).toBe(overlay);

		// An overlay that does not name the provider is left alone, and the reason is said.
		const plain = mergeOverlay('{"temperature": 0}', {provider: 'ollama', baseURL: 'http://h:11434/v1', defaultId: null});
		expect(plain).toEqual({kind: 'not-named', text: '{"temperature": 0}', changes: []});
		expect(mergeOverlay('{,}', {provider: 'ollama', baseURL: 'http://h:11434/v1', defaultId: null})).toMatchObject({kind: 'invalid', reason: expect.stringMatching(/line 1, column 2/)});
	});

	it('contextWindow comes from /api/show, capped to 8192 unless chosen otherwise', async () => {
		const ctx = makeCtx();
		await runClientStep(ailiceConfig, ctx, {url: fake.server().url, models: ['llama3.2', 'tinyllama:1.1b', 'mystery:2b'], contextWindow: 16384});
		const doc = JSON.parse(readFileSync(configPathOf(ctx), 'utf8')) as {models: {ollama: {modelList: Record<string, {contextWindow: number}>}}};
		const list = doc.models.ollama.modelList;
		expect(list['llama3.2:latest']?.contextWindow).toBe(16384); // 131072 capped to the chosen 16384
		expect(list['tinyllama:1.1b']?.contextWindow).toBe(2048); // the model's own maximum
		expect(list['mystery:2b']?.contextWindow).toBe(16384); // no context_length reported
	});

	it('paths: a directory, a symbolic link or an unreadable file is a clear error and nothing is written', async () => {
		const ctx = makeCtx();
		const dirAsFile = path.join(ctx.dir, 'cfgdir');
		mkdirSync(dirAsFile);
		const a = await analyse(ctx, {url: fake.server().url, models: ['llama3.2'], ailiceConfig: dirAsFile});
		expect(a.problem?.summary).toMatch(/is a folder, not a file/);
		expect(a.actions).toEqual([]);

		const real = writeConfig(ctx, '{}');
		const link = path.join(ctx.dir, 'link.json');
		symlinkSync(real, link);
		const b = await runClientStep(ailiceConfig, ctx, {url: fake.server().url, models: ['llama3.2'], ailiceConfig: link});
		expect(b.result.summary).toMatch(/is a symbolic link/);
		expect(readFileSync(real, 'utf8')).toBe('{}');

		// A regular file whose read fails (this process's own memory at address 0: EIO).
		if (existsSync('/proc/self/mem')) {
			const c = await analyse(makeCtx(), {url: fake.server().url, models: ['llama3.2'], ailiceConfig: '/proc/self/mem'});
			expect(c.problem?.summary).toMatch(/^AIlice's config\.json at \/proc\/self\/mem cannot be read \(EIO\)\. Nothing was changed\.$/);
			expect(c.actions).toEqual([]);
		}
	});

	it('rejects bad URLs and model names: loopback on the AIlice side, a missing model, a bad provider', async () => {
		const ctx = makeCtx();
		const loop = await analyse(ctx, {url: fake.server().url, models: ['llama3.2'], role: 'client', ollamaOnThisMachine: false});
		expect(loop.problem).toMatchObject({cause: 'loopback'});
		const same = await analyse(ctx, {url: fake.server().url, models: ['llama3.2'], role: 'client', ollamaOnThisMachine: true});
		expect(same.problem).toBeNull();
		const unsaid = await analyse(ctx, {url: fake.server().url, models: ['llama3.2'], role: 'client'});
		expect(unsaid.warnings.join('\n')).toMatch(/is this machine: right only if Ollama runs here/);
		const missing = await analyse(ctx, {url: fake.server().url, models: ['llama3:2']});
		expect(missing.problem).toMatchObject({cause: 'model-missing', summary: expect.stringMatching(/llama3:2 is not on the server.*llama3\.2:latest/)});
		for (const url of ['http://h:11434/v1/chat/completions', 'http://0.0.0.0:11434']) {
			expect((await analyse(ctx, {url, models: ['x']})).problem?.cause).toBe('usage');
		}
		expect(validateProviderName('openrouter')).toMatchObject({ok: false});
		expect(validateProviderName('my:provider')).toMatchObject({ok: false});
		expect(validateProviderName('ollama-mac')).toEqual({ok: true});
		expect(existsSync(configPathOf(ctx))).toBe(false);
	});

	it('schema catches what AIlice would crash on', () => {
		const bad = {
			modelID: 'ollama:nope',
			models: {
				ollama: {modelWrapper: 'AModelOllama', apikey: null, baseURL: 'http://h:11434', modelList: {m: {formatter: 'AFormatterLLAMA3', contextWindow: 8192.5, systemAsUser: 'no', args: {stream: true}}}},
			},
		};
		const v = validateAiliceConfig(bad, 'ollama');
		const text = v.errors.map((e) => `${e.path}: ${e.message}`).join('\n');
		for (const want of [/modelWrapper must be one of/, /contextWindow must be a whole number/, /systemAsUser must be true or false/, /args must not contain/, /modelID: "ollama:nope" names the model/]) expect(text).toMatch(want);
		expect(validateAiliceConfig([], 'ollama').errors[0]?.message).toMatch(/top level must be a JSON object/);
		const ok = mergeAiliceConfig(null, {provider: 'ollama', baseURL: 'http://h:11434/v1', models: [{name: 'a:1b', contextWindow: 4096}], setDefault: false});
		expect(validateAiliceConfig(JSON.parse(ok.text), 'ollama')).toEqual({errors: [], warnings: []});
	});

	it('finds config.json where AIlice reads it on each OS, and --ailice-config overrides', () => {
		const base = {home: '/home/u', cwd: '/work', env: {}};
		expect(ailiceConfigPath({...base, platform: 'linux'}).path).toBe('/home/u/.config/ailice/config.json');
		expect(ailiceConfigPath({...base, platform: 'linux', env: {XDG_CONFIG_HOME: '/x/cfg'}}).path).toBe('/x/cfg/ailice/config.json');
		expect(ailiceConfigPath({...base, platform: 'darwin', home: '/Users/u'}).path).toBe('/Users/u/Library/Application Support/ailice/config.json');
		expect(ailiceConfigPath({...base, platform: 'linux'}, 'conf/a.json')).toEqual({path: '/work/conf/a.json', source: 'flag'});
		expect(ailiceConfigPath({...base, platform: 'linux'}, '~/a.json').path).toBe('/home/u/a.json');
	});
});
