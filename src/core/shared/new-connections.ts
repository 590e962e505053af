/**
 * New connections waiting to be accepted, for work that holds the event loop.
 *
 * Node 20's libuv (1.45 on, libuv pull request 3696) accepts one new connection per turn of the
 * event loop. On SQLite an intake batch runs synchronously between two turns, so a burst of new
 * clients (a flood of customers on the portal, a channel opening connections) was accepted one
 * batch at a time: in the benchmark's half-peak step, requests on new connections waited
 * 0.2-2.2 s (p99) in the kernel's accept queue while the server answered the others in ~30 ms.
 * The HTTP server counts what it accepts; the intake batcher lets the loop turn again, before it
 * starts a batch, for as long as the last turn accepted a connection (`settleAccepts`).
 */
import type { Server } from 'node:net';

let accepted = 0;
/** `accepted` when `settleAccepts` last let work start */
let acceptedBefore = 0;

/** Counts the connections `server` accepts (buildApp does this for the HTTP server). */
export function countAccepts(server: Server): void {
  server.on('connection', () => accepted++);
}

/** At most this many turns is a start held, so a stream of new connections cannot hold it for ever. */
const MAX_TURNS_HELD = 64;

/**
 * Runs `start` in a later check phase (setImmediate) once no connection has been accepted since
 * the last start or the last turn held, or after MAX_TURNS_HELD turns. Each turn held accepts one
 * waiting connection and reads the requests that arrived on those accepted before, so they join
 * the work `start` does. It holds even when a full batch already waits: otherwise, under a steady
 * backlog, new clients would again be accepted one batch at a time. Without a server counting
 * (tests on inject()), nothing is ever held.
 */
export function settleAccepts(start: () => void): void {
  let turns = 0;
  const check = () => {
    const held = accepted !== acceptedBefore && turns++ < MAX_TURNS_HELD;
    acceptedBefore = accepted;
    if (held) setImmediate(check);
    else start();
  };
  setImmediate(check);
}
