/**
 * The .env merge: comments, blank lines and unknown variables stay exactly; the wizard's variables
 * are set in place or appended; the file is 0600 once it holds the service key, and AIlice itself
 * reads none of it.
 */
import {readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {parse} from 'dotenv';
import {describe, expect, it} from 'vitest';
import {ENV_HEADER, envEntries, formatEnvValue, mergeDotenv} from '../../source/ailice/dotenv.js';
import {revertEnvPart} from '../../source/app/undo-flow.js';
import {ailiceConfig} from '../../source/steps/ailice-config.js';
import {backupsOf, makeCtx, runClientStep, useFakeOllama} from './helpers.js';

const fake = useFakeOllama();

const EXISTING = `# My app settings
export DATABASE_URL=postgres://db/app   # inline comment

OLLAMA_BASE_URL=http://100.64.1.25:11434
WEIRD LINE WITHOUT EQUALS
MULTI="first
second"
# trailing comment
`;

const KEY = JSON.stringify({version: '1', network: 'acme.twingate.com', service_account_id: 'sa-123', private_key: 'FAKEKEY-7f3a9c-private-key-material', key_id: 'kid-42'});

describe('.env merge (line-preserving)', () => {
	it('keeps every comment, blank and unknown line, replaces in place and appends the rest', () => {
		const r = mergeDotenv(EXISTING, {OLLAMA_BASE_URL: 'http://ollama.internal:11434', OLLAMA_TUNNEL_TYPE: 'twingate'});
		expect(r.changed.sort()).toEqual(['OLLAMA_BASE_URL', 'OLLAMA_TUNNEL_TYPE']);
		expect(r.text).toBe(`# My app settings
export DATABASE_URL=postgres://db/app   # inline comment

OLLAMA_BASE_URL=http://ollama.internal:11434
WEIRD LINE WITHOUT EQUALS
MULTI="first
second"
# trailing comment

${ENV_HEADER}
OLLAMA_TUNNEL_TYPE=twingate
`);
		const values = parse(r.text);
		expect(values).toMatchObject({DATABASE_URL: 'postgres://db/app', MULTI: 'first\nsecond', OLLAMA_BASE_URL: 'http://ollama.internal:11434', OLLAMA_TUNNEL_TYPE: 'twingate'});
		// Idempotent: the same values again change nothing.
		expect(mergeDotenv(r.text, {OLLAMA_BASE_URL: 'http://ollama.internal:11434', OLLAMA_TUNNEL_TYPE: 'twingate'})).toEqual({text: r.text, changed: []});
	});

	it('replaces a multi-line value as a whole, removes keys set to null, keeps `export`', () => {
		const r = mergeDotenv(EXISTING, {MULTI: 'one', DATABASE_URL: null});
		expect(r.text).toContain('MULTI=one\n# trailing comment');
		expect(r.text).not.toContain('second"');
		expect(r.text).not.toContain('DATABASE_URL');
		expect(mergeDotenv('export A=1\n', {A: '2'}).text).toBe('export A=2\n');
		expect(envEntries(EXISTING).map((e) => [e.key, e.first, e.last])).toEqual([
			['DATABASE_URL', 1, 1],
			['OLLAMA_BASE_URL', 3, 3],
			['MULTI', 5, 6],
		]);
	});

	it('keeps recognising the header line earlier versions wrote: no second header, and undo removes it', () => {
		// Exactly as versions up to 0.1.0 wrote it into users' .env files.
		const old = '# Added by ollama-tunnel-wizard. AIlice itself reads no .env (ailice.md \u00a79); these are for the step-5 container entrypoint.';
		expect(ENV_HEADER).not.toBe(old);
		expect(ENV_HEADER).not.toMatch(/\.md|\u00a7/);
		const before = `A=1\n\n${old}\nOLLAMA_TUNNEL_TYPE=twingate\n`;
		const r = mergeDotenv(before, {OLLAMA_BASE_URL: 'http://ollama.internal:11434'});
		expect(r.text).toBe(`${before}OLLAMA_BASE_URL=http://ollama.internal:11434\n`);
		expect(r.text).not.toContain(ENV_HEADER);
		// Undo of a run that created both variables: the old header goes with them.
		expect(revertEnvPart(r.text, 'A=1\n', ['OLLAMA_TUNNEL_TYPE', 'OLLAMA_BASE_URL'])).toBe('A=1\n');
		// The current header is removed the same way.
		const fresh = mergeDotenv('A=1\n', {OLLAMA_TUNNEL_TYPE: 'twingate'}).text;
		expect(fresh).toBe(`A=1\n\n${ENV_HEADER}\nOLLAMA_TUNNEL_TYPE=twingate\n`);
		expect(revertEnvPart(fresh, 'A=1\n', ['OLLAMA_TUNNEL_TYPE'])).toBe('A=1\n');
		// A header that was already there before the run (old wording) stays.
		expect(revertEnvPart(r.text, `A=1\n\n${old}\nOLLAMA_TUNNEL_TYPE=twingate\n`, ['OLLAMA_BASE_URL'])).toBe(before);
	});

	it('writes JSON unquoted when dotenv and docker --env-file read it the same, else quotes or refuses', () => {
		expect(formatEnvValue('K', KEY)).toBe(KEY);
		expect(parse(`K=${formatEnvValue('K', KEY)}`).K).toBe(KEY);
		expect(formatEnvValue('K', 'a #b')).toBe("'a #b'");
		expect(() => formatEnvValue('K', 'two\nlines')).toThrow(/line break/);
	});

	it('step 4 with a pasted key: .env becomes 0600, the key round-trips, the diff is not shown; a key file path instead removes it', async () => {
		const ctx = makeCtx();
		ctx.runner.expect({argv: ['git', '-C', ctx.dir, 'rev-parse', '--is-inside-work-tree'], exitCode: 128, stderr: 'fatal: not a git repository', repeat: true});
		const env = path.join(ctx.dir, '.env');
		writeFileSync(env, EXISTING, {mode: 0o644});
		const out = await runClientStep(ailiceConfig, ctx, {url: fake.server().url, models: ['llama3.2'], envFile: env, serviceKey: KEY});
		expect(out.result.status).not.toBe('fail');
		expect(statSync(env).mode & 0o777).toBe(0o600);
		const text = readFileSync(env, 'utf8');
		expect(parse(text).TWINGATE_SERVICE_KEY).toBe(KEY);
		expect(text.startsWith('# My app settings\nexport DATABASE_URL=postgres://db/app   # inline comment\n')).toBe(true);
		const plan = out.bus.history.find((e) => e.type === 'step:plan');
		const envAction = plan?.type === 'step:plan' ? plan.plan.actions.find((a) => a.kind === 'file' && a.path === env) : undefined;
		expect(envAction).toMatchObject({secret: true, mode: 0o600});
		expect(out.result.details.join('\n')).toMatch(/key file referenced by TWINGATE_SERVICE_KEY_FILE/);

		// Switching to a key file: the content goes, the path comes, and the old file (which holds the
		// key) is still backed up, readable by its owner only.
		const keyFile = path.join(ctx.dir, 'service_key.json');
		writeFileSync(keyFile, KEY, {mode: 0o600});
		const before = backupsOf(env);
		const withKey = readFileSync(env, 'utf8');
		await runClientStep(ailiceConfig, ctx, {url: fake.server().url, models: ['llama3.2'], envFile: env, serviceKeyFile: keyFile});
		const now = readFileSync(env, 'utf8');
		expect(now).not.toContain('FAKEKEY');
		// As the container sees it (docker run mounts the key there); the path on this machine is kept apart.
		expect(parse(now).TWINGATE_SERVICE_KEY_FILE).toBe('/run/secrets/twingate_service_key.json');
		expect(parse(now).TWINGATE_SERVICE_KEY_HOST_FILE).toBe(keyFile);
		expect(parse(now).TWINGATE_SERVICE_KEY).toBeUndefined();
		const added = backupsOf(env).filter((b) => !before.includes(b));
		expect(added).toHaveLength(1);
		expect(readFileSync(added[0] ?? '', 'utf8')).toBe(withKey);
		expect(statSync(added[0] ?? '').mode & 0o777).toBe(0o600);
	});

	it('warns when the .env with the key sits in a git work tree and is not ignored', async () => {
		const ctx = makeCtx();
		ctx.runner.expect(
			{argv: ['git', '-C', ctx.dir, 'rev-parse', '--is-inside-work-tree'], stdout: 'true\n', repeat: true},
			{argv: ['git', '-C', ctx.dir, 'check-ignore', '-q', '--', '.env'], exitCode: 1, repeat: true},
		);
		const out = await runClientStep(ailiceConfig, ctx, {url: fake.server().url, models: ['llama3.2'], envFile: path.join(ctx.dir, '.env'), serviceKey: KEY}, 'dry-run');
		expect(out.result.details.join('\n')).toMatch(/inside a git work tree without being ignored/);
	});
});
