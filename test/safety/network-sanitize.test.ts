/**
 * Text from servers reaches the terminal without escape sequences or control characters: the
 * sanitizer on its own, then a hostile fake Ollama (real node:http on 127.0.0.1) whose model name,
 * version and error body carry an OSC window-title change, a screen clear and a carriage return,
 * through `test --json`, plain `test` and `configure-ailice`.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {isClean, sanitizeName, sanitizeText} from '../../source/core/sanitize.js';
import {testConnection} from '../../source/core/connection-test.js';
import {findModel, tagsReply} from '../../source/core/ollama-api.js';
import {parseOllamaUrl} from '../../source/core/url.js';
import {runCli} from '../support/cli.js';
import {makeCtx} from '../support/fake-ctx.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';

const OSC = '\u001b]0;pwned\u0007';
const CLEAR = '\u001b[2J';
const HOSTILE_MODEL = `evil${OSC}${CLEAR}\r:latest`;
const HOSTILE_VERSION = `0.17.2${CLEAR}\rpwned`;

/** Nothing a terminal would act on: no ESC, BEL, CR or any other C0/C1 control byte, no `]0;`. */
function expectTerminalSafe(text: string, what: string): void {
	// eslint-disable-next-line no-control-regex -- looking for control characters is the point
	expect(text, what).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
	expect(text, what).not.toContain(']0;pwned');
	expect(text, what).not.toContain('[2J');
}

describe('sanitizeText / sanitizeName', () => {
	it.each([
		['OSC title, BEL-terminated', `a${OSC}b`, 'ab'],
		['OSC title, ST-terminated', 'a\u001b]2;x y z\u001b\\b', 'ab'],
		['OSC unterminated to the end', 'a\u001b]0;never ends', 'a'],
		['OSC cut by the next escape', 'a\u001b]0;t\u001b[2Jb', 'ab'],
		['CSI clear screen and cursor moves', `a${CLEAR}\u001b[10;20Hb\u001b[?25l`, 'ab'],
		['SGR colours', '\u001b[1;31mred\u001b[0m', 'red'],
		['8-bit CSI', 'a\u009b2Jb', 'ab'],
		['8-bit OSC with 8-bit ST', 'a\u009d0;t\u009cb', 'ab'],
		['DCS and APC strings', 'a\u001bPq#0;1\u001b\\b\u001b_apc\u001b\\c', 'abc'],
		['two-byte escapes (RIS, charset)', 'a\u001bcb\u001b(Bc', 'abc'],
		['a lone ESC at the end', 'ab\u001b', 'ab'],
		['carriage return and line breaks become spaces', 'over\rwrite\nnext\tcol', 'over write next col'],
		['BEL, NUL, DEL, backspace are removed', 'a\u0007b\u0000c\u007fd\u0008e', 'abcde'],
		['bidirectional overrides are removed', 'abc\u202edcb\u2066x\u2069', 'abcdcbx'],
		['plain text and Unicode stay', 'llama3.2:latest — Grüße 日本', 'llama3.2:latest — Grüße 日本'],
	])('sanitizeText: %s', (_name, input, want) => {
		expect(sanitizeText(input)).toBe(want);
		expect(isClean(sanitizeText(input))).toBe(true);
	});

	it('isClean tells clean text from text with controls', () => {
		expect(isClean('llama3.2:latest')).toBe(true);
		expect(isClean(HOSTILE_MODEL)).toBe(false);
		expect(isClean('a\rb')).toBe(false);
	});

	it('sanitizeName marks what it removed, so a hostile name never matches a clean one', () => {
		const shown = sanitizeName(HOSTILE_MODEL);
		expect(isClean(shown)).toBe(true);
		expect(shown).toBe('evil\uFFFD\uFFFD\uFFFD:latest');
		expect(sanitizeName('llama3.2:latest')).toBe('llama3.2:latest');
		// Parsed from /api/tags, the name is safe to show and `--model evil` does not pick it.
		const parsed = tagsReply.parse({models: [{name: HOSTILE_MODEL}, {name: 'llama3.2:latest'}]});
		const names = (parsed.models ?? []).map((m) => m.name);
		expect(names.every(isClean)).toBe(true);
		expect(findModel(names, 'evil')).toBeUndefined();
		expect(findModel(names, 'llama3.2')).toBe('llama3.2:latest');
	});
});

describe('a hostile server’s text never reaches the terminal raw', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama({
			version: HOSTILE_VERSION,
			models: [{name: HOSTILE_MODEL}, {name: 'llama3.2:latest'}],
			serverError: `out of memory${OSC}${CLEAR}\rpwned`,
		});
	});
	afterAll(async () => {
		await server.close();
	});

	it('the connection report holds only clean text (version, models, error body)', async () => {
		const ctx = makeCtx();
		const u = parseOllamaUrl(server.url);
		if (!u.ok) throw new Error(u.problem);
		const ok = await testConnection(ctx, {url: u.url, model: 'llama3.2', samples: 1, timeoutMs: 2000, chatTimeoutMs: 5000});
		expect(ok.status).toBe('ok');
		expect(ok.version).toBe('0.17.2 pwned');
		expect(ok.models).toContain('evil\uFFFD\uFFFD\uFFFD:latest');
		expectTerminalSafe(JSON.stringify(ok), 'report');
		expectTerminalSafe(ok.models.join(' '), 'models');

		// A 500 whose body carries escapes: the message quotes the body, cleaned.
		server.setFault('server-error');
		try {
			const bad = await testConnection(ctx, {url: u.url, model: 'llama3.2', samples: 1, timeoutMs: 2000, chatTimeoutMs: 5000});
			expect(bad.cause).toBe('server-error');
			expect(bad.message).toContain('out of memory pwned');
			expectTerminalSafe(bad.message, 'server-error message');
		} finally {
			server.setFault('none');
			ctx.controller.abort();
		}
	});

	it('test --json, plain test and configure-ailice print no escape sequence or control character', async () => {
		const json = await runCli(['test', '--url', server.url, '--model', 'llama3.2', '--timeout-ms', '3000', '--json']);
		expect(json.code).toBe(0);
		for (const line of json.stdout.trim().split('\n')) {
			const event = JSON.parse(line) as unknown;
			expectTerminalSafe(JSON.stringify(event), `json event ${line.slice(0, 60)}`);
		}
		expectTerminalSafe(json.stdout, 'test --json stdout');
		expectTerminalSafe(json.stderr, 'test --json stderr');
		expect(json.stdout).toContain('evil\uFFFD\uFFFD\uFFFD:latest');

		const plain = await runCli(['test', '--url', server.url, '--model', 'llama3.2', '--timeout-ms', '3000']);
		expect(plain.code).toBe(0);
		expectTerminalSafe(plain.stdout, 'plain test stdout');
		expectTerminalSafe(plain.stderr, 'plain test stderr');
		expect(plain.stdout).toContain('0.17.2 pwned');

		// Asking for the hostile model by its clean-looking part: it is not matched, and the list shown is clean.
		const ca = await runCli(['configure-ailice', '--url', server.url, '--model', 'evil', '--yes', '--timeout-ms', '3000']);
		expect(ca.code).not.toBe(0);
		expectTerminalSafe(ca.stdout, 'configure-ailice stdout');
		expectTerminalSafe(ca.stderr, 'configure-ailice stderr');
		expect(`${ca.stdout}${ca.stderr}`).toContain('evil\uFFFD\uFFFD\uFFFD:latest');
	});

	it('an error body with escapes is shown cleaned (500 on the chat)', async () => {
		server.setFault('server-error');
		try {
			const r = await runCli(['test', '--url', server.url, '--model', 'llama3.2', '--timeout-ms', '3000']);
			expect(r.code).toBe(1);
			expect(r.stdout).toContain('out of memory pwned');
			expectTerminalSafe(r.stdout, 'stdout');
			expectTerminalSafe(r.stderr, 'stderr');
		} finally {
			server.setFault('none');
		}
	});
});
