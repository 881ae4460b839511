/** unbzip2-stream 1.4.3 ships no types: it returns an old-style `through` duplex stream. */
declare module 'unbzip2-stream' {
  import type { Duplex } from 'node:stream';
  function unbzip2Stream(): Duplex;
  export default unbzip2Stream;
}
