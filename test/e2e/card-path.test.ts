/**
 * The client path by the connection card, as a person drives it in a real terminal (tmux) at 80×24
 * and 100×32: `setup`, the AIlice side picked by arrow key, the `otw1:` card that step 3 printed on
 * the Ollama host pasted at the URL prompt (one write, as a paste arrives), what the card decoded
 * shown, then the rest answered key by key through to a written config.json and a passing
 * connection test against the fake Ollama server (exit 0).
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {encodeCard} from '../../source/core/card.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {frameRows, pageToQuestion, SIZES, think} from '../support/person.js';
import {PtyRun, ptySupport} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

describe.skipIf(!support.run)('the client path by pasting the connection card (tmux)', () => {
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
		it(`${cols}×${rows}: the card pasted at the URL prompt is decoded and shown, config.json is written, the test passes, exit 0`, async () => {
			const models = ['llama3.2:latest', 'qwen2.5-coder:7b'];
			const card = encodeCard({url: server.url, models, version: '0.17.2'});
			run = PtyRun.start({args: ['setup'], cols, rows});
			const r = run;

			await r.waitFor('? Which machine is this?');
			await think();
			r.press('Down');
			await r.waitFor(/❯ The AIlice side/);
			r.press('Enter');
			const prompt = await r.waitFor('? Ollama URL');
			// The prompt says a card is welcome here.
			expect(prompt).toMatch(/or the otw1: card/);
			await think(250);

			// The card arrives as a paste does: the whole line in one write.
			r.type(card);
			await r.waitFor((s) => s.includes('otw1:') || s.includes('…'));
			r.press('Enter');
			const decoded = await r.waitFor('From the connection card');
			expect(decoded).toContain(`URL: ${server.url}`);
			expect(decoded).toContain(`Models: ${models.join(', ')}`);
			expect(decoded).not.toMatch(/no scheme/);
			expect(frameRows(decoded)).toBeLessThan(rows);
			r.press('Enter');

			// The fake server is on 127.0.0.1: the wizard asks whether Ollama runs here; it does.
			await r.waitFor('is this machine. Does Ollama run on');
			r.press('y');
			// The models came from the card: no model question, on to the provider name (default accepted).
			const provider = await r.waitFor("? Provider name in AIlice's config.json");
			expect(provider).not.toContain('? Which model should AIlice use?');
			await think();
			r.press('Enter');
			await r.waitFor("? Make llama3.2:latest AIlice's default model");
			r.press('y');
			await r.waitFor('? Also write OLLAMA_BASE_URL');
			r.press('n');

			const {screen: confirm, pages} = await pageToQuestion(r, '? Apply the 1 change');
			for (const page of pages) expect(frameRows(page)).toBeLessThan(rows);
			expect(pages.join('\n')).toContain(`"baseURL": "${server.url}/v1"`);
			expect(confirm).toMatch(/config\.json/);
			r.press('y');
			await r.waitFor('? Generate the production container');
			r.press('n');

			const {code} = await r.waitForExit(30_000);
			const done = r.screen();
			expect(code, done).toBe(0);
			expect(done).toContain(`Ollama 0.17.2 at ${server.url} answers`);
			expect(done).toContain('Done: ✓ 2 passed · - 1 skipped');

			const config = JSON.parse(readFileSync(path.join(r.configHome, 'ailice', 'config.json'), 'utf8')) as {
				modelID?: string;
				models: Record<string, {baseURL: string; modelList: Record<string, unknown>}>;
			};
			expect(config.models.ollama?.baseURL).toBe(`${server.url}/v1`);
			expect(Object.keys(config.models.ollama?.modelList ?? {}).sort()).toEqual([...models].sort());
			expect(config.modelID).toBe('ollama:llama3.2:latest');
			expect(server.requests.some((q) => q.path === '/api/chat' || q.path === '/v1/chat/completions')).toBe(true);
		});
	}
});
