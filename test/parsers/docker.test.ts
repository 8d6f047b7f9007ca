import {describe, expect, it} from 'vitest';
import {isConnectorImage, parseDockerPsConnectors, parseSystemctlIsActive} from '../../source/parsers/docker.js';

// [constructed] `docker ps --format '{{json .}}'`: one JSON object per line, fields as Docker prints them.
const line = (fields: Record<string, string>) =>
	JSON.stringify({
		Command: '"/connectord"',
		CreatedAt: '2026-08-20 10:00:00 +0000 UTC',
		Labels: '',
		LocalVolumes: '0',
		Mounts: '',
		Networks: 'host',
		Ports: '',
		RunningFor: '2 days ago',
		Size: '0B',
		...fields,
	});

const PS = [
	line({ID: 'a1b2c3d4e5f6', Image: 'twingate/connector:1', Names: 'twingate-golden-lion', State: 'running', Status: 'Up 2 days'}),
	line({ID: 'b2c3d4e5f6a1', Image: 'postgres:16', Names: 'db', State: 'running', Status: 'Up 2 days'}),
	line({ID: 'c3d4e5f6a1b2', Image: 'twingate/connector', Names: 'connector-2,alias', Status: 'Up 5 minutes (healthy)'}),
	line({ID: 'd4e5f6a1b2c3', Image: 'twingate/connector:1', Names: 'old-connector', State: 'exited', Status: 'Exited (1) 3 hours ago'}),
].join('\n');

describe('parseDockerPsConnectors', () => {
	it('[constructed] running twingate/connector containers; others and stopped ones separated', () => {
		const result = parseDockerPsConnectors(`${PS}\n`);
		expect(result.ok).toBe(true);
		expect(result.connectors).toEqual([
			{id: 'a1b2c3d4e5f6', name: 'twingate-golden-lion', image: 'twingate/connector:1', status: 'Up 2 days', running: true},
			{id: 'c3d4e5f6a1b2', name: 'connector-2', image: 'twingate/connector', status: 'Up 5 minutes (healthy)', running: true},
		]);
		expect(result.stopped.map((c) => c.name)).toEqual(['old-connector']);
	});

	it('empty output → no containers', () => {
		expect(parseDockerPsConnectors('')).toEqual({ok: true, connectors: [], stopped: []});
	});

	it('non-JSON or wrong fields → ok:false with a sentence', () => {
		const table = parseDockerPsConnectors('CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS   PORTS   NAMES');
		expect(table.ok).toBe(false);
		if (!table.ok) expect(table.problem).toMatch(/^Line 1 of the docker ps output is not JSON: "CONTAINER ID/);
		const fields = parseDockerPsConnectors('{"ID":"x","Image":"twingate/connector:1"}');
		expect(fields.ok).toBe(false);
		if (!fields.ok) expect(fields.problem).toBe("Line 1 of the docker ps output lacks Names, Status (run it with --format '{{json .}}').");
		expect(parseDockerPsConnectors('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?').ok).toBe(false);
	});

	it('image names', () => {
		for (const image of ['twingate/connector', 'twingate/connector:1', 'twingate/connector:latest', 'docker.io/twingate/connector:1', `twingate/connector@sha256:${'a'.repeat(64)}`]) {
			expect(isConnectorImage(image)).toBe(true);
		}
		for (const image of ['twingate/connectorx', 'evil/twingate/connector', 'twingate/client:1', 'connector']) {
			expect(isConnectorImage(image)).toBe(false);
		}
	});
});

describe('parseSystemctlIsActive', () => {
	it('states', () => {
		expect(parseSystemctlIsActive('active\n')).toBe('active');
		expect(parseSystemctlIsActive('inactive\n')).toBe('inactive');
		expect(parseSystemctlIsActive('failed\n')).toBe('failed');
		expect(parseSystemctlIsActive('activating\n')).toBe('activating');
		expect(parseSystemctlIsActive('reloading\n')).toBe('active');
		expect(parseSystemctlIsActive('deactivating\n')).toBe('inactive');
		expect(parseSystemctlIsActive('unknown\n')).toBe('unknown');
		expect(parseSystemctlIsActive('')).toBe('unknown');
		expect(parseSystemctlIsActive('System has not been booted with systemd as init system (PID 1). Can\'t operate.')).toBe('unknown');
	});
});
