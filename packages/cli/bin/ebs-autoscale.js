#!/usr/bin/env node
// The installed entry point: the built CLI. Kept as plain JS so `npm install -g` needs no build step.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
