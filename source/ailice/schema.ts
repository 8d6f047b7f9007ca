/**
 * AIlice's rules for config.json as a zod schema (from AIlice's ailice/common/AConfig.py and
 * ailice/core/llm/, https://github.com/myshell-ai/AIlice). Unknown keys pass through untouched
 * (AIlice ignores or drops them itself when it merges its defaults).
 *
 * `validateAiliceConfig` splits the findings: `errors` concern what the wizard writes (the Ollama
 * provider, `modelID`, `agentModelConfig.DEFAULT`) or make the file unusable as a whole; `warnings`
 * concern other parts the wizard does not own (reported, never "fixed").
 */
import * as z from 'zod';

/** The model wrappers AIlice has (ailice/core/llm/AModel*.py); there is no AModelOllama. */
export const WRAPPERS = ['AModelChatGPT', 'AModelMistral', 'AModelAnthropic', 'AModelCausalLM', 'AModelLLAMA'] as const;
/** The formatter classes of AIlice's ailice/core/llm/AFormatter.py. */
export const FORMATTERS = [
	'AFormatterGPT',
	'AFormatterGPTVision',
	'AFormatterClaudeVision',
	'AFormatterVicuna',
	'AFormatterLLAMA2',
	'AFormatterLLAMA3',
	'AFormatterSimple',
	'AFormatterChatML',
	'AFormatterAMAZON',
	'AFormatterZephyr',
	'AFormatterOpenChat',
	'AFormatterCommandR',
] as const;
/** With AModelChatGPT only these work; tokenizer formatters crash there. */
export const CHATGPT_FORMATTERS = ['AFormatterGPT', 'AFormatterGPTVision'] as const;
/** Keys AIlice passes itself; putting them in `args` raises TypeError. */
export const FORBIDDEN_ARGS = ['timeout', 'model', 'messages', 'stream'] as const;
/** AIlice's default providers: their extra keys are dropped when AIlice merges its defaults. */
export const DEFAULT_PROVIDERS = ['oai', 'groq', 'openrouter', 'apipie', 'deepseek', 'mistral', 'anthropic', 'hf', 'peft'] as const;
/** AIlice's `services`: a partial value breaks startup. */
export const SERVICES = ['storage', 'browser', 'arxiv', 'google', 'duckduckgo', 'scripter', 'computer', 'speech'] as const;

export const modelEntrySchema = z.looseObject({
	formatter: z.enum(FORMATTERS, {message: `formatter must be an existing AFormatter* class (${FORMATTERS.slice(0, 2).join(', ')}, …)`}),
	contextWindow: z.int({message: 'contextWindow must be a whole number'}).positive({message: 'contextWindow must be positive'}),
	systemAsUser: z.boolean({message: 'systemAsUser must be true or false'}),
	args: z
		.record(z.string(), z.unknown(), {message: 'args must be an object'})
		.refine((a) => !FORBIDDEN_ARGS.some((k) => Object.hasOwn(a, k)), {message: `args must not contain ${FORBIDDEN_ARGS.join(', ')} (AIlice passes them itself: TypeError)`})
		.optional(),
});

export const providerSchema = z
	.looseObject({
		modelWrapper: z.enum(WRAPPERS, {message: `modelWrapper must be one of ${WRAPPERS.join(', ')} (AModelOllama does not exist)`}),
		apikey: z.string().nullable().optional(),
		baseURL: z.string().nullable().optional(),
		modelList: z.record(z.string(), modelEntrySchema, {message: 'modelList must be an object of model name → settings'}),
	})
	.superRefine((p, c) => {
		const raw = p as Record<string, unknown>;
		if (['AModelChatGPT', 'AModelAnthropic', 'AModelMistral'].includes(p.modelWrapper) && !Object.hasOwn(raw, 'apikey')) {
			c.addIssue({code: 'custom', path: ['apikey'], message: `apikey must be present for ${p.modelWrapper} (a missing key raises KeyError)`});
		}
		if (['AModelChatGPT', 'AModelAnthropic'].includes(p.modelWrapper) && !Object.hasOwn(raw, 'baseURL')) {
			c.addIssue({code: 'custom', path: ['baseURL'], message: `baseURL must be present for ${p.modelWrapper} (null allowed)`});
		}
		if (p.modelWrapper === 'AModelChatGPT') {
			for (const [name, m] of Object.entries(p.modelList)) {
				if (!(CHATGPT_FORMATTERS as readonly string[]).includes(m.formatter)) {
					c.addIssue({code: 'custom', path: ['modelList', name, 'formatter'], message: `with AModelChatGPT the formatter must be ${CHATGPT_FORMATTERS.join(' or ')} (tokenizer formatters crash)`});
				}
			}
		}
	});

/** The Ollama provider the wizard writes: stricter. */
export const ollamaProviderSchema = providerSchema.superRefine((p, c) => {
	if (p.modelWrapper !== 'AModelChatGPT') c.addIssue({code: 'custom', path: ['modelWrapper'], message: 'modelWrapper must be AModelChatGPT for Ollama'});
	if (typeof p.apikey !== 'string' || p.apikey === '') c.addIssue({code: 'custom', path: ['apikey'], message: 'apikey must be a non-empty string, e.g. "ollama" (null makes AIlice prompt at startup)'});
	const url = p.baseURL;
	if (typeof url !== 'string') {
		c.addIssue({code: 'custom', path: ['baseURL'], message: 'baseURL must be http://HOST:11434/v1, not null'});
	} else {
		if (!/^https?:\/\//.test(url)) c.addIssue({code: 'custom', path: ['baseURL'], message: 'baseURL must start with http:// or https://'});
		if (!/\/v1\/?$/.test(url)) c.addIssue({code: 'custom', path: ['baseURL'], message: 'baseURL must end in /v1 (without it AIlice gets 404)'});
		if (url.includes('/chat/completions')) c.addIssue({code: 'custom', path: ['baseURL'], message: 'baseURL must not contain /chat/completions'});
	}
});

export const configSchema = z.looseObject({
	modelID: z.string({message: 'modelID must be a string'}).optional(),
	agentModelConfig: z.record(z.string(), z.string(), {message: 'agentModelConfig must map agent types to "provider:model" strings'}).optional(),
	models: z.record(z.string(), z.unknown(), {message: 'models must be an object of provider name → provider'}).optional(),
	temperature: z.number({message: 'temperature must be a number'}).min(0, {message: 'temperature must be ≥ 0'}).nullable().optional(),
	contextWindowRatio: z.number({message: 'contextWindowRatio must be a number'}).min(0).max(1, {message: 'contextWindowRatio must be between 0 and 1'}).optional(),
	services: z.record(z.string(), z.unknown(), {message: 'services must be an object'}).optional(),
	chatHistoryPath: z.string({message: 'chatHistoryPath must be a string'}).optional(),
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * True only when `p` passes providerSchema: every rule checked directly, without the schema's copies
 * (false means "let the schema look", never "invalid").
 */
export function plainlyValidProvider(p: unknown): boolean {
	if (!isRecord(p)) return false;
	const wrapper = p.modelWrapper;
	if (typeof wrapper !== 'string' || !(WRAPPERS as readonly string[]).includes(wrapper)) return false;
	if (!(p.apikey === undefined || p.apikey === null || typeof p.apikey === 'string')) return false;
	if (!(p.baseURL === undefined || p.baseURL === null || typeof p.baseURL === 'string')) return false;
	if (['AModelChatGPT', 'AModelAnthropic', 'AModelMistral'].includes(wrapper) && !Object.hasOwn(p, 'apikey')) return false;
	if (['AModelChatGPT', 'AModelAnthropic'].includes(wrapper) && !Object.hasOwn(p, 'baseURL')) return false;
	const list = p.modelList;
	if (!isRecord(list)) return false;
	const formatters: readonly string[] = wrapper === 'AModelChatGPT' ? CHATGPT_FORMATTERS : FORMATTERS;
	for (const key of Object.keys(list)) {
		const m = list[key];
		if (!isRecord(m)) return false;
		if (typeof m.formatter !== 'string' || !formatters.includes(m.formatter)) return false;
		if (typeof m.contextWindow !== 'number' || !Number.isSafeInteger(m.contextWindow) || m.contextWindow <= 0) return false;
		if (typeof m.systemAsUser !== 'boolean') return false;
		if (m.args !== undefined && (!isRecord(m.args) || FORBIDDEN_ARGS.some((k) => Object.hasOwn(m.args as object, k)))) return false;
	}
	return true;
}

export interface Finding {
	/** Dotted path, e.g. `models.ollama.baseURL`. */
	path: string;
	message: string;
}

export interface Validation {
	errors: Finding[];
	warnings: Finding[];
}

function dotted(parts: readonly PropertyKey[]): string {
	return parts.map((p) => (typeof p === 'string' && /^[A-Za-z_][\w-]*$/.test(p) ? p : JSON.stringify(String(p)))).join('.');
}

function findingsOf(error: z.ZodError, prefix: PropertyKey[]): Finding[] {
	return error.issues.map((i) => ({path: dotted([...prefix, ...i.path]), message: i.message}));
}

/** `provider:model`, split at the first colon (as AIlice splits a model ID). */
export function splitModelId(id: string): {provider: string; model: string} | null {
	const at = id.indexOf(':');
	if (at <= 0 || at === id.length - 1) return null;
	return {provider: id.slice(0, at), model: id.slice(at + 1)};
}

export function validateAiliceConfig(value: unknown, ourProvider: string): Validation {
	const errors: Finding[] = [];
	const warnings: Finding[] = [];
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		errors.push({path: '(top level)', message: 'the top level must be a JSON object (a list raises TypeError in AIlice)'});
		return {errors, warnings};
	}
	const top = configSchema.safeParse(value);
	if (!top.success) {
		for (const f of findingsOf(top.error, [])) (f.path === 'models' || f.path.startsWith('modelID') || f.path.startsWith('agentModelConfig') ? errors : warnings).push(f);
		if (errors.length) return {errors, warnings};
	}
	const cfg = value as Record<string, unknown>;
	const models = (cfg.models ?? {}) as Record<string, unknown>;
	for (const [name, provider] of Object.entries(models)) {
		// Another provider that plainly follows the rules needs no schema run (a large config has
		// thousands); anything else gets the schema's exact findings.
		if (name !== ourProvider && plainlyValidProvider(provider)) continue;
		const schema = name === ourProvider ? ollamaProviderSchema : providerSchema;
		const r = schema.safeParse(provider);
		if (!r.success) (name === ourProvider ? errors : warnings).push(...findingsOf(r.error, ['models', name]));
	}
	const known = (id: string): string | null => {
		const s = splitModelId(id);
		if (!s) return 'must be "provider:model" (AIlice splits at the first colon)';
		const p = Object.hasOwn(models, s.provider) ? models[s.provider] : undefined;
		if (p === undefined) return `names the provider ${JSON.stringify(s.provider)}, which is not in models`;
		const list = typeof p === 'object' && p !== null && Object.hasOwn(p, 'modelList') ? (p as {modelList: unknown}).modelList : undefined;
		if (typeof list !== 'object' || list === null || !Object.hasOwn(list, s.model)) return `names the model ${JSON.stringify(s.model)}, which is not in models.${s.provider}.modelList (AIlice exits with status 0 at startup)`;
		return null;
	};
	const ours = (id: string) => splitModelId(id)?.provider === ourProvider;
	if (typeof cfg.modelID === 'string' && cfg.modelID !== '') {
		const problem = known(cfg.modelID);
		if (problem) (ours(cfg.modelID) ? errors : warnings).push({path: 'modelID', message: `${JSON.stringify(cfg.modelID)} ${problem}`});
	}
	const agents = cfg.agentModelConfig as Record<string, string> | undefined;
	if (agents) {
		if (!Object.hasOwn(agents, 'DEFAULT')) warnings.push({path: 'agentModelConfig', message: 'has no DEFAULT entry (AIlice exits when modelID is empty)'});
		for (const [agent, id] of Object.entries(agents)) {
			const problem = known(id);
			if (problem) (ours(id) ? errors : warnings).push({path: dotted(['agentModelConfig', agent]), message: `${JSON.stringify(id)} ${problem}`});
		}
	}
	if (cfg.services !== undefined) {
		const services = cfg.services as Record<string, unknown>;
		const missing = SERVICES.filter((s) => {
			const entry = services[s];
			return typeof entry !== 'object' || entry === null || typeof (entry as {addr?: unknown}).addr !== 'string';
		});
		if (missing.length) warnings.push({path: 'services', message: `is partial (no addr for ${missing.join(', ')}); AIlice then fails at startup. Better leave services out.`});
	}
	return {errors, warnings};
}

export function describeFinding(f: Finding): string {
	return `${f.path}: ${f.message}`;
}

/**
 * A provider name for `--provider`: free, `ollama` by convention. No colon (AIlice splits model IDs
 * at the first one), and not one of AIlice's default providers, whose extra keys AIlice drops and
 * whose own settings would be overwritten.
 */
export function validateProviderName(name: string): {ok: true} | {ok: false; problem: string} {
	const shown = name.length > 40 ? `${JSON.stringify(name.slice(0, 37))}…` : JSON.stringify(name);
	if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
		return {ok: false, problem: `The provider name ${shown} must be 1–64 letters, digits, ".", "_" or "-" (no colon: AIlice splits "provider:model" at the first colon), e.g. ollama.`};
	}
	if ((DEFAULT_PROVIDERS as readonly string[]).includes(name.toLowerCase())) {
		return {ok: false, problem: `The provider name ${shown} is one of AIlice's built-in providers; writing Ollama's address into it would replace that provider's settings. Use a separate name such as ollama.`};
	}
	return {ok: true};
}
