import type { LogsRequest } from '../model.js';
import { REQUEST_RESOURCES, RESOURCE_DATA_SCOPES, SCOPE_DATA_ITEMS } from './proto-fields.js';
import { WireReader } from './wire-reader.js';

/** ExportLogsServiceRequest from protobuf: the structure is walked and bounds-checked, records only counted. */
export function decodeLogsProtobuf(body: Uint8Array): LogsRequest {
  const r = new WireReader(body);
  let recordCount = 0;
  // ResourceLogs.scope_logs (2) → ScopeLogs.log_records (2)
  const walk = (depth: number): void => {
    while (r.pos < r.limit) {
      const t = r.tag();
      const wanted = depth === 0 ? REQUEST_RESOURCES : depth === 1 ? RESOURCE_DATA_SCOPES : SCOPE_DATA_ITEMS;
      if (t !== wanted) r.skip(t);
      else if (depth === 2) {
        recordCount++;
        r.skip(t);
      } else {
        const outer = r.enter(t);
        walk(depth + 1);
        r.leave(outer);
      }
    }
  };
  walk(0);
  return { recordCount };
}
