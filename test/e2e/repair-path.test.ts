/**
 * `repair` after a failure, as a person drives it in a real terminal (tmux) at 80×24 and 100×32: a
 * script's `configure-ailice --yes` against a URL where nothing listens fails and the journal records
 * it; `repair` on the terminal says step 4 still fails and asks its questions again with the
 * previous answers as defaults; the right URL is typed, the rest accepted, exit 0 and config.json
 * points at the right server.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {closedPort, frameRows, pageToQuestion, paneWords, runCliAs, SIZES, think, typeSlowly} from '../support/person.js';
import {PtyRun, ptySupport} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

/** The text after "› " on the field's row, inside its pane's border. */
function fieldText(screen: string): string {
	const row =
		screen
			.split('\n')
			.reverse()
			.find((l) => /(^|\s)› /.test(l) && !/› \d /.test(l)) ?? '';
	return row
		.slice(row.lastIndexOf('› ') + 2)
		.replace(/│.*$/u, '')
		.trimEnd();
}

interface Journal {
	steps: Record<string, {status: string; answers?: {url?: string}}>;
}

describe.skipIf(!support.run)('repair after a failure (tmux)', () => {
	let server: FakeOllama;
	let run: PtyRun | undefined;
	beforeAll(async () => {
		server = await startFakeOllama();
	});
	afterAll(async () => {
		await server.close();
	});
	afterEach(() => {
		run?.close();
		run = undefined;
	});

	for (const [cols, rows] of SIZES) {
		it(`${cols}×${rows}: repair re-asks the failed step with the previous answers as defaults; the right URL fixes it, exit 0`, async () => {
			const dead = `http://127.0.0.1:${await closedPort()}`;
			run = PtyRun.prepare();
			const r = run;
			const failed = await runCliAs(r, ['configure-ailice', '--url', dead, '--model', 'llama3.2', '--yes']);
			expect(failed.code, failed.stdout + failed.stderr).toBe(1);
			const journalFile = path.join(r.stateDir, 'journal.json');
			const before = JSON.parse(readFileSync(journalFile, 'utf8')) as Journal;
			expect(before.steps['ailice-config']?.status).toBe('fail');
			expect(before.steps['ailice-config']?.answers?.url).toBe(dead);

			r.start({args: ['repair'], cols, rows});
			let screen = await r.waitFor(/\? Which machine is this\?|\? Ollama URL/);
			if (screen.includes('? Which machine is this?')) {
				// The failed run came from a step-alone command, which records no role: repair asks it.
				await think();
				r.press('Down');
				await r.waitFor(/❯ The AIlice side/);
				r.press('Enter');
				screen = await r.waitFor('? Ollama URL');
			}
			// The failed step, why it failed, and its first question with the previous answer as default.
			screen = await r.waitFor((s) => s.includes('? Ollama URL') && fieldText(s) === dead);
			const words = paneWords(screen);
			expect(words).toContain(`✗ The model list could not be read from ${dead}`);
			expect(words).toContain('Step 4 still fails with the answers given before');
			expect(frameRows(screen)).toBeLessThan(rows);

			r.press('C-u');
			await think(150);
			await typeSlowly(r, server.url);
			await r.waitFor((s) => fieldText(s) === server.url);
			r.press('Enter');
			await r.waitFor('is this machine. Does Ollama run on');
			r.press('y');
			// The model given before (llama3.2) is the default choice.
			const model = await r.waitFor('? Which model should AIlice use?');
			expect(model).toContain('❯ llama3.2:latest');
			r.press('Enter');
			await r.waitFor('? Also add the other 1 model');
			r.press('n');
			await r.waitFor("? Provider name in AIlice's config.json");
			r.press('Enter');
			await r.waitFor("? Make llama3.2:latest AIlice's default model");
			r.press('y');
			await r.waitFor('? Also write OLLAMA_BASE_URL');
			r.press('n');
			const {pages} = await pageToQuestion(r, '? Apply the 1 change');
			expect(pages.join('\n')).toContain(`"baseURL": "${server.url}/v1"`);
			r.press('y');

			const {code} = await r.waitForExit(30_000);
			const done = r.screen();
			expect(code, done).toBe(0);
			expect(paneWords(done)).toContain(`ollama → ${server.url}/v1 with llama3.2:latest`);
			expect(done).toMatch(/Done: ✓ 1 passed/);
			// repair ends fixed: no advice to rerun it.
			expect(done).not.toMatch(/[Rr]erun .*repair/);

			const config = JSON.parse(readFileSync(path.join(r.configHome, 'ailice', 'config.json'), 'utf8')) as {models: Record<string, {baseURL: string}>};
			expect(config.models.ollama?.baseURL).toBe(`${server.url}/v1`);
			const after = JSON.parse(readFileSync(journalFile, 'utf8')) as Journal;
			expect(after.steps['ailice-config']?.status).toBe('ok');
			expect(after.steps['ailice-config']?.answers?.url).toBe(server.url);
			expect(existsSync(path.join(r.configHome, 'ailice', 'config.json'))).toBe(true);
		});
	}
});
