// Builds dist/sieve.min.js from src/ (the file embedded in the Go binary).
// With --check, builds in memory and fails when the committed file differs.
import { build } from 'esbuild'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = root + 'dist/sieve.min.js'
const { version } = JSON.parse(readFileSync(root + 'package.json', 'utf8'))

export async function bundle() {
  const r = await build({
    entryPoints: [root + 'src/global.js'],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2019',
    legalComments: 'none',
    banner: { js: `/*! sieve.js ${version} */` },
    write: false,
    logLevel: 'silent',
  })
  return r.outputFiles[0].text
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const js = await bundle()
  if (process.argv.includes('--check')) {
    let have = ''
    try {
      have = readFileSync(out, 'utf8')
    } catch {
      // Missing counts as different.
    }
    if (have !== js) {
      console.error('dist/sieve.min.js is not what the build produces: run `npm run build` and commit it')
      process.exit(1)
    }
    console.log('dist/sieve.min.js is up to date')
  } else {
    writeFileSync(out, js)
    console.log(`wrote dist/sieve.min.js (${js.length} bytes)`)
  }
}
