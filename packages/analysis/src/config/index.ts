export { parseDuration } from './duration.js';
export {
  ConfigError,
  configToServerOptions,
  loadConfig,
  parseConfig,
  type ResolvedConfig,
  type ResolvedModelConfig,
  type ResolvedMonitor,
} from './load.js';
export { type ConfigFile, configSchema, DRIFT_METHOD_NAMES } from './schema.js';
