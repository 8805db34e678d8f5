export { StartupError } from './startup-error';
