/**
 * Nothing the package ships or writes cites a document its users do not have: no internal note
 * files ("ollama.md §5.4"), no note numbers ("seed-corrections #40"), no section signs, no fixture
 * ids ("F21", "F1–F4"), no "(issue 4)" notes and no "the guide's choice". Facts are stated plainly
 * or cite a public URL. Checked over every file in source/ and scripts/, README.md, the built bundle
 * (a copy of dist/, which the global setup builds with scripts/build.mjs) and what the CLI generates
 * and prints: the step-5 deployment folder, the LaunchAgent plist and the systemd drop-in of
 * `setup --dry-run --platform`, and the .env and config.json of `configure-ailice --dotenv`.
 * A failure lists each offender as file:line with the text around it.
 */
import {mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {beforeAll, describe, expect, it} from 'vitest';
import {tempDir} from './support/fake-ctx.js';
import {runBuiltCli, snapshotCli, useFakeOllama, type CliRun} from './client/helpers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Citations of internal notes, wherever they appear. */
const RULES: {name: string; re: RegExp}[] = [
	{name: 'internal note file', re: /\b(?:ailice|ollama|twingate|containers|twingate-api|ux-anchors|seed-guide|seed-corrections|step-shape)\.md\b/i},
	{name: 'internal note', re: /\bseed-corrections\b|\bux-anchors\b|\bseed[- ]guide\b/i},
	{name: 'section number', re: /§\s?\d/},
	{name: 'issue note', re: /\(issue \d+\b/i},
	{name: "the guide's choice", re: /\bthe guide['’]s choice\b/i},
];

/**
 * A fixture id used as a citation: "fixtures F1–F4", " (F11)", " (F13; …", ", F18)", "F19 row 19".
 * A key name such as 'F1' or "press F12" is not one: it is not in a citation's brackets or list.
 * Prose puts a space before the bracket or after the comma; minified code (`y((F2,Md)=>`) does not.
 */
const FIXTURE_ID = /\bfixtures?\s+F\d{1,2}\b|(?:(?:^|\s)\(|[,;]\s+)F\d{1,2}(?:–F?\d{1,2})?(?=\s*[),;:.]|\s+row\b)|\bF\d{1,2}\s+row\s+\d/;

/** JavaScript string literals of a (minified) bundle, where prose lives; identifiers like F1 are not prose. */
const STRING_LITERAL = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g;

/** `\xA7` and `\u2013` as the bundle writes them, back to the characters. */
function unescapeJs(text: string): string {
	return text.replace(/\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})/g, (_, x?: string, u?: string) => String.fromCharCode(parseInt(x ?? u ?? '0', 16)));
}

function excerpt(line: string, index: number): string {
	const from = Math.max(0, index - 60);
	return `${from > 0 ? '…' : ''}${line.slice(from, index + 80).trim()}${index + 80 < line.length ? '…' : ''}`;
}

/** Offenders in one text, as `label:line: rule: excerpt`. `bundle`: fixture ids only inside string literals. */
function offenders(label: string, text: string, opts: {bundle?: boolean} = {}): string[] {
	const out: string[] = [];
	const lines = text.split('\n');
	lines.forEach((raw, i) => {
		const line = opts.bundle ? unescapeJs(raw) : raw;
		for (const rule of RULES) {
			const m = rule.re.exec(line);
			if (m) out.push(`${label}:${i + 1}: ${rule.name}: ${excerpt(line, m.index)}`);
		}
		const prose = opts.bundle ? (line.match(STRING_LITERAL) ?? []) : [line];
		for (const p of prose) {
			const m = FIXTURE_ID.exec(p);
			if (m) out.push(`${label}:${i + 1}: fixture id: ${excerpt(p, m.index)}`);
		}
	});
	return out;
}

function filesUnder(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir).sort()) {
		const p = path.join(dir, name);
		if (statSync(p).isDirectory()) out.push(...filesUnder(p));
		else out.push(p);
	}
	return out;
}

function scanFiles(files: string[], base: string, opts: {bundle?: boolean; prefix?: string} = {}): string[] {
	return files.flatMap((f) => offenders(`${opts.prefix ?? ''}${path.relative(base, f)}`, readFileSync(f, 'utf8'), opts));
}

describe('no references to internal notes', () => {
	it('the rules catch the known forms and leave key names and public sources alone', () => {
		const caught = [
			'(ollama.md §5.4)',
			'seed-corrections #40',
			'twingate.md §6.2',
			'ux-anchors §4.1',
			'(seed guide "Test Connection")',
			'Rules from the notes; fixtures F1–F4.',
			'`ollama -v` (F11), `ollama list`',
			'(F13; the header has trailing spaces)',
			'classified (see notes, F20).',
			'error classes, F18).',
			'never a scheme; F19 row 19',
			'(F5) at the start of a line',
			'Client side, steps 4 and 5 (issue 4).',
			"0.0.0.0:11434 (the guide's choice)",
		];
		for (const c of caught) expect({c, found: offenders('x', c).length > 0}).toEqual({c, found: true});
		const fine = [
			"key.name === 'F1'",
			'press F12 for help',
			'Function keys F1 to F12 are ignored',
			'https://github.com/ollama/ollama/blob/main/docs/faq.md',
			'https://www.rfc-editor.org/rfc/rfc4648#section-5',
			'README.md, Dockerfile, entrypoint.sh',
			'issue 10 of the tracker',
		];
		for (const f of fine) expect({f, found: offenders('x', f)}).toEqual({f, found: []});
		// In a minified bundle an identifier like F1 is code, not a citation.
		expect(offenders('b', 'function F0(e){return(F1,F2)}', {bundle: true})).toEqual([]);
		expect(offenders('b', 'a=/"/;var kd=y((F2,Md)=>{"x"})', {bundle: true})).toEqual([]);
		expect(offenders('b', 'x="lines (F13; header)",y="\\xA79 and \\u00a79"', {bundle: true}).length).toBe(2);
	});

	it('source/ and scripts/', () => {
		const files = [...filesUnder(path.join(ROOT, 'source')), ...filesUnder(path.join(ROOT, 'scripts'))];
		expect(files.length).toBeGreaterThan(50);
		expect(scanFiles(files, ROOT)).toEqual([]);
	});

	it('README.md', () => {
		expect(scanFiles([path.join(ROOT, 'README.md')], ROOT)).toEqual([]);
	});

	it('the built bundle', async () => {
		const cli = await snapshotCli();
		const dist = path.dirname(cli);
		const files = filesUnder(dist).filter((f) => f.endsWith('.js'));
		expect(files.length).toBeGreaterThan(1);
		expect(scanFiles(files, dist, {bundle: true, prefix: 'dist/'})).toEqual([]);
	}, 120_000);
});

describe('no references to internal notes in what the CLI generates and prints', () => {
	const fake = useFakeOllama();
	let cli = '';
	beforeAll(async () => {
		cli = await snapshotCli();
	}, 120_000);

	/** The output of a run, labelled, with its exit code checked. */
	function printed(label: string, r: CliRun): string[] {
		expect({label, code: r.code, stderr: r.stderr}).toEqual({label, code: 0, stderr: ''});
		return [...offenders(`${label} (stdout)`, r.stdout), ...offenders(`${label} (stderr)`, r.stderr)];
	}

	it('the step-5 deployment folder (service-account --out DIR)', async () => {
		const home = tempDir('otw-refs-');
		const out = path.join(home, 'deploy');
		const key = path.join(home, 'key.json');
		writeFileSync(key, JSON.stringify({version: '1', network: 'acme.twingate.com', service_account_id: 'sa-1', private_key: 'FAKEKEY-refs', key_id: 'kid-1'}), {mode: 0o600});
		const r = await runBuiltCli(cli, ['service-account', '--out', out, '--service-key-file', key, '--url', fake.server().url, '--model', 'llama3.2', '--yes'], {home});
		const found = printed('service-account', r);
		const files = filesUnder(out);
		expect(files.map((f) => path.basename(f)).sort()).toEqual(expect.arrayContaining(['.env.example', 'Dockerfile', 'README.md', 'entrypoint.sh']));
		found.push(...scanFiles(files, out, {prefix: 'step-5 folder/'}));
		expect(found).toEqual([]);
	});

	it.each([
		['darwin', ['--method', 'launchagent'], '/Users/YOU/Library/LaunchAgents/com.ollama.server.plist'],
		['linux', ['--method', 'systemd'], '/etc/systemd/system/ollama.service.d/override.conf'],
	] as const)('setup --dry-run --platform %s: the plan, the service file and the card', async (platform, method, file) => {
		const r = await runBuiltCli(cli, ['setup', '--dry-run', '--platform', platform, '--role', 'server', ...method, '--bind', '0.0.0.0:11434', '--alias', 'ollama.home.internal']);
		expect(r.stdout).toContain(`+++ ${file}`);
		expect(printed(`setup --dry-run --platform ${platform}`, r)).toEqual([]);
	});

	it('the .env and config.json of configure-ailice --dotenv', async () => {
		const home = tempDir('otw-refs-');
		const env = path.join(home, 'deploy', '.env');
		mkdirSync(path.dirname(env), {recursive: true});
		const r = await runBuiltCli(cli, ['configure-ailice', '--url', fake.server().url, '--model', 'llama3.2', '--dotenv', env, '--set-default', '--yes'], {home});
		const found = printed('configure-ailice --dotenv', r);
		const config = path.join(home, '.config', 'ailice', 'config.json');
		found.push(...offenders('.env', readFileSync(env, 'utf8')), ...offenders('config.json', readFileSync(config, 'utf8')));
		expect(readFileSync(env, 'utf8')).toContain('# Added by ollama-tunnel-wizard.');
		expect(found).toEqual([]);
	});
});
