/** The connection card (source/core/card.ts): `otw1:` + base64url(JSON {url, models, version}). */
import {describe, expect, it} from 'vitest';
import {CARD_PREFIX, decodeCard, encodeCard} from '../../source/core/card.js';

const b64 = (v: unknown) => `${CARD_PREFIX}${Buffer.from(JSON.stringify(v)).toString('base64url')}`;

describe('connection card', () => {
	it('round-trips: one line, no spaces, the documented format', () => {
		const line = encodeCard({url: 'http://ollama.internal:11434', models: ['llama3.2:latest', 'qwen2.5-coder:7b'], version: '0.17.2'});
		expect(line).toMatch(/^otw1:[A-Za-z0-9_-]+$/);
		expect(JSON.parse(Buffer.from(line.slice(5), 'base64url').toString('utf8'))).toEqual({url: 'http://ollama.internal:11434', models: ['llama3.2:latest', 'qwen2.5-coder:7b'], version: '0.17.2'});
		expect(decodeCard(`  ${line}\n`)).toEqual({ok: true, card: {url: 'http://ollama.internal:11434', models: ['llama3.2:latest', 'qwen2.5-coder:7b'], version: '0.17.2'}});
	});

	it('accepts padding and unknown keys (forward compatible), and no version', () => {
		const line = `${b64({url: 'http://h.internal:11434/v1', models: [], future: {x: 1}})}==`;
		expect(decodeCard(line)).toEqual({ok: true, card: {url: 'http://h.internal:11434/v1', models: [], version: null}});
	});

	it.each([
		['empty', '', /is empty/],
		['wrong prefix', 'otw2:abc', /must start with otw1:/],
		['not base64url', 'otw1:ab+/cd', /not base64url/],
		['cut short', `${b64({url: 'http://h:11434', models: []}).slice(0, 20)}`, /does not decode to JSON|incomplete/],
		['a JSON list', b64([1, 2]), /not hold a JSON object/],
		['no url', b64({models: []}), /no "url"/],
		['bad url', b64({url: 'http://0.0.0.0:11434', models: []}), /bind address/],
		['bad model', b64({url: 'http://h:11434', models: ['$(id)']}), /bad model name/],
		['too long', `otw1:${'A'.repeat(20_000)}`, /characters long/],
	])('rejects %s with a sentence', (_name, line, want) => {
		const r = decodeCard(line);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.problem).toMatch(want);
	});
});
