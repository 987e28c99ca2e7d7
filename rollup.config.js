// One ESM file per entry point, everything bundled, as actions/typescript-action does.
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'

// scripts/check-dist.js bundles into another folder to compare with the committed dist/.
const outDir = process.env.DIST_DIR || 'dist'

const entry = (name, banner) => ({
  input: `src/${name}.ts`,
  output: {
    file: `${outDir}/${name}.js`,
    format: 'es',
    banner,
    inlineDynamicImports: true,
    sourcemap: false,
  },
  onwarn(warning, warn) {
    // @actions/* and octokit use `this` at module scope in their CJS shims; harmless.
    if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return
    warn(warning)
  },
  plugins: [
    // Types are checked by `tsc --noEmit` in the test command; the bundle only transpiles.
    typescript({ tsconfig: './tsconfig.build.json', noCheck: true, outDir }),
    nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
    commonjs(),
    json(),
  ],
})

export default [entry('index'), entry('cli', '#!/usr/bin/env node')]
