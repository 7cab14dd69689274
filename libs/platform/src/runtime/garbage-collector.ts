/**
 * V8's allocation-site pretenuring off, for a process that serves many requests at once.
 *
 * V8 watches, per allocation site (an object literal, an array literal, a constructor call), how many of its
 * objects survive a scavenge; past a threshold it allocates that site's objects straight in the old generation. A
 * request's objects live for the request, tens of milliseconds: with 64 requests in flight, most of them are alive
 * at the next scavenge, so V8 concludes they are long-lived and moves the request path's sites to the old
 * generation, where only a mark-compact frees them. Measured on the service (register, get by id and the list page
 * at 64 connections, alternating processes with and without): three times the mark-compacts (25 against 8 in 36 s
 * of a list load), 7-18% more CPU per request, and twice the get-by-id p99. The same flag leaves the naive NestJS peer of the
 * bench unchanged, so this is a property of the request path, not of Node. Peak RSS is the same either way.
 *
 * Set at run time, before the app loads (prepareServerProcess): the flag is read at every scavenge, and a
 * run-time setting reaches every way the service is started (npm start, the image, Kubernetes, the bench) where a
 * command-line flag would have to be repeated in each; Node refuses this one in NODE_OPTIONS.
 */
import { setFlagsFromString } from 'node:v8';

export const NO_PRETENURING_FLAG = '--no-allocation-site-pretenuring';

export function keepRequestGarbageYoung(): void {
  setFlagsFromString(NO_PRETENURING_FLAG);
}
