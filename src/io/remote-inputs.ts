/**
 * Plugs http(s) inputs into path resolution. Imported for its side effect by the runner, so
 * src/io/resolve.ts stays free of network code and tests can resolve paths offline.
 */
import { httpFile } from './http.js';
import { registerRemote } from './resolve.js';

registerRemote('http', (url) => httpFile(url));
registerRemote('https', (url) => httpFile(url));
