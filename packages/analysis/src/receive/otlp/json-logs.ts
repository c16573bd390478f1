import type { LogsRequest } from '../model.js';
import { get, list, object, parseJson } from './json-common.js';

/** ExportLogsServiceRequest from OTLP/JSON: the structure is checked, records only counted. */
export function decodeLogsJson(body: Uint8Array): LogsRequest {
  const root = object(parseJson(body), 'request body');
  let recordCount = 0;
  list(get(root, 'resourceLogs', 'resource_logs'), 'resourceLogs').forEach((value, i) => {
    const path = `resourceLogs[${i}]`;
    list(get(object(value, path), 'scopeLogs', 'scope_logs'), `${path}.scopeLogs`).forEach((value, j) => {
      const scopePath = `${path}.scopeLogs[${j}]`;
      const records = list(
        get(object(value, scopePath), 'logRecords', 'log_records'),
        `${scopePath}.logRecords`,
      );
      records.forEach((record, k) => {
        object(record, `${scopePath}.logRecords[${k}]`);
      });
      recordCount += records.length;
    });
  });
  return { recordCount };
}
