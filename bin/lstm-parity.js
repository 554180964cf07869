#!/usr/bin/env node
import { installProcessHandlers, main } from '../dist/src/cli/main.js';

installProcessHandlers();
process.exitCode = await main(process.argv.slice(2));
