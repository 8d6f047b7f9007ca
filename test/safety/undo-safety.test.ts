/**
 * "Undo never destroys what the user or AIlice changed since", through the built CLI: files judged
 * by their content hash, only the wizard's own part taken out of a changed file, a backup before any
 * destructive undo, kept files said plainly (exit 1), runs listed and undone by id, the step checked
 * again after.
 */
import {existsSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli, type CliResult} from '../support/cli.js';
import {tempDir} from '../support/fake-ctx.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';

const MARK = 'sk-UNDO-MARKER-7f3a9c';
let fake: FakeOllama;
beforeAll(async () => {
	fake = await startFakeOllama({models: [{name: 'llama3.2:latest', contextLength: 8192}, {name: 'qwen2.5-coder:7b', contextLength: 32768}]});
});
afterAll(async () => {
	await fake.close();
});

const configOf = (home: string) => path.join(home, '.config', 'ailice', 'config.json');
const lastJson = (r: CliResult) => JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;

function userAddsProvider(file: string): void {
	// As AIlice (json.dump, indent 2) or a user would write it: a new provider with a real key.
	const doc = JSON.parse(readFileSync(file, 'utf8')) as {models: Record<string, unknown>};
	doc.models.openai = {modelWrapper: 'AModelChatGPT', apikey: MARK, baseURL: 'https://api.openai.com/v1', modelList: {'gpt-4o': {formatter: 'AFormatterGPT', contextWindow: 128000, systemAsUser: false}}};
	writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}

describe('undo after the user changed the files', () => {
	it('takes out only the wizard’s provider and .env variables, keeps the user’s key, prints no secret', async () => {
		const home = tempDir('otw-undo-');
		const env = path.join(home, 'deploy', '.env');
		const r1 = await runCli(['configure-ailice', '--url', fake.url, '--model', 'llama3.2', '--dotenv', env, '--yes', '--json'], {home});
		expect(r1.code).toBe(0);
		const config = configOf(home);
		expect(JSON.parse(readFileSync(config, 'utf8')).models.ollama).toBeDefined();

		userAddsProvider(config);
		writeFileSync(env, `${readFileSync(env, 'utf8')}OPENAI_API_KEY=${MARK}\n`);

		const r2 = await runCli(['undo', '--yes'], {home});
		expect(r2.stderr).toBe('');
		expect(r2.code).toBe(0);
		const after = JSON.parse(readFileSync(config, 'utf8')) as {models: Record<string, {apikey?: string}>};
		expect(Object.keys(after.models)).toEqual(['openai']);
		expect(after.models.openai?.apikey).toBe(MARK);
		const envAfter = readFileSync(env, 'utf8');
		expect(envAfter).toBe(`OPENAI_API_KEY=${MARK}\n`);
		expect(r2.stdout).toMatch(/take out only the wizard's part \(models\.ollama/);
		expect(r2.stdout).toMatch(/Step 4 is back to its state before run/);
		expect(r2.stdout + r2.stderr).not.toContain(MARK);
		// A backup of each file was made before undo changed it, readable by the owner only.
		for (const f of [config, env]) {
			const backups = readdirSync(path.dirname(f)).filter((n) => n.startsWith(`${path.basename(f)}.bak-`));
			expect(backups.length).toBeGreaterThan(0);
			const newest = backups.sort().pop() ?? '';
			expect(readFileSync(path.join(path.dirname(f), newest), 'utf8')).toContain(MARK);
			expect(statSync(path.join(path.dirname(f), newest)).mode & 0o777).toBe(0o600);
		}
		// A second undo has nothing left to do and changes nothing.
		const r3 = await runCli(['undo', '--yes'], {home});
		expect(r3.code).toBe(0);
		expect(r3.stdout).toMatch(/nothing to undo/);
		expect(readFileSync(config, 'utf8')).toContain(MARK);
	});

	it('a file that cannot be edited cleanly is kept, said plainly, exit 1; the other file still loses the wizard’s part', async () => {
		const home = tempDir('otw-undo-');
		const env = path.join(home, '.env');
		const r1 = await runCli(['configure-ailice', '--url', fake.url, '--model', 'llama3.2', '--dotenv', env, '--yes'], {home});
		expect(r1.code).toBe(0);
		const config = configOf(home);
		const broken = `${readFileSync(config, 'utf8').slice(0, -3)} // my notes, "apikey": "${MARK}"\n`;
		writeFileSync(config, broken);
		const r2 = await runCli(['undo', '--yes', '--json'], {home});
		expect(r2.code).toBe(1);
		const s = lastJson(r2);
		expect(s).toMatchObject({status: 'fail', undone: true});
		expect(String(s.message)).toContain(`${config} changed since this run and is not valid JSON now, so it was kept`);
		expect(readFileSync(config, 'utf8')).toBe(broken);
		expect(existsSync(env)).toBe(false); // created by the wizard and unchanged since: removed
		expect(r2.stdout + r2.stderr).not.toContain(MARK);
	});

	it('files unchanged since are removed (a backup copy first) and the journal says undone', async () => {
		const home = tempDir('otw-undo-');
		const r1 = await runCli(['configure-ailice', '--url', fake.url, '--model', 'llama3.2', '--yes'], {home});
		expect(r1.code).toBe(0);
		const config = configOf(home);
		const written = readFileSync(config, 'utf8');
		const r2 = await runCli(['undo', '--yes'], {home});
		expect(r2.code).toBe(0);
		expect(readdirSync(path.dirname(config)).filter((n) => n === 'config.json')).toEqual([]);
		const copy = readdirSync(path.dirname(config)).find((n) => n.endsWith('-undo'));
		expect(copy).toBeDefined();
		expect(readFileSync(path.join(path.dirname(config), copy ?? ''), 'utf8')).toBe(written);
		expect(statSync(path.join(path.dirname(config), copy ?? '')).mode & 0o777).toBe(0o600);
	});
});

describe('undo --list and --run', () => {
	it('lists the runs newest first and undoes an older one by id, leaving the newer run’s change', async () => {
		const home = tempDir('otw-undo-');
		const config = configOf(home);
		const r1 = await runCli(['configure-ailice', '--url', fake.url, '--model', 'llama3.2', '--yes'], {home});
		expect(r1.code).toBe(0);
		await new Promise((r) => setTimeout(r, 20)); // distinct run ids (time based)
		const r2 = await runCli(['configure-ailice', '--url', fake.url, '--model', 'llama3.2', '--provider', 'ollama2', '--yes'], {home});
		expect(r2.code).toBe(0);
		const list = await runCli(['undo', '--list', '--json'], {home});
		expect(list.code).toBe(0);
		const runs = lastJson(list).runs as {id: string; command: string; files: {path: string}[]}[];
		expect(runs).toHaveLength(2);
		expect(runs.map((r) => r.command)).toEqual(['configure-ailice', 'configure-ailice']);
		const older = runs[1]?.id ?? '';
		const plain = await runCli(['undo', '--list'], {home});
		expect(plain.stdout).toContain(older);
		expect(plain.stdout.indexOf(runs[0]?.id ?? '')).toBeLessThan(plain.stdout.indexOf(older));

		const undo = await runCli(['undo', '--run', older, '--yes'], {home});
		expect(undo.code).toBe(0);
		const doc = JSON.parse(readFileSync(config, 'utf8')) as {models: Record<string, unknown>};
		// The older run's provider is gone, the newer run's provider stays.
		expect(Object.keys(doc.models)).toEqual(['ollama2']);

		const again = await runCli(['undo', '--run', older, '--yes'], {home});
		expect(again.code).toBe(0);
		expect(again.stdout).toMatch(/already undone/);
		const unknown = await runCli(['undo', '--run', 'zzz9', '--yes'], {home});
		expect(unknown.code).toBe(1);
		expect(unknown.stdout + unknown.stderr).toContain('There is no recorded run zzz9');
		const bad = await runCli(['undo', '--run', '../x'], {home});
		expect(bad.code).toBe(2);
	});
});
