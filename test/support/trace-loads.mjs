// Loaded with `node --import`: appends every file module Node loads to $TRACE_FILE (one URL a line).
import {register} from 'node:module';

const hook = `
import {appendFileSync} from 'node:fs';
export async function load(url, context, next) {
	if (url.startsWith('file:') && process.env.TRACE_FILE) appendFileSync(process.env.TRACE_FILE, url + '\\n');
	return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
