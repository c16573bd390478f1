export { createEmitter, EMIT_SCOPE, type Emitter, type EmitterOptions } from './emitter.js';
export {
  type GaugeDefinition,
  type GaugePoint,
  MONITOR_STATUS_GAUGE,
  monitorStatusPoints,
  REPORT_GAUGES,
  reportAttributes,
} from './gauges.js';
export { exportIntervalFromEnv, otlpExporterFromEnv } from './otlp.js';
