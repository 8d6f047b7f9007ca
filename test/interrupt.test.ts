/**
 * SIGKILL at random points while step 4 writes AIlice's config, many times: the file is always the old
 * or the new complete file, never torn; when it is the new one, the backup of the old one exists.
 */
import {spawn} from 'node:child_process';
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {CLI} from './support/cli.js';
import {tempDir} from './support/fake-ctx.js';
import {startFakeOllama, type FakeOllama} from './support/fake-ollama.js';

const OLD = `${JSON.stringify({modelID: 'openrouter:z-ai/glm-4.5', temperature: 0, models: {oai: {modelWrapper: 'AModelChatGPT', apikey: null, baseURL: null, modelList: {}}}, note: 'x'.repeat(200_000)}, null, 2)}\n`;

function runUntil(args: string[], home: string, killAfterMs: number | null): Promise<{code: number | null; ms: number}> {
	return new Promise((resolve) => {
		const started = performance.now();
		const child = spawn(process.execPath, [CLI, ...args], {
			stdio: 'ignore',
			env: {PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), OLLAMA_TUNNEL_WIZARD_STATE_DIR: path.join(home, 'state'), CI: 'true'},
		});
		const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
		child.on('close', (code) => {
			if (timer) clearTimeout(timer);
			resolve({code, ms: performance.now() - started});
		});
	});
}

describe('interruption while writing the config', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama();
	});
	afterAll(async () => {
		await server.close();
	});

	it('is never torn across 20 random SIGKILLs', async () => {
		const args = ['configure-ailice', '--url', server.url, '--model', 'llama3.2', '--yes', '--json'];
		const fresh = () => {
			const home = tempDir('otw-kill-');
			const dir = path.join(home, '.config', 'ailice');
			mkdirSync(dir, {recursive: true});
			writeFileSync(path.join(dir, 'config.json'), OLD);
			return {home, dir, file: path.join(dir, 'config.json')};
		};
		// One full run tells how long a write takes here, and what the new file looks like.
		const ref = fresh();
		const full = await runUntil(args, ref.home, null);
		expect(full.code).toBe(0);
		const NEW = readFileSync(ref.file, 'utf8');
		expect(NEW).not.toBe(OLD);

		let sawOld = 0;
		let sawNew = 0;
		for (let i = 0; i < 20; i++) {
			const t = fresh();
			const killAt = Math.random() * full.ms * 1.1;
			await runUntil(args, t.home, killAt);
			const now = readFileSync(t.file, 'utf8');
			expect([OLD, NEW], `kill at ${Math.round(killAt)} ms left a torn file`).toContain(now);
			if (now === NEW) {
				sawNew++;
				const backups = readdirSync(t.dir).filter((f) => f.startsWith('config.json.bak-'));
				expect(backups.map((b) => readFileSync(path.join(t.dir, b), 'utf8'))).toContain(OLD);
			} else {
				sawOld++;
			}
		}
		expect(sawOld + sawNew).toBe(20);
	}, 90_000);
});
