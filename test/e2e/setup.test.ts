/**
 * Tested as a person would: the built CLI in a real pseudo-terminal (tmux), keys typed,
 * the screen read. The guided setup on the AIlice side against the real fake Ollama server, through
 * to a written AIlice config and a passing connection test; and `q` in the middle quits cleanly.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {pageToQuestion} from '../support/person.js';
import {PtyRun, ptySupport, sttyFlag} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

describe.skipIf(!support.run)('guided setup in a real terminal (tmux)', () => {
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

	/** Up to the model choice: role by arrow keys, the URL typed, "Ollama runs on this machine" (it is 127.0.0.1). */
	async function toModelChoice(r: PtyRun): Promise<void> {
		await r.waitFor('? Which machine is this?');
		r.press('Down');
		await r.waitFor(/❯ The AIlice side/);
		r.press('Enter');
		await r.waitFor('? Ollama URL (the Twingate Resource alias');
		r.type(server.url);
		await r.waitFor(`› ${server.url}`);
		r.press('Enter');
		await r.waitFor('is this machine. Does Ollama run on');
		r.press('y');
		await r.waitFor('? Which model should AIlice use?');
	}

	it('client role: answers by keyboard, writes the AIlice config, the connection test passes, exit 0', async () => {
		// The size of the acceptance report: the confirmation with the config.json diff must fit.
		run = PtyRun.start({args: ['setup'], cols: 110, rows: 36});
		const r = run;
		await toModelChoice(r);
		expect(r.screen()).toContain('❯ llama3.2:latest');
		r.press('Enter');
		await r.waitFor('? Also add the other 1 model to');
		r.press('n');
		await r.waitFor("? Provider name in AIlice's config.json");
		r.press('Enter'); // the default, ollama
		await r.waitFor("? Make llama3.2:latest AIlice's default model");
		r.press('y');
		await r.waitFor('? Also write OLLAMA_BASE_URL');
		r.press('n');
		// The plan is longer than the screen: it is paged before its confirmation (space: next page), and the
		// question comes after its last page, so "shown above" is true.
		const {screen: asking, pages} = await pageToQuestion(r, '? Apply the 1 change');
		const [first] = pages;
		// The header and the step list stay on screen above the plan.
		expect(first?.split('\n')[0]).toContain('ollama-tunnel-wizard setup · this machine: client');
		expect(first).toMatch(/AIlice's config\.json/);
		for (const page of pages.slice(0, -1)) expect(page).toMatch(/page \d+ of \d+ · space: next/);
		expect(asking).toContain('? Apply the 1 change');
		expect(pages.some((page) => page.includes(`"baseURL": "${server.url}/v1"`))).toBe(true);
		r.press('y');
		await r.waitFor('? Generate the production container');
		r.press('n');

		const done = await r.waitFor(/Done: .*passed/);
		const {code} = await r.waitForExit();
		expect(code).toBe(0);
		expect(done).toMatch(/4 ✓ AIlice's config\.json/);
		expect(done).toMatch(/6 ✓ Test the connection/);
		expect(done).toContain(`✓ Ollama 0.17.2 at ${server.url} answers`);
		expect(done).toContain('Done: ✓ 2 passed · - 1 skipped');

		const configFile = path.join(r.configHome, 'ailice', 'config.json');
		const config = JSON.parse(readFileSync(configFile, 'utf8')) as {
			modelID?: string;
			models: Record<string, {baseURL: string; apikey: string; modelList: Record<string, {contextWindow: number}>}>;
			agentModelConfig?: {DEFAULT?: string};
		};
		expect(config.models.ollama).toMatchObject({baseURL: `${server.url}/v1`});
		expect(Object.keys(config.models.ollama!.modelList)).toEqual(['llama3.2:latest']);
		expect(config.modelID).toBe('ollama:llama3.2:latest');
		expect(config.agentModelConfig?.DEFAULT).toBe('ollama:llama3.2:latest');
		// The wizard really talked to the server: the connection test chatted with the chosen model.
		expect(server.requests.some((q) => q.path === '/api/chat' || q.path === '/v1/chat/completions')).toBe(true);
	});

	it('q in the middle quits cleanly: exit 130, nothing written, the terminal restored (icanon, echo, cursor)', async () => {
		run = PtyRun.start({args: ['setup']});
		const r = run;
		await toModelChoice(r);
		r.press('q');
		const {code, waitedMs} = await r.waitForExit(10_000);
		expect(code).toBe(130);
		expect(waitedMs).toBeLessThan(5000);
		expect(r.screen()).toContain('Cancelled');
		expect(existsSync(path.join(r.configHome, 'ailice', 'config.json'))).toBe(false);
		const stty = r.sttyAfterExit();
		expect(sttyFlag(stty, 'icanon'), stty).toBe(true);
		expect(sttyFlag(stty, 'echo'), stty).toBe(true);
		expect(r.cursorVisible()).toBe(true);
	});
});
