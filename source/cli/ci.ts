/**
 * What counts as CI, in one place (no dependencies: the entry point uses it before anything loads).
 * Ink decides "CI" once, when it is imported (is-in-ci: any CI variable that is not "0" or "false",
 * even an empty one), and then prints only its final frame; the wizard treats an empty value as unset.
 */
const KEYS = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

const truthy = (v: string | undefined) => Boolean(v && v !== 'false' && v !== '0');

export function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
	return KEYS.some((k) => truthy(env[k]));
}

/** Drops empty CI variables before Ink is imported, so Ink agrees with isCi. */
export function dropEmptyCi(env: Record<string, string | undefined> = process.env): void {
	for (const k of KEYS) if (env[k] === '') delete env[k];
}
