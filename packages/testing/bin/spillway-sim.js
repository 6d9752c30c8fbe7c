#!/usr/bin/env node
import '../dist/sim-cli.js';
