/**
 * The six steps with their live status; the selected one is marked with › and bold. Beside the step
 * screen (wide terminals) one step a row, titles cut to the column; on narrow terminals one line.
 */
import {Box, Text} from 'ink';
import {Spinner} from '@inkjs/ui';
import type {Role, Step} from '../core/types.js';
import {MARK} from '../views/format.js';
import {stepStatus, type StepView} from './state.js';
import {statusColor} from './theme.js';

export interface StepListProps {
	steps: readonly Step[];
	views: Record<string, StepView>;
	selected: number;
	role: Role | undefined;
	/** False on the final frame: a step still running was cancelled. */
	live: boolean;
	/** The step a question on screen belongs to: marked `?` (it waits for the user, nothing runs). */
	asking?: string | null;
}

export function StepList({steps, views, selected, role, live, asking = null}: StepListProps) {
	return (
		<Box flexDirection="column">
			{steps.map((step, index) => {
				const current = stepStatus(views[step.id]);
				const status = current === 'running' && !live ? 'skipped' : current;
				const isSelected = index === selected;
				const elsewhere = Boolean(role && !step.roles.includes(role));
				const dim = !step.available || elsewhere;
				return (
					<Box key={step.id}>
						<Box flexShrink={0}>
							<Text color={isSelected ? 'cyan' : undefined} bold={isSelected}>
								{isSelected ? '›' : ' '} {step.number || '·'}{' '}
							</Text>
							{live && asking === step.id && (status === 'running' || status === 'pending') ? (
								<Text color="cyan">?</Text>
							) : status === 'running' ? (
								<Spinner />
							) : (
								<Text color={statusColor(status)}>{MARK[status]}</Text>
							)}
						</Box>
						<Box marginLeft={1}>
							<Text color={isSelected ? 'cyan' : undefined} bold={isSelected} dimColor={dim && !isSelected} wrap="truncate-end">
								{step.title}
							</Text>
						</Box>
					</Box>
				);
			})}
		</Box>
	);
}

/** The step list on one line (narrow terminals): `Steps: ✓1 ✓2 ›?3 ·4 ·5 ·6`; the screen below names the selected step. */
export function StepLine({steps, views, selected, role, live, asking = null}: StepListProps) {
	return (
		<Box>
			<Text wrap="truncate-end">
				<Text dimColor>Steps:</Text>
				{steps.map((step, index) => {
					const current = stepStatus(views[step.id]);
					const status = current === 'running' && !live ? 'skipped' : current;
					const isSelected = index === selected;
					const dim = !step.available || Boolean(role && !step.roles.includes(role));
					const mark = live && asking === step.id && (status === 'running' || status === 'pending') ? '?' : status === 'pending' ? '·' : MARK[status];
					const color = mark === '?' ? 'cyan' : statusColor(status);
					return (
						<Text key={step.id}>
							{' '}
							<Text color={isSelected ? 'cyan' : undefined} bold={isSelected}>
								{isSelected ? '›' : ' '}
							</Text>
							<Text color={color}>{mark}</Text>
							<Text color={isSelected ? 'cyan' : undefined} bold={isSelected} dimColor={dim && !isSelected}>
								{step.number || step.title}
							</Text>
						</Text>
					);
				})}
			</Text>
		</Box>
	);
}
