/**
 * Damaged JSON and text, through the built CLI as a user runs it: a key repeated in one object
 * (AIlice's json.load keeps the last one, an edit would change the first), nesting tens of
 * thousands deep, and bytes that are not UTF-8. Each is refused with one sentence naming the file,
 * the line and column and what to do, exit 1, no stack trace, and the folder is left byte for byte
 * as it was (no backup, no temp file).
 */
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {MAX_DEPTH, parseStrictJson, scanStructure} from '../../source/ailice/json.js';
import {tempDir} from '../support/fake-ctx.js';
import {folderState, jsonSummary, runBuiltCli, snapshotCli, useFakeOllama, type CliRun} from '../client/helpers.js';

const fake = useFakeOllama();
let cli = '';
beforeAll(async () => {
	cli = await snapshotCli();
}, 60_000);

/** A HOME with AIlice's config (and optionally more files) in its own folder; returns paths. */
function home(config: string | Buffer, more: Record<string, string | Buffer> = {}) {
	const h = tempDir('otw-inputs-');
	const dir = path.join(h, '.config', 'ailice');
	mkdirSync(dir, {recursive: true});
	const file = path.join(dir, 'config.json');
	writeFileSync(file, config);
	for (const [rel, content] of Object.entries(more)) {
		mkdirSync(path.dirname(path.join(h, rel)), {recursive: true});
		writeFileSync(path.join(h, rel), content);
	}
	return {home: h, file, dir};
}

const run = (h: string, extra: string[] = []) => runBuiltCli(cli, ['configure-ailice', '--url', fake.server().url, '--model', 'llama3.2', '--yes', ...extra], {home: h, timeoutMs: 30_000});

/** Files of the user's (everything but the wizard's own state folder). */
function userFiles(h: string): Record<string, string> {
	const all = folderState(h);
	return Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith('wizard-state')));
}

/** Exit 1, the sentence shown (the plain view prints it on stdout), and no trace of a crash. */
function expectRefused(r: CliRun, sentence: RegExp): void {
	const shown = `${r.stdout}\n${r.stderr}`;
	expect(r.code).toBe(1);
	expect(shown).toMatch(sentence);
	expect(shown).not.toMatch(/\n\s+at |RangeError|Maximum call stack|This is a bug|TypeError/);
}

describe('a key that appears twice in one object', () => {
	it('config.json with two "models" keys is refused with the line and column of the second; nothing is written', async () => {
		const text = '{\n  "models": {\n    "oai": {"modelWrapper": "AModelChatGPT", "apikey": null, "baseURL": null, "modelList": {}}\n  },\n  "temperature": 0,\n  "models": {}\n}\n';
		const h = home(text);
		const before = userFiles(h.home);
		const r = await run(h.home);
		expectRefused(r, new RegExp(`AIlice's config\\.json at ${h.file.replace(/[.]/g, '\\.')} has a duplicate key at line 6, column 3: the key "models" appears a second time in the same object \\(first at line 2, column 3\\)`));
		expect(r.stdout).toMatch(/Fix: Merge the two entries into one/);
		expect(userFiles(h.home)).toEqual(before);
	});

	it('finds a repeat deep inside (a model entry) and one spelled with an escape ("a" and "\\u0061" are the same key to Python)', async () => {
		const nested = '{"models": {"ollama": {"modelWrapper": "AModelChatGPT", "apikey": "ollama", "baseURL": "http://h:11434/v1",\n "modelList": {"llama3.2:latest": {"formatter": "AFormatterGPT", "contextWindow": 8192, "contextWindow": 4096}}}}}\n';
		const a = home(nested);
		const ra = await run(a.home);
		const line2 = nested.split('\n')[1] ?? '';
		const second = line2.lastIndexOf('"contextWindow"') + 1;
		const first = line2.indexOf('"contextWindow"') + 1;
		expectRefused(ra, new RegExp(`has a duplicate key at line 2, column ${second}: the key "contextWindow" appears a second time in the same object \\(first at line 2, column ${first}\\)`));
		expect(readFileSync(a.file, 'utf8')).toBe(nested);

		const escaped = '{"modelID": "x:y",\n "mod\\u0065lID": "ollama:llama3.2:latest"}';
		const b = home(escaped);
		const before = userFiles(b.home);
		const rb = await run(b.home, ['--set-default']);
		expectRefused(rb, /line 2, column 2: the key "modelID" appears a second time in the same object \(first at line 1, column 2\)/);
		expect(userFiles(b.home)).toEqual(before);
	});

	it('the same key in two different objects is fine (no false alarm), and the run writes', async () => {
		const h = home('{"agentModelConfig": {"DEFAULT": "oai:gpt-4o"}, "other": {"DEFAULT": 1}}\n');
		const r = await run(h.home, ['--json']);
		expect(r.code).toBe(0);
		expect(jsonSummary(r)).toMatchObject({changed: true});
	});

	it("the web app's overlay user_config.json with a repeated key is refused too (it would override the edit); nothing is written", async () => {
		const overlayRel = path.join('.local', 'share', 'ailice', '0', 'user_config.json');
		const overlay = '{"models": {"ollama": {"baseURL": "http://old:11434/v1"}},\n "models": {"ollama": {"baseURL": "http://stale:11434/v1"}}}\n';
		const h = home('{"temperature": 0}\n', {[overlayRel]: overlay});
		const before = userFiles(h.home);
		const r = await run(h.home);
		expectRefused(r, new RegExp(`The web app's overlay user_config\\.json at ${path.join(h.home, overlayRel).replace(/[.]/g, '\\.')} has a duplicate key at line 2, column 2: the key "models"`));
		expect(userFiles(h.home)).toEqual(before);
	});
});

describe('nesting thousands deep', () => {
	for (const [name, text] of [
		['100000 unclosed [', '['.repeat(100_000)],
		['100000 [ closed (valid JSON)', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
		['deep objects under a real key', `{"models": ${'{"a": '.repeat(20_000)}1${'}'.repeat(20_000)}}`],
	] as const) {
		it(`${name}: one sentence with the line and column, exit 1, no stack overflow, nothing written`, async () => {
			const h = home(text);
			const before = userFiles(h.home);
			const r = await run(h.home);
			expectRefused(r, new RegExp(`AIlice's config\\.json at .* cannot be used: at line 1, column \\d+ objects and lists are nested more than ${MAX_DEPTH} levels deep here`));
			expect(userFiles(h.home)).toEqual(before);
		}, 60_000);
	}

	it('the limit is exact: MAX_DEPTH levels parse, one more is refused at the first bracket too deep', () => {
		expect(parseStrictJson(`${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}`)).toMatchObject({ok: true});
		const over = `${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}`;
		expect(parseStrictJson(over)).toMatchObject({ok: false, kind: 'depth', line: 1, column: MAX_DEPTH + 1});
		// Brackets inside strings do not count.
		expect(scanStructure(JSON.stringify({k: '['.repeat(10_000)}))).toMatchObject({tooDeepAt: -1, duplicate: null});
	});
});

describe('bytes that are not UTF-8', () => {
	it('config.json with a Latin-1 byte is refused with its line and column, never rewritten with U+FFFD', async () => {
		const bytes = Buffer.concat([Buffer.from('{\n  "userName": "Jos'), Buffer.from([0xe9]), Buffer.from('",\n  "temperature": 0\n}\n')]);
		const h = home(bytes);
		const before = userFiles(h.home);
		const r = await run(h.home);
		expectRefused(r, /AIlice's config\.json at .* is not valid UTF-8 text: the byte 0xE9 at line 2, column 19 \(byte 21\) is not part of a UTF-8 character\. Save the file as UTF-8/);
		expect(r.stdout).not.toMatch(/Pass --ailice-config/); // the path is right; the content is not
		expect(readFileSync(h.file).equals(bytes)).toBe(true);
		expect(userFiles(h.home)).toEqual(before);
	});

	it('an overlong encoding and a lone surrogate encoded in UTF-8 are invalid too', async () => {
		for (const bad of [Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80])]) {
			const bytes = Buffer.concat([Buffer.from('{"a": "'), bad, Buffer.from('"}')]);
			const h = home(bytes);
			const r = await run(h.home);
			expectRefused(r, /is not valid UTF-8 text: the byte 0x(C0|ED) at line 1, column 8/);
			expect(readFileSync(h.file).equals(bytes)).toBe(true);
		}
	});

	it('a .env with invalid UTF-8 is refused (exit 1) and neither it nor config.json is written', async () => {
		const env = Buffer.concat([Buffer.from('# mine\nGREETING=gr'), Buffer.from([0xfc]), Buffer.from('n\n')]);
		const h = home('{"temperature": 0}\n', {'deploy/.env': env});
		const before = userFiles(h.home);
		const r = await run(h.home, ['--dotenv', path.join(h.home, 'deploy', '.env')]);
		expectRefused(r, /The \.env file at .*deploy\/\.env is not valid UTF-8 text: the byte 0xFC at line 2, column 12/);
		expect(userFiles(h.home)).toEqual(before);
	});

	it("the web app's overlay with invalid UTF-8 is never rewritten: config.json is set, the overlay stays byte for byte, and a warning names it", async () => {
		const overlayRel = path.join('.local', 'share', 'ailice', '0', 'user_config.json');
		const overlay = Buffer.concat([Buffer.from('{"models": {"ollama": {"baseURL": "http://old:11434/v1", "note": "caf'), Buffer.from([0xe9]), Buffer.from('"}}}\n')]);
		const h = home('{"temperature": 0}\n', {[overlayRel]: overlay});
		const r = await run(h.home);
		expect(`${r.stdout}${r.stderr}`).toMatch(/Warning: The web app's overlay user_config\.json at .* is not valid UTF-8 text: the byte 0xE9 at line 1, column 70 .* It was not updated/);
		expect(readFileSync(path.join(h.home, overlayRel)).equals(overlay)).toBe(true);
		expect((JSON.parse(readFileSync(h.file, 'utf8')) as {models: Record<string, unknown>}).models.ollama).toMatchObject({baseURL: `${fake.server().url}/v1`});
	});

	it('valid UTF-8 (accents, emoji, a BOM-free file) is kept byte for byte around the edit', async () => {
		const text = '{\n  "userName": "José 🦙",\n  "temperature": 0\n}\n';
		const h = home(text);
		const r = await run(h.home);
		expect(r.code).toBe(0);
		expect(readFileSync(h.file, 'utf8')).toContain('"userName": "José 🦙"');
	});
});
