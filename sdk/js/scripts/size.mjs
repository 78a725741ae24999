// Prints the minified and gzipped size of dist/sieve.min.js and fails over the budget.
import { readFileSync } from 'node:fs'
import { gzipSync, constants } from 'node:zlib'
import { fileURLToPath } from 'node:url'

const BUDGET = 8192
const file = fileURLToPath(new URL('../dist/sieve.min.js', import.meta.url))
const js = readFileSync(file)
const gz = gzipSync(js, { level: constants.Z_BEST_COMPRESSION }).length
console.log(`sieve.min.js: ${js.length} bytes minified, ${gz} bytes gzipped (budget ${BUDGET})`)
if (gz > BUDGET) {
  console.error(`sieve.min.js is ${gz - BUDGET} bytes over the ${BUDGET}-byte gzip budget`)
  process.exit(1)
}
