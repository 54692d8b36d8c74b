// The CLI entry for the `bin` script; a separate bundle entry so the library export stays side-effect free.
export { main } from './cli/main.js';
