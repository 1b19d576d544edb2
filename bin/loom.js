#!/usr/bin/env node
'use strict';
const path = require('path');
const fs = require('fs');
const entry = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('loom: the CLI is not built yet; run `npm run build` (or `npm install`, which builds it) first\n');
  process.exit(2);
}
process.exitCode = require(entry).run(process.argv.slice(2));
