/**
 * Connector detection on a Linux/Docker host: `docker ps --format '{{json .}}'` and
 * `systemctl is-active twingate-connector`.
 */
import * as z from 'zod';
import {firstLine, lines, show, type Parsed} from './common.js';

export interface DockerContainer {
	id: string;
	/** First name (docker joins several with commas). */
	name: string;
	image: string;
	/** e.g. `Up 3 hours`, `Exited (1) 2 minutes ago`. */
	status: string;
	running: boolean;
}

export interface DockerConnectors {
	/** Running `twingate/connector` containers. */
	connectors: DockerContainer[];
	/** Connector containers that are not running (only listed with `docker ps -a`). */
	stopped: DockerContainer[];
}

const psLine = z.object({
	ID: z.string(),
	Image: z.string(),
	Names: z.string(),
	Status: z.string(),
	State: z.string().optional(),
});

/** `twingate/connector`, `twingate/connector:1`, `docker.io/twingate/connector:latest`, `…@sha256:…`. */
export function isConnectorImage(image: string): boolean {
	return /^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\/)?twingate\/connector(?::[\w][\w.-]*)?(?:@sha256:[0-9a-f]{64})?$/i.test(image.trim());
}

/**
 * Parse `docker ps --format '{{json .}}'` (one JSON object per line). Empty output is valid: no
 * containers. A line that is not such an object → ok:false.
 */
export function parseDockerPsConnectors(stdout: string): Parsed<DockerConnectors> {
	const connectors: DockerContainer[] = [];
	const stopped: DockerContainer[] = [];
	for (const [index, raw] of lines(stdout).entries()) {
		const line = raw.trim();
		if (line === '') continue;
		let json: unknown;
		try {
			json = JSON.parse(line);
		} catch {
			return {ok: false, problem: `Line ${index + 1} of the docker ps output is not JSON: ${show(line)}.`, connectors: [], stopped: []};
		}
		const parsed = psLine.safeParse(json);
		if (!parsed.success) {
			const missing = parsed.error.issues.map((issue) => issue.path.join('.')).filter(Boolean).join(', ');
			return {
				ok: false,
				problem: `Line ${index + 1} of the docker ps output lacks ${missing || 'the expected fields'} (run it with --format '{{json .}}').`,
				connectors: [],
				stopped: [],
			};
		}
		const {ID, Image, Names, Status, State} = parsed.data;
		if (!isConnectorImage(Image)) continue;
		const running = State !== undefined ? State.toLowerCase() === 'running' : /^Up\b/i.test(Status);
		const container: DockerContainer = {id: ID, name: Names.split(',')[0] ?? Names, image: Image, status: Status, running};
		(running ? connectors : stopped).push(container);
	}
	return {ok: true, connectors, stopped};
}

export type SystemdActiveState = 'active' | 'inactive' | 'failed' | 'activating' | 'unknown';

/**
 * `systemctl is-active <unit>`: the first line. `reloading`/`refreshing` count as active and
 * `deactivating` as inactive; anything else (including `unknown`, or an error text) is 'unknown'.
 */
export function parseSystemctlIsActive(stdout: string): SystemdActiveState {
	const word = firstLine(stdout).toLowerCase();
	switch (word) {
		case 'active':
		case 'reloading':
		case 'refreshing':
			return 'active';
		case 'inactive':
		case 'deactivating':
			return 'inactive';
		case 'failed':
			return 'failed';
		case 'activating':
			return 'activating';
		default:
			return 'unknown';
	}
}
