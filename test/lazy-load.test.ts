/**
 * --help, --version, --json and non-TTY runs never load React or Ink: every file module
 * Node loads is traced, and none of them may contain Ink's or React's code.
 */
import {spawnSync} from 'node:child_process';
import {readFileSync, existsSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {CLI} from './support/cli.js';
import {tempDir} from './support/fake-ctx.js';

const TRACE = fileURLToPath(new URL('./support/trace-loads.mjs', import.meta.url));
// Strings that survive minification: Ink's raw-mode error and React 19's element symbol.
const INK = 'Raw mode is not supported';
const REACT = 'react.transitional.element';

function loaded(args: string[]): string[] {
	const dir = tempDir('otw-trace-');
	const trace = path.join(dir, 'trace.txt');
	spawnSync(process.execPath, ['--import', TRACE, CLI, ...args], {
		env: {PATH: process.env.PATH ?? '', HOME: dir, OLLAMA_TUNNEL_WIZARD_STATE_DIR: path.join(dir, 'state'), TRACE_FILE: trace, CI: 'true'},
		encoding: 'utf8',
		input: '',
		timeout: 15_000,
	});
	return existsSync(trace) ? readFileSync(trace, 'utf8').trim().split('\n').map((u) => fileURLToPath(u)) : [];
}

describe('lazy loading', () => {
	it('the UI chunk really contains Ink and React (so the markers mean something)', () => {
		const chunks = readdirSync(path.join(path.dirname(CLI), 'chunks')).map((f) => readFileSync(path.join(path.dirname(CLI), 'chunks', f), 'utf8'));
		expect(chunks.some((c) => c.includes(INK))).toBe(true);
		expect(chunks.some((c) => c.includes(REACT))).toBe(true);
	});

	it.each([
		['--version', ['--version']],
		['--help', ['--help']],
		['test --json', ['test', '--url', 'http://127.0.0.1:9', '--json', '--timeout-ms', '300']],
		['plain, non-TTY', ['test', '--url', 'http://127.0.0.1:9', '--timeout-ms', '300']],
		['doctor --json', ['doctor', '--role', 'client', '--url', 'http://127.0.0.1:9', '--json', '--timeout-ms', '300']],
	])('%s loads neither React nor Ink', (_name, args) => {
		const files = loaded(args).filter((f) => f.startsWith(path.dirname(CLI)));
		expect(files.length).toBeGreaterThan(0);
		for (const f of files) {
			const text = readFileSync(f, 'utf8');
			expect(text.includes(INK), `${path.basename(f)} contains Ink`).toBe(false);
			expect(text.includes(REACT), `${path.basename(f)} contains React`).toBe(false);
		}
	});

	it('--version loads only the tiny entry file', () => {
		const files = loaded(['--version']).filter((f) => f.startsWith(path.dirname(CLI)));
		expect(files.map((f) => path.basename(f))).toEqual(['cli.js']);
	});
});
