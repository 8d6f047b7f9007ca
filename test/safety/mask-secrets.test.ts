import {describe, expect, it} from 'vitest';
import {changedJsonPaths, isSecretName, isSecretVariable, MASK, maskSecrets, maskUrlCredentials, summarizeFileAction} from '../../source/core/mask.js';
import {actionForJson, fileDiff, renderAction} from '../../source/views/format.js';

const S = 'S3cr3t-Value-9f8e7d';

describe('secret-looking names', () => {
	it.each(['apikey', 'APIKEY', 'api_key', 'Api_Key', 'token', 'TOKEN', 'OPENAI_API_KEY', 'twingate_service_key', 'TWINGATE_ACCESS_TOKEN', 'refresh_token', 'CLIENT_SECRET', 'secretValue', 'private_key', 'password', 'DB_PASSWORD', 'apiKey', 'accessToken', 'x-api-key'])('%s is secret', (name) => {
		expect(isSecretName(name)).toBe(true);
	});

	it.each(['baseURL', 'modelID', 'modelWrapper', 'contextWindow', 'formatter', 'key_id', 'TWINGATE_SERVICE_KEY_FILE', 'TWINGATE_SERVICE_KEY_HOST_FILE', 'OLLAMA_BASE_URL', 'AILICE_MODELS', 'monkey', 'keys', 'tokens_per_second', 'OLLAMA_HOST'])('%s is not secret', (name) => {
		expect(isSecretName(name)).toBe(false);
	});

	it('a TWINGATE_* variable is secret when it holds key content, not when it holds a name or a path', () => {
		expect(isSecretVariable('TWINGATE_KEY_JSON', `{"private_key": "${S}"}`)).toBe(true);
		expect(isSecretVariable('TWINGATE_CREDENTIALS', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjb25uZWN0b3IifQ.Zm9vYmFy1234')).toBe(true);
		expect(isSecretVariable('TWINGATE_PEM', '-----BEGIN PRIVATE KEY-----abc')).toBe(true);
		expect(isSecretVariable('TWINGATE_NETWORK', 'acme')).toBe(false);
		expect(isSecretVariable('TWINGATE_SERVICE_KEY_FILE', '/run/secrets/twingate_service_key.json')).toBe(false);
		expect(isSecretVariable('TWINGATE_LABEL_DEPLOYED_BY', 'ollama-tunnel-wizard-docker-connector')).toBe(false);
	});
});

describe('maskSecrets', () => {
	it('masks secret values in JSON in any position and keeps everything else byte for byte', () => {
		const text = JSON.stringify(
			{
				modelID: 'ollama:llama3.2:latest',
				models: {
					oai: {modelWrapper: 'AModelChatGPT', apikey: S, baseURL: 'https://api.openai.com/v1', modelList: {}},
					ollama: {modelWrapper: 'AModelChatGPT', apikey: 'ollama', baseURL: 'http://ollama.home.internal:11434/v1', modelList: {'llama3.2:latest': {contextWindow: 8192}}},
					other: {API_KEY: `${S}-2`, token: `${S}-3`, password: 12345678, nested: {client_secret: `${S}\\"quoted`}, empty: {apikey: ''}},
				},
			},
			null,
			2,
		);
		const masked = maskSecrets(text);
		expect(masked).not.toContain(S);
		expect(masked).not.toContain('12345678');
		expect(masked).toContain(`"apikey": "${MASK}"`);
		expect(masked).toContain(`"API_KEY": "${MASK}"`);
		expect(masked).toContain(`"password": "${MASK}"`);
		expect(masked).toContain('"apikey": ""'); // empty stays visibly empty
		expect(masked).toContain('"baseURL": "https://api.openai.com/v1"');
		expect(masked).toContain('"llama3.2:latest"');
		expect(masked).toContain('"contextWindow": 8192');
		expect(masked.split('\n')).toHaveLength(text.split('\n').length);
		// Unrelated lines are untouched.
		const keep = text.split('\n').filter((l) => !/apikey|API_KEY|token|password|secret/i.test(l));
		for (const line of keep) expect(masked).toContain(line);
	});

	it('masks .env variables with secret names, multi-line quoted values and TWINGATE_* key content; other lines stay', () => {
		const env = [
			'# my settings',
			`OPENAI_API_KEY=${S}`,
			`export GITHUB_TOKEN="${S}-b"`,
			`TWINGATE_SERVICE_KEY='{`,
			`  "private_key": "${S}-c",`,
			`  "key_id": "kid"`,
			`}'`,
			`TWINGATE_BLOB=${JSON.stringify({private_key: `${S}-d`})}`,
			'TWINGATE_SERVICE_KEY_FILE=/run/secrets/twingate_service_key.json',
			'TWINGATE_NETWORK=acme',
			'OLLAMA_BASE_URL=http://ollama.home.internal:11434/v1',
			'EMPTY_KEY=',
			'',
		].join('\n');
		const masked = maskSecrets(env);
		expect(masked).not.toContain(S);
		expect(masked).toContain(`OPENAI_API_KEY=${MASK}\n`);
		expect(masked).toContain(`export GITHUB_TOKEN="${MASK}"\n`);
		expect(masked).toContain(`TWINGATE_SERVICE_KEY='${MASK}'\n`);
		expect(masked).toContain('TWINGATE_SERVICE_KEY_FILE=/run/secrets/twingate_service_key.json\n');
		expect(masked).toContain('TWINGATE_NETWORK=acme\n');
		expect(masked).toContain('OLLAMA_BASE_URL=http://ollama.home.internal:11434/v1\n');
		expect(masked).toContain('EMPTY_KEY=\n');
		expect(masked).toContain('# my settings\n');
		expect(masked.split('\n')).toHaveLength(env.split('\n').length);
	});

	it('masks NAME=value inside lines (systemd Environment=, compose lists, URL queries), escaped JSON in log lines and PEM blocks', () => {
		expect(maskSecrets(`Environment="TWINGATE_ACCESS_TOKEN=${S}" "OLLAMA_HOST=0.0.0.0:11434"`)).toBe(`Environment="TWINGATE_ACCESS_TOKEN=${MASK}" "OLLAMA_HOST=0.0.0.0:11434"`);
		expect(maskSecrets(`Environment=MY_SECRET=${S}`)).toBe(`Environment=MY_SECRET=${MASK}`);
		expect(maskSecrets(`      - TWINGATE_REFRESH_TOKEN=${S}`)).toBe(`      - TWINGATE_REFRESH_TOKEN=${MASK}`);
		expect(maskSecrets(`GET http://h:1/x?model=a&token=${S}`)).toBe(`GET http://h:1/x?model=a&token=${MASK}`);
		expect(maskSecrets(`{"before":"{\\n  \\"apikey\\": \\"${S}\\",\\n  \\"baseURL\\": \\"http://h\\"}"}`)).toBe(`{"before":"{\\n  \\"apikey\\": \\"${MASK}\\",\\n  \\"baseURL\\": \\"http://h\\"}"}`);
		expect(maskSecrets(`x -----BEGIN PRIVATE KEY-----\n${S}\n-----END PRIVATE KEY----- y`)).toBe(`x -----BEGIN PRIVATE KEY-----${MASK}-----END PRIVATE KEY----- y`);
	});

	it('masks URL credentials', () => {
		expect(maskUrlCredentials(`http://alice:${S}@host:11434/v1`)).toBe('http://alice:***@host:11434/v1');
		expect(maskUrlCredentials(`see https://${S}@host and http://host:1`)).toBe('see https://***@host and http://host:1');
	});
});

describe('diffs mask both sides before diffing', () => {
	const before = `{\n  "models": {\n    "oai": {\n      "apikey": "${S}",\n      "baseURL": "https://api.openai.com/v1"\n    }\n  }\n}\n`;
	const after = `{\n  "models": {\n    "oai": {\n      "apikey": "${S}",\n      "baseURL": "https://api.openai.com/v1"\n    },\n    "ollama": {\n      "apikey": "ollama",\n      "baseURL": "http://o.internal:11434/v1"\n    }\n  }\n}\n`;

	it('the diff context never shows a secret; non-secret values stay visible', () => {
		const diff = fileDiff('/x/config.json', before, after);
		expect(diff).not.toContain(S);
		expect(diff).toContain(` "apikey": "${MASK}"`); // context line, masked
		expect(diff).toMatch(/^\+\s+"baseURL": "http:\/\/o\.internal:11434\/v1"/m);
		const plain = renderAction({kind: 'file', path: '/x/config.json', why: 'w', before, after});
		expect(plain).not.toContain(S);
		expect(plain).toContain('"baseURL": "http://o.internal:11434/v1"');
		const json = JSON.stringify(actionForJson({kind: 'file', path: '/x/config.json', why: 'w', before, after}));
		expect(json).not.toContain(S);
		expect(json).toContain('o.internal');
	});

	it('a change of a secret value alone says so without showing either value', () => {
		const diff = fileDiff('/x/.env', `A=1\nOPENAI_API_KEY=${S}\n`, `A=1\nOPENAI_API_KEY=${S}-new\n`);
		expect(diff).not.toContain(S);
		expect(diff).toMatch(/secret value.*not shown/);
	});

	it('a secret action still shows no diff at all', () => {
		const r = actionForJson({kind: 'file', path: '/x/key.json', why: 'w', before: null, after: S, secret: true});
		expect(r.diff).toBeNull();
		expect(renderAction({kind: 'file', path: '/x/key.json', why: 'w', before: null, after: S, secret: true})).not.toContain(S);
	});
});

describe('file action summary (what the log says about a file change)', () => {
	it('JSON: path, sizes, sha256 and the dotted key paths that change, never the content', () => {
		const before = JSON.stringify({modelID: 'a', models: {oai: {apikey: S}}, list: [1, 2]});
		const after = JSON.stringify({modelID: 'b', models: {oai: {apikey: S}, ollama: {baseURL: 'x', modelList: {'llama3.2:latest': {contextWindow: 8192}}}}, list: [1, 2, 3]});
		const s = summarizeFileAction({kind: 'file', path: '/h/config.json', why: 'point AIlice at Ollama', before, after, mode: 0o600});
		expect(s).toMatchObject({path: '/h/config.json', create: false, mode: 0o600, format: 'json', changed: ['modelID', 'models.ollama', 'list'], moreChanged: 0});
		expect(s.before).toEqual({bytes: Buffer.byteLength(before), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown});
		expect(s.after.bytes).toBe(Buffer.byteLength(after));
		expect(s.after.sha256).not.toBe(s.before?.sha256);
		expect(JSON.stringify(s)).not.toContain(S);
	});

	it('JSON keys that are not identifiers are quoted in the path', () => {
		expect(changedJsonPaths({m: {'llama3.2:latest': 1}}, {m: {'llama3.2:latest': 2}})).toEqual(['m["llama3.2:latest"]']);
	});

	it('.env: the names of the variables that change', () => {
		const s = summarizeFileAction({kind: 'file', path: '/h/deploy/.env', why: 'w', before: `OPENAI_API_KEY=${S}\nA=1\n`, after: `OPENAI_API_KEY=${S}\nA=2\nOLLAMA_BASE_URL=http://h/v1\n`});
		expect(s).toMatchObject({format: 'env', changed: ['A', 'OLLAMA_BASE_URL']});
		expect(JSON.stringify(s)).not.toContain(S);
	});

	it('other files and secret files: sizes and hashes only', () => {
		const s = summarizeFileAction({kind: 'file', path: '/h/key.json', why: 'w', before: null, after: JSON.stringify({private_key: S}), secret: true});
		expect(s).toMatchObject({create: true, before: null, secret: true, changed: null, format: 'text'});
		expect(JSON.stringify(s)).not.toContain(S);
		const t = summarizeFileAction({kind: 'file', path: '/etc/x.conf', why: 'w', before: 'a\n', after: `b ${S}\n`});
		expect(t).toMatchObject({format: 'text', changed: null});
		expect(JSON.stringify(t)).not.toContain(S);
	});
});
