/** Warnings from the run and the doctor's one-sentence diagnosis with its evidence. */
import {Box, Text} from 'ink';
import {MARK} from '../views/format.js';
import type {Diagnosis} from './state.js';

export function Notices({warnings, diagnosis}: {warnings: string[]; diagnosis: Diagnosis | null}) {
	if (!warnings.length && !diagnosis) return null;
	return (
		<Box flexDirection="column">
			{warnings.map((w, i) => (
				<Text key={i} color="yellow">
					{MARK.warn} {w}
				</Text>
			))}
			{diagnosis ? (
				<Box flexDirection="column">
					<Text bold>{diagnosis.cause ? `Diagnosis (${diagnosis.layer ?? 'unknown layer'}): ${diagnosis.message}` : `Diagnosis: ${diagnosis.message}`}</Text>
					{diagnosis.evidence.map((e, i) => (
						<Text key={i} dimColor>
							{'    '}evidence: {e.check}: {e.saw}
						</Text>
					))}
					{diagnosis.fix ? <Text color="yellow">    Fix: {diagnosis.fix}</Text> : null}
				</Box>
			) : null}
		</Box>
	);
}
