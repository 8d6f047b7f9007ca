/**
 * The keys line. It changes with what has focus: a text field owns the letters (only arrows, Esc and
 * Ctrl-C stay global), a choice list owns the arrows, a confirmation owns y/n/enter, a failed step
 * of the setup waits for r/enter/q, and a finished run with a failure waits for q/enter.
 */
import {Text} from 'ink';

export const FOOTER_KEYS = '↑/↓ select · enter open · r retry step · s skip · q quit';

export type FooterMode = 'keys' | 'text' | 'select' | 'confirm' | 'note' | 'done' | 'failure' | 'hold';

const KEYS: Record<FooterMode, string> = {
	keys: FOOTER_KEYS,
	text: '↑/↓ select · enter submit · esc skip step · ctrl-c quit',
	select: '↑/↓ choose · enter pick · q quit',
	confirm: 'y/n answer · ↑/↓ select · s skip · q quit',
	note: 'enter continue · ↑/↓ select · q quit',
	done: '↑/↓ select · enter open · r retry step · q quit',
	failure: 'r retry step · enter continue · ↑/↓ select · q stop here',
	hold: '↑/↓ select · r retry step · enter/q exit',
};

/** The keys line of a mode (or the given keys). */
export function footerKeys(mode: FooterMode, keys?: string): string {
	return keys ?? KEYS[mode];
}

export function Footer({mode, hint, keys}: {mode: FooterMode; hint: string | null; keys?: string}) {
	return (
		<>
			{hint ? <Text color="yellow">{hint}</Text> : null}
			<Text dimColor wrap="truncate-end">
				{footerKeys(mode, keys)}
			</Text>
		</>
	);
}
