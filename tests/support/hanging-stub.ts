import type { ServerResponse } from 'node:http';
import type { StubServer } from './stub-server';

// What a hung upstream looks like: the TCP connection is accepted and the request read, and then
// nothing, ever (no status line, no byte). The stand-ins take `hang: true` and hold every response
// here; closing the stub destroys the held sockets, so that `server.close()` can finish.

export class HeldResponses {
  private readonly held = new Set<ServerResponse>();

  hold(response: ServerResponse): void {
    this.held.add(response);
    response.on('close', () => this.held.delete(response));
  }

  /** How many requests are being held right now. */
  get count(): number {
    return this.held.size;
  }

  /** `server`'s close that first drops the held connections (close() waits for open ones). */
  closing<S extends StubServer>(server: S): S {
    return {
      ...server,
      close: async () => {
        for (const response of this.held) response.socket?.destroy();
        this.held.clear();
        await server.close();
      },
    };
  }
}
