/** The README stays true: every command and flag the CLI accepts is documented, with the exit codes and both commands. */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {COMMANDS, COMMAND_FLAGS, FLAGS} from '../source/cli/flags.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {scripts: Record<string, string>};
const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');

describe('README', () => {
	it.each(COMMANDS.map((c) => [c]))('documents the %s command', (command) => {
		expect(readme).toContain(command === 'setup' ? 'ollama-tunnel-wizard' : `ollama-tunnel-wizard ${command}`);
	});

	it.each(Object.keys(FLAGS).map((f) => [f]))('documents --%s', (flag) => {
		expect(readme).toContain(`--${flag}`);
	});

	it('every flag a command accepts exists in the flag table', () => {
		for (const c of COMMANDS) for (const f of COMMAND_FLAGS[c]) expect(FLAGS[f], `${c} --${f}`).toBeDefined();
	});

	it('documents the exit codes 0, 1, 2, 129 and 130', () => {
		for (const code of ['| 0 |', '| 1 |', '| 2 |', '| 129 |', '| 130 |']) expect(readme).toContain(code);
	});

	it('gives the two fresh-clone commands, and CI runs exactly the README test command', () => {
		expect(readme).toContain('npm install && npm start');
		expect(readme).toMatch(/^npm test\b/m);
		expect(ci).toMatch(/^npm test$/m);
		expect(pkg.scripts.test).toContain('vitest run');
		expect(pkg.scripts.test).toContain('typecheck');
		expect(pkg.scripts.test).toContain('lint');
	});
});
