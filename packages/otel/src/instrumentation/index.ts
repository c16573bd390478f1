export {
  DEFAULT_MODEL_NAME,
  DEFAULT_MODEL_VERSION,
  ModelPulseInstrumentation,
  SUPPORTED_VERSIONS,
} from './instrumentation.js';
export type {
  ModelDescription,
  ModelPulseInstrumentationConfig,
  ModelResolver,
  OnnxFeeds,
  OnnxInferenceSession,
  OnnxOutputs,
  OnnxTensor,
  OnnxToFeatures,
  OnnxToPrediction,
  RunInfo,
  SessionInfo,
} from './types.js';
export { defaultToFeatures, defaultToPrediction } from './utils.js';
