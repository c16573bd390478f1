export { Store } from './store.js';
export type {
  AttributeMap,
  CounterAggregate,
  ExemplarRecord,
  HistogramAggregate,
  IngestResult,
  JoinableOutcomes,
  ModelSummary,
  OutcomeSpanRecord,
  PredictionSpanRecord,
  RecentExemplarsQuery,
  SeriesQuery,
  StoreOptions,
  VersionWindow,
} from './types.js';
