/**
 * Where AIlice really reads its config (ailice/common/AConfig.py in
 * https://github.com/myshell-ai/AIlice): appdirs' `user_config_dir("ailice", "Steven Lu")` +
 * `config.json`, and the web app's overlay under `chatHistoryPath` (`user_data_dir`). Computed only from ctx.platform/env/home.
 */
import path from 'node:path';
import type {Ctx} from '../core/context.js';

type Where = Pick<Ctx, 'platform' | 'env' | 'home' | 'cwd'>;

export interface ConfigLocation {
	path: string;
	/** How it was found: the --ailice-config flag, $XDG_CONFIG_HOME, or the per-OS default. */
	source: 'flag' | 'xdg' | 'default';
}

function pathFor(platform: NodeJS.Platform): path.PlatformPath {
	return platform === 'win32' ? path.win32 : path.posix;
}

/** Expands a leading `~/` (a typed answer; the shell does it for flags) and resolves against cwd. */
export function resolveUserPath(where: Pick<Ctx, 'platform' | 'home' | 'cwd'>, input: string): string {
	const p = pathFor(where.platform);
	const raw = input.trim();
	if (raw === '~') return where.home;
	if (raw.startsWith('~/') || (where.platform === 'win32' && raw.startsWith('~\\'))) return p.join(where.home, raw.slice(2));
	return p.resolve(where.cwd, raw);
}

/** appdirs honours $XDG_* only when set (and we only trust absolute values). */
function xdg(where: Where, name: 'XDG_CONFIG_HOME' | 'XDG_DATA_HOME'): string | null {
	const v = where.env[name];
	return v && pathFor(where.platform).isAbsolute(v) ? v : null;
}

export function ailiceConfigPath(where: Where, override?: string): ConfigLocation {
	const p = pathFor(where.platform);
	if (override) return {path: resolveUserPath(where, override), source: 'flag'};
	if (where.platform === 'darwin') return {path: p.join(where.home, 'Library', 'Application Support', 'ailice', 'config.json'), source: 'default'};
	if (where.platform === 'win32') {
		const local = where.env.LOCALAPPDATA || p.join(where.home, 'AppData', 'Local');
		return {path: p.join(local, 'Steven Lu', 'ailice', 'config.json'), source: 'default'};
	}
	const config = xdg(where, 'XDG_CONFIG_HOME');
	if (config) return {path: p.join(config, 'ailice', 'config.json'), source: 'xdg'};
	return {path: p.join(where.home, '.config', 'ailice', 'config.json'), source: 'default'};
}

/** AIlice's default `chatHistoryPath` (appdirs `user_data_dir`), used when config.json does not set one. */
export function ailiceDefaultDataDir(where: Where): string {
	const p = pathFor(where.platform);
	if (where.platform === 'darwin') return p.join(where.home, 'Library', 'Application Support', 'ailice');
	if (where.platform === 'win32') return p.join(where.env.LOCALAPPDATA || p.join(where.home, 'AppData', 'Local'), 'Steven Lu', 'ailice');
	const data = xdg(where, 'XDG_DATA_HOME');
	return data ? p.join(data, 'ailice') : p.join(where.home, '.local', 'share', 'ailice');
}

/** The web app's overlay `<chatHistoryPath>/0/user_config.json`. */
export function ailiceOverlayPath(where: Where, chatHistoryPath: unknown): string {
	const p = pathFor(where.platform);
	const base = typeof chatHistoryPath === 'string' && chatHistoryPath.trim() !== '' ? resolveUserPath(where, chatHistoryPath) : ailiceDefaultDataDir(where);
	return p.join(base, '0', 'user_config.json');
}
