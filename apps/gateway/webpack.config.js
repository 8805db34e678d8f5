// @ts-check
const path = require('node:path');

/**
 * Nest's webpack defaults, plus the policy check worker as a second entry: node:worker_threads
 * starts a worker from a file of its own, so it is bundled next to main.js (dist/apps/gateway).
 * @param {import('webpack').Configuration & { output: { filename: string } }} options
 * @returns {import('webpack').Configuration}
 */
module.exports = (options) => ({
  ...options,
  entry: {
    main: /** @type {string} */ (options.entry),
    'policy-check.worker': path.resolve(__dirname, 'src/policy/policy-check.worker.ts'),
  },
  output: {
    ...options.output,
    filename: path.join(path.dirname(options.output.filename), '[name].js'),
  },
});
