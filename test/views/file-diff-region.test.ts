import {describe, expect, it} from 'vitest';
import {fileDiff, maskSpansLines, wholeFileDiff} from '../../source/views/format.js';

/** A small deterministic PRNG, so a failure can be replayed. */
function rng(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// Few distinct lines, so a diff can line up in more than one way (the case where leaving the shared
// end out could change the result), plus JSON-like lines and secret-looking keys.
const ALPHABETS = [
	['a', 'b', 'c', '}', '  }', ''],
	['{', '}', '  },', '    "apikey": "sk-1"', '    "apikey": "sk-2"', '    "name": "x"', '    "baseURL": "http://h/v1"', 'TOKEN=abc', 'HOME=/h', '  ]'],
	['x', 'y'],
];

function randomText(r: () => number, alphabet: string[], lines: number, eol: string): string {
	const out: string[] = [];
	for (let i = 0; i < lines; i++) out.push(alphabet[Math.floor(r() * alphabet.length)] ?? '');
	return out.join(eol) + (r() < 0.8 ? eol : '');
}

function edit(r: () => number, text: string, alphabet: string[], eol: string): string {
	const lines = text.split(eol);
	const regions = 1 + Math.floor(r() * 3);
	for (let k = 0; k < regions; k++) {
		const at = Math.floor(r() * (lines.length + 1));
		const del = Math.floor(r() * 4);
		const ins: string[] = [];
		for (let n = Math.floor(r() * 5); n > 0; n--) ins.push(alphabet[Math.floor(r() * alphabet.length)] ?? '');
		lines.splice(at, del, ...ins);
	}
	let out = lines.join(eol);
	if (r() < 0.1) out = out.endsWith(eol) ? out.slice(0, -eol.length) : out + eol; // final newline added or removed
	return out;
}

/** More with DIFF_SEEDS=… (the test compares that many random edits). */
const SEEDS = Number(process.env.DIFF_SEEDS ?? 3000);

describe('fileDiff over the changed region only', () => {
	it('is byte-identical to diffing and masking the whole texts, over many random edits', () => {
		let compared = 0;
		for (let seed = 1; seed <= SEEDS; seed++) {
			const r = rng(seed);
			const alphabet = ALPHABETS[seed % ALPHABETS.length] ?? [];
			const eol = seed % 5 === 0 ? '\r\n' : '\n';
			const before = randomText(r, alphabet, Math.floor(r() * 60), eol);
			const after = edit(r, before, alphabet, eol);
			const path = seed % 2 ? 'config.json' : '.env';
			expect(fileDiff(path, before, after), `seed ${seed}`).toBe(wholeFileDiff(path, before, after));
			compared++;
		}
		expect(compared).toBe(SEEDS);
	});

	it('is identical for mixed line endings, no final newline, creation from nothing and no change', () => {
		const cases: [string | null, string][] = [
			[null, 'a\nb\n'],
			[null, ''],
			['', 'a'],
			['a', ''],
			['a\nb\nc', 'a\nb\nc\n'],
			['a\nb\nc\n', 'a\nb\nc'],
			['a\r\nb\r\nc\r\n', 'a\r\nb\nc\r\n'],
			['a\nb\n', 'a\nb\n'],
			['\n\n\n', '\n\n'],
			['x\n'.repeat(50), `${'x\n'.repeat(20)}y\n${'x\n'.repeat(30)}`],
			['{\n  "a": 1\n}\n', '{\n  "a": 1,\n  "b": 2\n}\n'],
		];
		for (const [before, after] of cases) expect(fileDiff('f.json', before, after)).toBe(wholeFileDiff('f.json', before, after));
		for (const path of ['f.json', 'odd name ', '.env']) expect(fileDiff(path, 'same\n', 'same\n')).toBe(wholeFileDiff(path, 'same\n', 'same\n'));
	});

	it('keeps line numbers of a change deep in a large file', () => {
		const lines = Array.from({length: 5000}, (_, i) => `  "k${i}": ${i},`);
		const before = `{\n${lines.join('\n')}\n  "end": 0\n}\n`;
		const after = before.replace('"k2500": 2500,', '"k2500": 2501,').replace('"k4000": 4000,', '"k4000": 4000,\n  "apikey": "sk-secret",');
		const diff = fileDiff('c.json', before, after);
		expect(diff).toBe(wholeFileDiff('c.json', before, after));
		expect(diff).toContain('@@ -2499,7 +2499,7 @@');
		expect(diff).not.toContain('sk-secret');
	});

	it('masks secrets that span lines (PEM blocks, quoted .env values) as the whole-text masking does', () => {
		const pem = '-----BEGIN PRIVATE KEY-----\nMIIEv\nQWERTY\n-----END PRIVATE KEY-----';
		const envBefore = `A=1\nKEY_FILE_CONTENT="${pem}"\nB=2\nC=3\n`;
		const envAfter = `A=1\nKEY_FILE_CONTENT="${pem}"\nB=22\nC=3\n`;
		expect(maskSpansLines(envBefore)).toBe(true);
		const diff = fileDiff('.env', envBefore, envAfter);
		expect(diff).toBe(wholeFileDiff('.env', envBefore, envAfter));
		expect(diff).not.toMatch(/MIIEv|QWERTY/);
		const multi = 'X=1\nMY_TOKEN="line1\nline2\nline3"\nY=2\n';
		const multiAfter = 'X=1\nMY_TOKEN="line1\nline2\nline3"\nY=3\n';
		expect(fileDiff('.env', multi, multiAfter)).toBe(wholeFileDiff('.env', multi, multiAfter));
		expect(fileDiff('.env', multi, multiAfter)).not.toMatch(/line[123]/);
		const json = `{\n  "a": "-----BEGIN RSA PRIVATE KEY-----\\nabc\\n-----END RSA PRIVATE KEY-----",\n  "b": 1\n}\n`;
		const jsonAfter = json.replace('"b": 1', '"b": 2');
		expect(fileDiff('k.json', json, jsonAfter)).toBe(wholeFileDiff('k.json', json, jsonAfter));
	});

	it('says only secrets change when the masked texts are the same', () => {
		const before = `{\n${'  "x": 1,\n'.repeat(30)}  "apikey": "sk-old"\n}\n`;
		const after = before.replace('sk-old', 'sk-new');
		expect(fileDiff('c.json', before, after)).toBe('--- c.json\n+++ c.json\n(only secret values change; they are not shown)');
		expect(fileDiff('c.json', before, after)).toBe(wholeFileDiff('c.json', before, after));
	});
});
