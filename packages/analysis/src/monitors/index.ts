export { parseMonitorDuration } from './duration.js';
export {
  describeCondition,
  HISTORY_LIMIT,
  type HistoryFilter,
  MonitorEngine,
  type MonitorHistory,
  type MonitorState,
  type MonitorTransition,
  validateMonitorSpec,
} from './evaluate.js';
export type { MonitorSpec, MonitorStatus } from './types.js';
export { monitorValue, parseValuePath, type ValuePath, validateValuePath } from './value.js';
