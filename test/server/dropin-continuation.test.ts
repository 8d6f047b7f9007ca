/**
 * A user's systemd drop-in with continuation lines (a line ending in a backslash continues on the next
 * one, systemd.syntax(7)) is read as systemd reads it and kept line for line when the wizard adds its
 * OLLAMA_HOST line; a drop-in systemd itself cannot load is refused with a sentence naming the line.
 * Where systemd-analyze is installed, its warnings are the oracle for how systemd joined the lines.
 */
import {spawnSync} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {tempDir} from '../support/fake-ctx.js';
import {DropInError, buildDropIn, dropInBind, environmentWords, readDropIn} from '../../source/server/service-files.js';
import {ollamaUnit} from './fixtures.js';

const WANT = '0.0.0.0:11434';
const OURS = `Environment="OLLAMA_HOST=${WANT}"`;

/** Every line of `original` is in `written`, in order and byte for byte (only whole lines may be added). */
function keepsLines(original: string, written: string, dropped: string[] = []): void {
	const split = (t: string) => t.match(/[^\r\n]*(\r\n|\n|\r|$)/g)?.filter((l) => l !== '') ?? [];
	const out = split(written);
	let at = 0;
	for (const line of split(original)) {
		if (dropped.includes(line.replace(/\r?\n$/, ''))) continue;
		const found = out.indexOf(line.endsWith('\n') || line.endsWith('\r') ? line : `${line}\n`, at);
		expect(found, `line ${JSON.stringify(line)} kept in order`).toBeGreaterThanOrEqual(at);
		at = found + 1;
	}
}

describe('reading a drop-in as systemd does', () => {
	it('joins a continued Environment= line, so an OLLAMA_HOST on the next line counts', () => {
		expect(dropInBind('[Service]\nEnvironment="OLLAMA_MODELS=/data" \\\n    "OLLAMA_HOST=127.0.0.1:11434"\n')).toBe('127.0.0.1:11434');
	});

	it('skips comment lines inside a continuation (even ones that look like assignments)', () => {
		const text = '[Service]\nEnvironment="A=1" \\\n# "OLLAMA_HOST=9.9.9.9:1" \\\n; another\n "OLLAMA_HOST=1.2.3.4:11434"\n';
		expect(dropInBind(text)).toBe('1.2.3.4:11434');
		const r = readDropIn(text);
		expect(r.ok && r.entries.find((e) => e.kind === 'assignment')).toMatchObject({start: 1, end: 4, key: 'Environment'});
	});

	it('a "[Unit]" line that continues an assignment is part of the value, not a new section', () => {
		expect(dropInBind('[Service]\nEnvironment="A=1" \\\n[Unit]\nEnvironment="OLLAMA_HOST=5.5.5.5:11434"\n')).toBe('5.5.5.5:11434');
	});

	it('an escaped backslash at the end is not a continuation; an empty line ends one', () => {
		const r = readDropIn('[Service]\nEnvironment="A=1" \\\\\nEnvironment="OLLAMA_HOST=1.1.1.1:11434"\n');
		expect(r.ok && r.entries.filter((e) => e.kind === 'assignment').map((e) => [e.start, e.end])).toEqual([
			[1, 1],
			[2, 2],
		]);
		const blank = readDropIn('[Service]\nEnvironment="A=1" \\\n\nEnvironment="OLLAMA_HOST=1.1.1.1:11434"\n');
		expect(blank.ok && blank.entries.filter((e) => e.kind === 'assignment').map((e) => [e.start, e.end])).toEqual([
			[1, 2],
			[3, 3],
		]);
	});

	it('quotes, C escapes, %% and an empty Environment= (which clears the list) as systemd reads them', () => {
		expect(dropInBind('[Service]\nEnvironment=OLLAMA_HOST=0.0.0.0:11434\n')).toBe('0.0.0.0:11434');
		expect(dropInBind('[Service]\nEnvironment=OLLAMA_HOST="10.0.0.5:11434" OTHER=1\n')).toBe('10.0.0.5:11434');
		expect(dropInBind('[Service]\nEnvironment="OLLAMA_HOST=\\x31.2.3.4:11434"\n')).toBe('1.2.3.4:11434');
		expect(dropInBind('[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\nEnvironment=\n')).toBeNull();
		expect(dropInBind('[service]\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n')).toBeNull(); // section names are case-sensitive
		expect(dropInBind('Environment="OLLAMA_HOST=0.0.0.0:11434"\n')).toBeNull(); // outside of a section: ignored
		expect(environmentWords('A=1 "B=2')).toEqual({words: ['A=1'], invalid: true});
		expect(environmentWords("'A=x y' B=\\\"q\\\"")).toEqual({words: ['A=x y', 'B="q"'], invalid: false});
	});

	it('a line systemd cannot load (a broken section header) is refused with a sentence naming the line', () => {
		const text = '[Service]\nEnvironment="A=1"\n[Install\nWantedBy=multi-user.target\n';
		expect(readDropIn(text)).toMatchObject({ok: false, line: 3});
		expect(() => buildDropIn(text, WANT)).toThrow(DropInError);
		expect(() => dropInBind(text)).toThrow(
			'Line 3 of /etc/systemd/system/ollama.service.d/override.conf ("[Install") is not a valid section header, so systemd does not load ollama.service with this drop-in. Fix or remove that line, then run the wizard again.',
		);
	});
});

describe('rewriting a drop-in keeps every other line byte for byte', () => {
	it('a one-line OLLAMA_HOST assignment that continues a line above is not removed (the lines below keep their meaning)', () => {
		const existing = '[Service]\nEnvironment="OLLAMA_MODELS=/data" \\\nEnvironment="OLLAMA_HOST=127.0.0.1:11434"\nEnvironment="OLLAMA_KEEP_ALIVE=24h"\n';
		const out = buildDropIn(existing, WANT);
		expect(out).toBe(`${existing}${OURS}\n`);
		expect(dropInBind(out)).toBe(WANT);
		keepsLines(existing, out);
		// KEEP_ALIVE is still its own assignment, not glued onto the continued line.
		const r = readDropIn(out);
		expect(r.ok && r.entries.filter((e) => e.kind === 'assignment').map((e) => e.start)).toEqual([1, 3, 4]);
	});

	it('the new line never lands inside a continuation: after the empty line that ends it, or after an added one at the end of the file', () => {
		const mid = '[Service]\nEnvironment="OLLAMA_MODELS=/data" \\\n\n[Unit]\nDescription=x\n';
		expect(buildDropIn(mid, WANT)).toBe('[Service]\nEnvironment="OLLAMA_MODELS=/data" \\\n\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n[Unit]\nDescription=x\n');
		const end = '[Service]\nEnvironment="OLLAMA_MODELS=/data" \\\n';
		const out = buildDropIn(end, WANT);
		expect(out).toBe(`${end}\n${OURS}\n`);
		expect(dropInBind(out)).toBe(WANT);
		const noNewline = '[Service]\nEnvironment="OLLAMA_MODELS=/data" \\';
		expect(buildDropIn(noNewline, WANT)).toBe(`${noNewline}\n\n${OURS}\n`);
	});

	it('replaces a one-line OLLAMA_HOST assignment, keeps comments, CRLF line ends and other sections, and adds to the last [Service] section', () => {
		const existing = '# tuned by ops\r\n[Service]\r\nEnvironment="OLLAMA_HOST=127.0.0.1:11434"\r\nEnvironment="OLLAMA_MODELS=/data" \\\r\n  "OLLAMA_NUM_PARALLEL=2"\r\n\r\n[Service]\r\nLimitNOFILE=65535\r\n; end\r\n\r\n';
		const out = buildDropIn(existing, WANT);
		expect(out).toBe('# tuned by ops\r\n[Service]\r\nEnvironment="OLLAMA_MODELS=/data" \\\r\n  "OLLAMA_NUM_PARALLEL=2"\r\n\r\n[Service]\r\nLimitNOFILE=65535\r\n; end\r\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\r\n\r\n');
		keepsLines(existing, out, ['Environment="OLLAMA_HOST=127.0.0.1:11434"']);
	});

	it('without a [Service] header: keeps the lines, then adds the section (a headerless OLLAMA_HOST line is ignored by systemd and replaced)', () => {
		expect(buildDropIn('Environment="OLLAMA_HOST=0.0.0.0:11434"\n', '192.168.1.20:11434')).toBe('[Service]\nEnvironment="OLLAMA_HOST=192.168.1.20:11434"\n');
		expect(buildDropIn('# mine\nFoo=bar \\\n', WANT)).toBe(`# mine\nFoo=bar \\\n\n[Service]\n${OURS}\n`);
	});

	it('an existing drop-in that already says so is rebuilt to the same text (nothing to write)', () => {
		const existing = '[Service]\nEnvironment="OLLAMA_MODELS=/data" \\\n  "OLLAMA_DEBUG=1"\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n';
		expect(buildDropIn(existing, WANT)).toBe(existing);
	});
});

// systemd-analyze is installed here; elsewhere these are skipped with the reason unless WIZARD_REQUIRE_TOOLS is set.
const hasAnalyzer = spawnSync('systemd-analyze', ['--version'], {encoding: 'utf8'}).status === 0;
const mustRun = Boolean(process.env.WIZARD_REQUIRE_TOOLS);

function verify(dropIn: string): string[] {
	const dir = tempDir('otw-dropin-');
	mkdirSync(path.join(dir, 'ollama.service.d'));
	writeFileSync(path.join(dir, 'ollama.service'), ollamaUnit(process.execPath));
	writeFileSync(path.join(dir, 'ollama.service.d', 'override.conf'), dropIn);
	const r = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(dir, 'ollama.service')], {encoding: 'utf8', env: {...process.env, SYSTEMD_UNIT_PATH: `${dir}:`}});
	return r.stderr
		.split('\n')
		.filter((l) => l.trim() !== '')
		.map((l) => l.replace(/^.*override\.conf:/, ''));
}

/** The warnings systemd prints for Environment= and stray lines, predicted from the wizard's reading. */
function predicted(text: string): string[] {
	const r = readDropIn(text);
	if (!r.ok) throw new Error(r.problem);
	const out: string[] = [];
	for (const e of r.entries) {
		const line = e.end + 1;
		if (e.kind === 'ignored') out.push(e.section === null ? `${line}: Assignment outside of section. Ignoring.` : `${line}: Missing '=', ignoring line.`);
		if (e.kind !== 'assignment' || e.key !== 'Environment' || e.value === '') continue;
		const {words, invalid} = environmentWords(e.value ?? '');
		for (const w of words) if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) out.push(`${line}: Invalid environment assignment, ignoring: ${w}`);
		if (invalid) out.push(`${line}: Invalid syntax, ignoring: ${e.value}`);
	}
	return out;
}

describe(`systemd-analyze agrees with the wizard's reading${hasAnalyzer ? '' : ' (skipped: systemd-analyze is not installed; set WIZARD_REQUIRE_TOOLS=1 to fail instead)'}`, () => {
	const tricky = [
		'[Service]\nEnvironment="A=1" \\\n# comment \\\nFOO\n',
		'[Service]\nEnvironment="A=1" \\\n\nFOO\n',
		'[Service]\nEnvironment="A=1" \\\n[Unit]\nEnvironment=B=2\n',
		'[Service]\nEnvironment="A=1" \\\\\nFOO\n',
		'[Service]\nEnvironment="A=1" \\ \nFOO\n',
		'[Service]\r\nEnvironment="A=1" \\\r\n  ; skipped\r\n  BAR\r\n',
		'Environment=X\n[Service]\nEnvironment=A=1 "B=2\n',
	];
	it.skipIf(!hasAnalyzer && !mustRun)('the same lines are joined, skipped and ignored', () => {
		for (const text of tricky) expect(verify(text), JSON.stringify(text)).toEqual(predicted(text));
	});

	it.skipIf(!hasAnalyzer && !mustRun)('every rewritten drop-in verifies without a warning', () => {
		const inputs = [
			'[Service]\nEnvironment="OLLAMA_MODELS=/data" \\\nEnvironment="OLLAMA_HOST=127.0.0.1:11434"\nEnvironment="OLLAMA_KEEP_ALIVE=24h"\n',
			'[Service]\nEnvironment="OLLAMA_MODELS=/data" \\\n',
			'[Service]\nEnvironment="OLLAMA_MODELS=/data" \\\n# note\n  "OLLAMA_DEBUG=1"\n\n[Unit]\nDescription=Ollama\n',
			'# ops\r\n[Service]\r\nEnvironment="OLLAMA_HOST=127.0.0.1:11434"\r\nLimitNOFILE=65535\r\n',
			'Environment="OLLAMA_HOST=0.0.0.0:11434"\n',
		];
		for (const input of inputs) {
			const out = buildDropIn(input, WANT);
			expect(verify(out), JSON.stringify(out)).toEqual([]);
			expect(dropInBind(out)).toBe(WANT);
		}
	});
});
