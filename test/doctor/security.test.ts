/** Security findings on the AIlice side: key file mode and age, .env with a secret. */
import {chmodSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {Memo, type DoctorInput} from '../../source/doctor/types.js';
import {envFileCheck, keyFileCheck} from '../../source/doctor/security.js';
import {makeCtx} from '../support/fake-ctx.js';

const input: DoctorInput = {role: 'client', timeoutMs: 500, samples: 1, perf: false};
const KEY = (expires: string) => JSON.stringify({version: '1', network: 'acme.twingate.com', private_key: 'PRIVATE-FAKEKEY-99', expires_at: expires});

function withKey(mode: number, expires: string) {
	const ctx = makeCtx();
	const file = path.join(ctx.dir, 'service_key.json');
	writeFileSync(file, KEY(expires));
	chmodSync(file, mode);
	ctx.env = {...ctx.env, TWINGATE_SERVICE_KEY_FILE: file};
	return {ctx, file};
}

describe('security checks', () => {
	it('a world-readable key file is a high finding with the chmod command, and the key is registered as secret', async () => {
		const {ctx, file} = withKey(0o644, '2099-01-01T00:00:00Z');
		const out = await keyFileCheck.run(ctx, input, new Memo());
		expect(out.status).toBe('warn');
		expect(out.finding).toMatchObject({severity: 'high', commands: [['chmod', '600', file]]});
		expect(ctx.secrets.redact(`x ${KEY('2099-01-01T00:00:00Z')} y`)).toBe('x *** y');
		expect(JSON.stringify(out)).not.toContain('PRIVATE-FAKEKEY');
	});

	it('a key that expires within 30 days is flagged; an expired one fails', async () => {
		const soon = new Date(Date.now() + 5 * 24 * 3600 * 1000).toISOString();
		const a = await keyFileCheck.run(withKey(0o600, soon).ctx, input, new Memo());
		expect(a.status).toBe('warn');
		expect(a.detail).toMatch(/expires on .* \(in \d days\)/);
		const b = await keyFileCheck.run(withKey(0o600, '2020-01-01T00:00:00Z').ctx, input, new Memo());
		expect(b.status).toBe('fail');
	});

	it('a 0600 key with a far expiry is ok', async () => {
		const out = await keyFileCheck.run(withKey(0o600, '2099-01-01T00:00:00Z').ctx, input, new Memo());
		expect(out.status).toBe('ok');
	});

	it('.env with the key content, readable and not git-ignored, is a high finding', async () => {
		const ctx = makeCtx();
		writeFileSync(path.join(ctx.dir, '.env'), '# for the container\nOLLAMA_BASE_URL=http://ollama.home.internal:11434\nTWINGATE_SERVICE_KEY={"network":"acme"}\n');
		chmodSync(path.join(ctx.dir, '.env'), 0o644);
		ctx.runner.expect({argv: ['git', '-C', ctx.dir, 'check-ignore', '-q', '.env'], exitCode: 1});
		const out = await envFileCheck.run(ctx, input, new Memo());
		ctx.runner.assertDone();
		expect(out.status).toBe('warn');
		expect(out.detail).toMatch(/mode 644.*not ignored/);
		expect(out.finding?.fix).toMatch(/TWINGATE_SERVICE_KEY_FILE/);
	});

	it('.env without secrets is fine', async () => {
		const ctx = makeCtx();
		writeFileSync(path.join(ctx.dir, '.env'), 'OLLAMA_BASE_URL=http://x:11434\nTWINGATE_SERVICE_KEY_FILE=/run/secrets/key.json\n');
		const out = await envFileCheck.run(ctx, input, new Memo());
		expect(out.status).toBe('ok');
	});
});
