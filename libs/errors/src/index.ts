export { StartupError } from './startup-error';
export { exitOnStartFailure } from './exit-on-start-failure';
