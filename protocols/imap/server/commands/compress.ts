// COMPRESS (RFC 4978): DEFLATE is the only algorithm. Valid once logged in (§5: command-auth), so
// always after STARTTLS, whose upgrade happens before login; compression then runs inside TLS.
import { tagged } from '../../codec/index.js';
import { bad, no } from '../respond.js';
import { AUTHED, command } from './types.js';

export const compress = command({
  name: 'COMPRESS', states: AUTHED,
  handle: async (c, cmd) => {
    if (cmd.mechanism !== 'DEFLATE') return bad(`Unknown compression algorithm ${cmd.mechanism}`);
    // RFC 4978 §3 and RFC 5530 §3: compression already in force is refused with COMPRESSIONACTIVE.
    if (c.session.compressed) return no('DEFLATE compression is already active', 'COMPRESSIONACTIVE');
    c.startCompression(tagged(cmd.tag, 'OK', 'DEFLATE active'));
    // The tagged answer went out (uncompressed) already; the connection must not send another.
    return { status: 'OK', text: '', silent: true };
  },
});
