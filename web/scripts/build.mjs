// Builds the web UI from src/ into dist/ (embedded in the Go binary by
// embed.go): dist/assets/app-<hash>.js and .css, and dist/index.html that
// loads them. With --check, builds in memory and fails when the committed
// dist/ differs.
import { build } from 'esbuild'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

export async function bundle() {
  const r = await build({
    entryPoints: { app: root + 'src/main.jsx' },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    splitting: true,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    outdir: root + 'dist/assets',
    legalComments: 'none',
    loader: { '.css': 'css' },
    write: false,
    logLevel: 'silent',
  })
  const files = {}
  let js = '', css = ''
  for (const f of r.outputFiles) {
    const name = f.path.slice(f.path.lastIndexOf('/') + 1)
    files['assets/' + name] = f.text
    if (name.startsWith('app-') && name.endsWith('.js')) js = name
    if (name.endsWith('.css')) css = name
  }
  files['index.html'] = readFileSync(root + 'src/index.html', 'utf8').replace('%CSS%', `/assets/${css}`).replace('%JS%', `/assets/${js}`)
  return files
}

function committed() {
  const out = {}
  try {
    out['index.html'] = readFileSync(root + 'dist/index.html', 'utf8')
    for (const n of readdirSync(root + 'dist/assets')) out['assets/' + n] = readFileSync(root + 'dist/assets/' + n, 'utf8')
  } catch {
    // Missing counts as different.
  }
  return out
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await bundle()
  if (process.argv.includes('--check')) {
    const have = committed()
    const same = Object.keys(files).length === Object.keys(have).length && Object.entries(files).every(([k, v]) => have[k] === v)
    if (!same) {
      console.error('web/dist is not what the build produces: run `make build` (or `npm run build` in web/) and commit it')
      process.exit(1)
    }
    console.log('web/dist is up to date')
  } else {
    rmSync(root + 'dist', { recursive: true, force: true })
    mkdirSync(root + 'dist/assets', { recursive: true })
    for (const [k, v] of Object.entries(files)) writeFileSync(root + 'dist/' + k, v)
    console.log(`wrote web/dist: ${Object.entries(files).map(([k, v]) => `${k} (${v.length} bytes)`).join(', ')}`)
  }
}
