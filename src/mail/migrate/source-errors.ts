/** One clear line for an error from the source server or the way to it (no stack, no password). */
export function describeSourceError(e: unknown, where: string, user: string): string {
  const err = e as { code?: string; authenticationFailed?: boolean; responseText?: string; message?: string };
  const code = err.code ?? '';
  if (err.authenticationFailed)
    return `${where} refused the login of ${user} (wrong user or password)${err.responseText ? `: ${err.responseText}` : ''}`;
  if (code === 'ECONNREFUSED') return `cannot connect to ${where} (connection refused)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot find the host of ${where} (DNS: ${code})`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `cannot reach ${where} (${code})`;
  if (/TIMEOUT|ETIMEDOUT/.test(code)) return `${where} did not answer in time (${code})`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code))
    return `the certificate of ${where} is not trusted (${code}); use --insecure to accept it`;
  if (code === 'ClosedAfterConnectTLS' || code === 'ClosedAfterConnectText' || code === 'EConnectionClosed' || code === 'NoConnection') {
    return `${where} closed the connection (${code}): is it an IMAP server, and is the scheme (imaps:// or imap://) right?`;
  }
  const text = (err.responseText ?? err.message ?? String(e)).split('\n')[0];
  return `${where}: ${text}${code ? ` (${code})` : ''}`;
}
