/**
 * The dependency rules of docs/architecture.md ("Layers and the dependency rule"), kept by a
 * machine: `npm run lint:deps` (and .ci/run) fails when one is broken. Violations that existed
 * when a rule was introduced are listed in .dependency-cruiser-known-violations.json and reported
 * as warnings until fixed; a new one is an error.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-protocol-to-protocol',
      comment: 'Two protocols never import each other: what they share lives in src/ (DESIGN "Layout").',
      severity: 'error',
      from: { path: '^protocols/([^/]+)/' },
      to: { path: '^protocols/', pathNot: '^protocols/$1/' },
    },
    {
      name: 'core-not-to-protocols',
      comment: 'The core never imports a protocol; only the composition root (src/server) wires them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/server/' },
      to: { path: '^protocols/' },
    },
    {
      name: 'codecs-stand-alone',
      comment: 'Codecs (WBXML, DAV XML, IMAP parser, any */codec) do no I/O and know no store: nothing from src/.',
      severity: 'error',
      from: { path: '^protocols/[^/]+/(wbxml|xml|codec|parser)/' },
      to: { path: '^src/' },
    },
    {
      name: 'no-circular',
      comment: 'No import circles: a module cannot depend on itself through others.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-tests',
      comment: 'Production code never imports test code.',
      severity: 'error',
      from: { path: '^(src|protocols)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
