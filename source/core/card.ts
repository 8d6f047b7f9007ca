/**
 * The connection card: one line that carries what step 3 (on the Ollama host) found to step 4 (on the
 * AIlice side), so the address and the model names need no retyping.
 *
 * Format (version 1), one line, no spaces:
 *
 *     otw1:<base64url of the UTF-8 JSON object>
 *
 * The JSON object:
 * - `url` (string, required): the Ollama base URL as the AIlice side reaches it, i.e. the Twingate
 *   Resource alias, e.g. `http://ollama.internal:11434` (with or without `/v1`; same rules as `--url`).
 * - `models` (array of strings, required, may be empty): model names exactly as `/api/tags` lists
 *   them on the server, cloud entries left out (they do not run on the server).
 * - `version` (string or null, optional): the Ollama server version from `/api/version`; shown only.
 * Unknown keys are ignored, so later versions can add fields without a new prefix. A card is not a
 * secret: it holds no keys or tokens.
 *
 * base64url is RFC 4648 section 5, https://www.rfc-editor.org/rfc/rfc4648#section-5 (`-` and `_`, no padding needed; padding is accepted).
 */
import * as z from 'zod';
import {validateModelName} from './ollama-api.js';
import {parseOllamaUrl} from './url.js';

export const CARD_PREFIX = 'otw1:';
/** Longest card accepted (a few hundred model names fit). */
export const MAX_CARD_LENGTH = 16_384;
export const MAX_CARD_MODELS = 200;

export interface ConnectionCard {
	url: string;
	models: string[];
	version?: string | null;
}

export type CardCheck = {ok: true; card: ConnectionCard} | {ok: false; problem: string};

const cardSchema = z.object({
	url: z.string({message: 'the card has no "url" string'}),
	models: z.array(z.string(), {message: 'the card has no "models" list of names'}).max(MAX_CARD_MODELS, {message: `the card lists more than ${MAX_CARD_MODELS} models`}),
	version: z.string().max(64).nullable().optional(),
});

export function encodeCard(card: ConnectionCard): string {
	const checked = validateCard(card);
	if (!checked.ok) throw new Error(`cannot encode an invalid connection card: ${checked.problem}`);
	const body: ConnectionCard = {url: checked.card.url, models: checked.card.models};
	if (card.version !== undefined) body.version = card.version;
	return `${CARD_PREFIX}${Buffer.from(JSON.stringify(body), 'utf8').toString('base64url')}`;
}

function validateCard(value: unknown): CardCheck {
	const parsed = cardSchema.safeParse(value);
	if (!parsed.success) return {ok: false, problem: `the card is incomplete: ${parsed.error.issues[0]?.message ?? 'wrong shape'}.`};
	const url = parseOllamaUrl(parsed.data.url);
	if (!url.ok) return {ok: false, problem: `the card's address is not usable: ${url.problem}`};
	for (const name of parsed.data.models) {
		const m = validateModelName(name);
		if (!m.ok) return {ok: false, problem: `the card lists a bad model name: ${m.problem}`};
	}
	return {ok: true, card: {url: parsed.data.url, models: [...new Set(parsed.data.models)], version: parsed.data.version ?? null}};
}

/** Decodes and validates a card line; the problem sentence never repeats the whole line. */
export function decodeCard(line: string): CardCheck {
	const text = line.trim();
	if (text === '') return {ok: false, problem: 'The connection card is empty; paste the whole line that starts with otw1: (step 3 prints it on the Ollama host).'};
	if (text.length > MAX_CARD_LENGTH) return {ok: false, problem: `The connection card is ${text.length} characters long (at most ${MAX_CARD_LENGTH}); copy exactly the one line step 3 printed.`};
	if (!text.startsWith(CARD_PREFIX)) {
		const head = JSON.stringify(text.slice(0, 8));
		return {ok: false, problem: `The connection card must start with ${CARD_PREFIX} but starts with ${head}; copy the whole line step 3 printed.`};
	}
	const body = text.slice(CARD_PREFIX.length).replace(/=+$/, '');
	if (!/^[A-Za-z0-9_-]+$/.test(body)) {
		return {ok: false, problem: 'The connection card has characters that are not base64url (A–Z a–z 0–9 - _) after otw1:; it was probably cut or wrapped while copying.'};
	}
	let json: unknown;
	try {
		json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
	} catch {
		return {ok: false, problem: 'The connection card does not decode to JSON; it was probably cut short while copying. Copy the whole line again.'};
	}
	if (typeof json !== 'object' || json === null || Array.isArray(json)) return {ok: false, problem: 'The connection card does not hold a JSON object.'};
	const checked = validateCard(json);
	if (!checked.ok) return {ok: false, problem: `The connection card is not valid: ${checked.problem}`};
	return checked;
}
