import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A throw-away certificate authority and a server certificate for 127.0.0.1, made with the
// openssl command (Debian's `openssl` package; .ci/run installs it when missing), so loopback
// stand-ins can serve HTTPS that clients verify for real (in-cluster mode trusts only ca.crt).

export interface TestCertificates {
  /** PEM of the CA that signed `cert`. */
  ca: string;
  /** PEM key and certificate of the server (subjectAltName IP:127.0.0.1, DNS:localhost). */
  key: string;
  cert: string;
}

function openssl(args: string[], cwd: string) {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error('The openssl command is missing: install it (apt-get install -y openssl); the HTTPS stand-ins need it to make test certificates.');
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString() ?? e.message}`);
  }
}

/** A fresh CA and a server certificate signed by it (a second call gives an unrelated CA). */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'idlens-certs-'));
  try {
    const days = ['-days', '2'];
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=idlens test CA', ...days], dir);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-extfile', 'san.ext', ...days], dir);
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    return { ca: read('ca.crt'), key: read('server.key'), cert: read('server.crt') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
