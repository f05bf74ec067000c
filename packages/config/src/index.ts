export {
  ConfigError,
  type ConfigErrorCategory,
  type ConfigErrorCode,
  type ConfigErrorOptions,
  type ConfigIssue,
} from './config.errors.js';
export { DURATION_HINT, parseDuration, tryParseDuration } from './duration.js';
export { boolEnv, durationEnv, parseEnv, secretEnv } from './env.js';
export {
  type AgentRuntimeConfig,
  type CredentialProfileConfig,
  type FractaConfig,
  type FractaConfigInput,
  fractaConfigSchema,
  type McpServerConfig,
  RUNTIME_NAMES,
  type RuntimeName,
  runtimeNameSchema,
  type StateConfig,
} from './fracta-config.schema.js';
export { type Env, expandString, type Expansion } from './interpolate.js';
export {
  CONFIG_FILE_NAMES,
  defaultFractaConfig,
  findConfigFile,
  loadConfig,
  type LoadConfigOptions,
  type LoadedConfig,
  MAX_CONFIG_BYTES,
  parseConfigText,
  type ParseConfigOptions,
} from './load-config.js';
export {
  durationSchema,
  type DurationSchemaOptions,
  ENV_NAME_PATTERN,
  envMapSchema,
  type ListenAddress,
  listenAddressSchema,
  LOG_LEVELS,
  type LogLevel,
  logLevelSchema,
  NAME_PATTERN,
  nameKeySchema,
  parseListenAddress,
  redactUrlPassword,
  stringListSchema,
  urlSchema,
} from './schema-fragments.js';
