import {readFileSync, readdirSync, writeFileSync, mkdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {SecretRegistry} from '../../source/core/context.js';
import {emptyJournal, loadJournal, publicAnswers, recordStep, saveJournal} from '../../source/core/journal.js';
import {createFileSystem, realClock} from '../../source/core/real-context.js';
import {tempDir} from '../support/fake-ctx.js';

const fs = createFileSystem(realClock);

describe('journal', () => {
	it('round-trips through the state file, mode 0600', async () => {
		const dir = tempDir();
		const file = path.join(dir, 'state', 'journal.json');
		const j = emptyJournal(Date.now());
		j.role = 'client';
		recordStep(j, 'connection-test', {status: 'fail', inputsHash: 'abc', at: Date.now(), summary: 'refused', error: 'refused', answers: {url: 'http://x:11434'}});
		await saveJournal(fs, file, j, new SecretRegistry());
		expect(statSync(file).mode & 0o777).toBe(0o600);
		const loaded = await loadJournal(fs, file, Date.now());
		expect(loaded.fresh).toBe(false);
		expect(loaded.journal).toEqual(j);
	});

	it('starts fresh when there is no journal', async () => {
		const loaded = await loadJournal(fs, path.join(tempDir(), 'none.json'), Date.now());
		expect(loaded.fresh).toBe(true);
		expect(loaded.problem).toBeUndefined();
	});

	it.each([
		['not JSON', '{"schemaVersion": 1, '],
		['wrong shape', '{"schemaVersion": 1, "steps": []}'],
		['wrong version', '{"schemaVersion": 99}'],
	])('a corrupt journal (%s) gives a clear message, is kept aside, and a fresh journal starts', async (_name, content) => {
		const dir = tempDir();
		mkdirSync(dir, {recursive: true});
		const file = path.join(dir, 'journal.json');
		writeFileSync(file, content);
		const loaded = await loadJournal(fs, file, Date.now());
		expect(loaded.fresh).toBe(true);
		expect(loaded.problem).toMatch(/could not be read because .* It was kept as journal\.json\.corrupt-/);
		const aside = readdirSync(dir).find((f) => f.startsWith('journal.json.corrupt-'));
		expect(aside).toBeDefined();
		expect(readFileSync(path.join(dir, aside ?? ''), 'utf8')).toBe(content);
		expect(loaded.journal.steps).toEqual({});
	});

	it('never stores secrets: secret-named answers are dropped and registered values redacted', async () => {
		const secrets = new SecretRegistry();
		const key = '{"network":"acme.twingate.com","private_key":"SECRET-KEY-XYZZY-123"}';
		secrets.add(key);
		secrets.add('SECRET-KEY-XYZZY-123');
		const answers = publicAnswers({serviceKey: key, accessToken: 'tok-abcdef', serviceKeyFile: '/run/secrets/key.json', note: 'has SECRET-KEY-XYZZY-123 inside', url: 'http://a:1'}, secrets);
		expect(answers).toEqual({serviceKeyFile: '/run/secrets/key.json', note: 'has *** inside', url: 'http://a:1'});
		const dir = tempDir();
		const file = path.join(dir, 'journal.json');
		const j = emptyJournal(Date.now());
		recordStep(j, 'service-account', {status: 'ok', inputsHash: 'h', at: Date.now(), summary: `key ${key}`, answers});
		await saveJournal(fs, file, j, secrets);
		expect(readFileSync(file, 'utf8')).not.toContain('XYZZY');
	});
});
